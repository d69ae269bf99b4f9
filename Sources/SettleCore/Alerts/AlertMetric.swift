/// What a plan limits (PRODUCT.md, "Alerts"): tokens (input + output of ok events), calls,
/// cost (usage charges before discount and tax), and calls to one provider. Its text (`tokens`,
/// `calls:google`) is what the store, alerts.jsonl and the alert ids carry.
public enum AlertMetric: Hashable, Comparable, Sendable, CustomStringConvertible {
    case tokens
    case calls
    case cost
    case callsTo(provider: String)

    public init?(_ text: String) {
        switch text {
        case "tokens": self = .tokens
        case "calls": self = .calls
        case "cost": self = .cost
        default:
            guard text.hasPrefix("calls:"), text.count > "calls:".count else { return nil }
            self = .callsTo(provider: String(text.dropFirst("calls:".count)))
        }
    }

    public var description: String {
        switch self {
        case .tokens: return "tokens"
        case .calls: return "calls"
        case .cost: return "cost"
        case .callsTo(let provider): return "calls:\(provider)"
        }
    }

    public static func < (a: AlertMetric, b: AlertMetric) -> Bool { a.description < b.description }
}

/// An alert that fires once, ever, for a customer's period: its metric, threshold and limit.
/// The limit is part of it so that an upgrade (a new plan version with a higher limit) re-arms
/// the alerts (PRODUCT.md, "Customers over time").
public struct AlertKey: Hashable, Sendable {
    public var metric: AlertMetric
    public var threshold: Int
    public var limit: ExactDecimal

    public init(metric: AlertMetric, threshold: Int, limit: ExactDecimal) {
        self.metric = metric
        self.threshold = threshold
        self.limit = limit.normalized
    }
}
