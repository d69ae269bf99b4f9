/// An alert as stored and as written to `alerts.jsonl` (fields fixed by PRODUCT.md).
public struct FiredAlert: Sendable, Hashable {
    /// Derived from (customer, period, metric, threshold): the same alert has the same id on
    /// every store and every rerun.
    public var id: String
    public var customerID: String
    public var period: BillingPeriod
    public var metric: AlertMetric
    public var threshold: Int
    public var severity: AlertSeverity
    public var usage: ExactDecimal
    public var limit: ExactDecimal
    public var firedAt: Timestamp
    public var deliveryID: String?

    public init(id: String, candidate: AlertCandidate, firedAt: Timestamp, deliveryID: String? = nil) {
        self.id = id
        self.customerID = candidate.customerID
        self.period = candidate.period
        self.metric = candidate.metric
        self.threshold = candidate.threshold
        self.severity = candidate.severity
        self.usage = candidate.usage
        self.limit = candidate.limit
        self.firedAt = firedAt
        self.deliveryID = deliveryID
    }
}

/// One webhook POST: a customer's new alerts of one run, kept until a 2xx acknowledges it.
public struct AlertDelivery: Sendable, Hashable {
    public enum State: String, Sendable { case pending, delivered }

    /// Also the `Idempotency-Key` header: a retry of the same delivery carries the same key.
    public var id: String
    public var customerID: String
    public var url: String
    public var body: String
    public var state: State
    public var attempts: Int
    public var lastError: String?
    public var createdAt: Timestamp
    public var deliveredAt: Timestamp?

    public init(id: String, customerID: String, url: String, body: String, state: State = .pending, attempts: Int = 0,
                lastError: String? = nil, createdAt: Timestamp, deliveredAt: Timestamp? = nil) {
        self.id = id
        self.customerID = customerID
        self.url = url
        self.body = body
        self.state = state
        self.attempts = attempts
        self.lastError = lastError
        self.createdAt = createdAt
        self.deliveredAt = deliveredAt
    }
}
