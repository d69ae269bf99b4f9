/// The alert rules of PRODUCT.md: for each limit of a customer's plan — `tokens`, `calls`,
/// `cost`, `calls:<provider>` — an alert for each threshold the period's usage has reached.
/// Firing once per (customer, period, metric, threshold, limit), ever, is the store's job: it keeps
/// every alert and refuses a second.
public struct AlertCandidate: Sendable, Hashable {
    public var customerID: String
    public var period: BillingPeriod
    public var metric: AlertMetric
    public var threshold: Int
    public var usage: ExactDecimal
    public var limit: ExactDecimal

    public init(customerID: String, period: BillingPeriod, metric: AlertMetric, threshold: Int, usage: ExactDecimal, limit: ExactDecimal) {
        self.customerID = customerID
        self.period = period
        self.metric = metric
        self.threshold = threshold
        self.usage = usage
        self.limit = limit
    }

    public var severity: AlertSeverity { AlertSeverity(threshold: threshold) }
    public var key: AlertKey { AlertKey(metric: metric, threshold: threshold, limit: limit) }
}

public enum AlertSeverity: String, Sendable {
    case info, warning, critical

    /// 80 info, 90 warning, 100 critical; other thresholds by the band they fall in.
    public init(threshold: Int) {
        self = threshold >= 100 ? .critical : threshold >= 90 ? .warning : .info
    }
}

public enum AlertRule {
    /// Every (metric, threshold) the totals have reached, in metric then threshold order.
    public static func reached(_ totals: PeriodTotals, plan: Plan, thresholds: [Int]) -> [AlertCandidate] {
        var metrics: [(AlertMetric, ExactDecimal, ExactDecimal)] = []
        if let l = plan.tokenLimit { metrics.append((.tokens, ExactDecimal(totals.tokens), ExactDecimal(l))) }
        if let l = plan.callLimit { metrics.append((.calls, ExactDecimal(totals.calls), ExactDecimal(l))) }
        if let l = plan.costLimit { metrics.append((.cost, totals.cost, l)) }
        for provider in plan.callLimitsByProvider.keys.sorted() {
            metrics.append((.callsTo(provider: provider), ExactDecimal(totals.callsByProvider[provider] ?? 0),
                            ExactDecimal(plan.callLimitsByProvider[provider]!)))
        }
        var out: [AlertCandidate] = []
        for (metric, usage, limit) in metrics where limit > .zero {
            for threshold in thresholds.sorted() where usage * .hundred >= limit * ExactDecimal(threshold) {
                out.append(AlertCandidate(customerID: totals.customerID, period: totals.period, metric: metric, threshold: threshold,
                                          usage: usage, limit: limit))
            }
        }
        return out
    }
}

extension AlertCandidate {
    /// What makes an alert once-ever (PRODUCT.md, "Alerts"): customer, period, metric,
    /// threshold and limit (an upgrade's re-armed alert has a limit of its own). An alert's id
    /// is a digest of this text, so a rerun makes the same id; the text is the ids' since the
    /// first release and must not change.
    public var identity: String {
        "\(customerID)|\(period.firstDay)|\(metric)|\(threshold)|\(limit.normalized)"
    }
}
