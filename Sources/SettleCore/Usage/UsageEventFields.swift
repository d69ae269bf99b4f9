/// A field as a source format delivered it, before validation. Decoders fill these without
/// judging them, so that every format shares one set of rules (`UsageEvent.init(validating:)`).
public enum FieldValue: Sendable, Equatable {
    case missing
    case null
    case text(String)
    case integer(Int64)
    /// A JSON number that is not a whole number, or too large: kept as its text for the reason.
    case otherNumber(String)
    case bool(Bool)
    /// A JSON object or array.
    case nested

    /// Absent, null and the empty string all mean "not given".
    public var isAbsent: Bool {
        switch self {
        case .missing, .null: return true
        case .text(let s): return s.isEmpty
        default: return false
        }
    }
}

/// The raw fields of one usage row, in PRODUCT.md's names.
public struct UsageEventFields: Sendable {
    public var requestID: FieldValue = .missing
    public var ts: FieldValue = .missing
    public var customerID: FieldValue = .missing
    public var provider: FieldValue = .missing
    public var model: FieldValue = .missing
    public var inputTokens: FieldValue = .missing
    public var cachedInputTokens: FieldValue = .missing
    public var cacheWriteTokens: FieldValue = .missing
    public var outputTokens: FieldValue = .missing
    public var requests: FieldValue = .missing
    public var tier: FieldValue = .missing
    public var status: FieldValue = .missing
    public var apiKeyID: FieldValue = .missing
    public var upstreamAccount: FieldValue = .missing
    public var serviceID: FieldValue = .missing
    public var latencyMs: FieldValue = .missing
    public var cacheWrite1hTokens: FieldValue = .missing
    /// What the gateway charged for the event in real time: a native column, and what adapters
    /// fill from their source's own cost (LiteLLM's `spend`, a gateway's `cost_usd`).
    public var reportedCost: FieldValue = .missing

    public init() {}

    /// The field names of the native formats, in the order the CSV header is written.
    public static let columnNames = [
        "request_id", "ts", "customer_id", "provider", "model", "input_tokens", "cached_input_tokens",
        "cache_write_tokens", "output_tokens", "requests", "tier", "status", "api_key_id",
        "upstream_account", "service_id", "latency_ms", "reported_cost", "cache_write_1h_tokens",
    ]

    /// Sets the field called `name`; unknown names are ignored, as FORMATS.md says.
    public mutating func set(_ name: String, _ value: FieldValue) {
        guard let slot = UsageEventFields.columnNames.firstIndex(of: name) else { return }
        set(slot: slot, value)
    }

    /// Sets a field by its index in `columnNames`: the decoders' fast path, inlinable because
    /// they call it for every field of every row from another module.
    @inlinable
    public mutating func set(slot: Int, _ value: FieldValue) {
        switch slot {
        case 0: requestID = value
        case 1: ts = value
        case 2: customerID = value
        case 3: provider = value
        case 4: model = value
        case 5: inputTokens = value
        case 6: cachedInputTokens = value
        case 7: cacheWriteTokens = value
        case 8: outputTokens = value
        case 9: requests = value
        case 10: tier = value
        case 11: status = value
        case 12: apiKeyID = value
        case 13: upstreamAccount = value
        case 14: serviceID = value
        case 15: latencyMs = value
        case 16: reportedCost = value
        case 17: cacheWrite1hTokens = value
        default: break
        }
    }
}
