import SettleCore

/// Alerts and their webhook deliveries, the same SQL on both stores. The unique key on
/// (customer, period, metric, threshold, limit) is what makes an alert fire once, ever.
public final class AlertLedger {
    let sql: any SQLExecutor

    init(_ sql: any SQLExecutor) { self.sql = sql }

    static let keyColumns = StoredColumns("alerts", ["metric", "threshold", "limit_value"])

    /// The (metric, threshold, limit) of every alert already fired for a customer's period.
    public func fired(customer: String, period: BillingPeriod) throws -> Set<AlertKey> {
        Set(try sql.rows(Self.keyColumns, "FROM alerts WHERE customer_id = ? AND period_start = ?",
                         [.text(customer), .text(period.firstDay.description)]) { row -> AlertKey in
            let metric = try Self.metric(&row)
            let threshold = try row.int()
            let limit = try row.money()
            return AlertKey(metric: metric, threshold: Int(threshold), limit: limit)
        })
    }

    /// A metric is stored as its text (`AlertMetric.description`), not an enum's raw value.
    static func metric(_ row: inout StoredRow) throws -> AlertMetric {
        let text = try row.text()
        guard let m = AlertMetric(text) else { throw StoreError.unreadable("alerts.metric", text) }
        return m
    }

    /// Stores new alerts and the deliveries that carry them, in one transaction. Returns the
    /// alerts actually stored (one already there is not stored again); deliveries are stored
    /// only when some alert was.
    @discardableResult
    public func record(_ alerts: [FiredAlert], deliveries: [AlertDelivery], runID: String) throws -> [FiredAlert] {
        try sql.inTransaction {
            var stored: [FiredAlert] = []
            for a in alerts {
                let n = try sql.perform("""
                    INSERT INTO alerts(id, customer_id, period, period_start, metric, threshold, severity, usage, limit_value, fired_at,
                                       run_id, delivery_id)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
                    """, [.text(a.id), .text(a.customerID), .text(a.period.description), .text(a.period.firstDay.description),
                          .text(a.metric.description), .int(Int64(a.threshold)), .text(a.severity.rawValue), .decimal(a.usage), .decimal(a.limit),
                          .text(a.firedAt.description), .text(runID), .optional(a.deliveryID)])
                if n > 0 { stored.append(a) }
            }
            for d in deliveries where !stored.isEmpty {
                try sql.perform("""
                    INSERT INTO alert_deliveries(id, customer_id, url, body, status, attempts, last_error, created_at, delivered_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, [.text(d.id), .text(d.customerID), .text(d.url), .text(d.body), .text(d.state.rawValue), .int(Int64(d.attempts)),
                          .optional(d.lastError), .text(d.createdAt.description), .optional(d.deliveredAt?.description)])
            }
            return stored
        }
    }

    static let alertColumns = StoredColumns("alerts", ["id", "customer_id", "period_start", "metric", "threshold", "usage", "limit_value",
                                                       "fired_at", "delivery_id", "period"])

    /// Every alert, oldest first: the content of alerts.jsonl.
    public func all() throws -> [FiredAlert] {
        try sql.rows(Self.alertColumns, "FROM alerts") { row -> FiredAlert in
            let id = try row.text()
            let customerID = try row.text()
            let start = try row.day()
            let metric = try Self.metric(&row)
            let threshold = try row.int()
            let usage = try row.money()
            let limit = try row.money()
            let firedAt = try row.time()
            let deliveryID = try row.optionalText()
            let month = try row.month()
            let candidate = AlertCandidate(customerID: customerID, period: BillingPeriod(month: month, billingDay: start.date.day),
                                           metric: metric, threshold: Int(threshold), usage: usage, limit: limit)
            return FiredAlert(id: id, candidate: candidate, firedAt: firedAt, deliveryID: deliveryID)
        }.sorted { ($0.firedAt, $0.customerID, $0.period, $0.metric, $0.threshold) < ($1.firedAt, $1.customerID, $1.period, $1.metric, $1.threshold) }
    }

    static let deliveryColumns = StoredColumns("alert_deliveries", ["id", "customer_id", "url", "body", "status", "attempts", "last_error",
                                                                    "created_at", "delivered_at"])

    public func deliveries(pendingOnly: Bool) throws -> [AlertDelivery] {
        try sql.rows(Self.deliveryColumns, "FROM alert_deliveries \(pendingOnly ? "WHERE status = 'pending'" : "")") { row -> AlertDelivery in
            let id = try row.text()
            let customerID = try row.text()
            let url = try row.text()
            let body = try row.text()
            let state = try row.value(AlertDelivery.State.self)
            let attempts = try row.int()
            let lastError = try row.optionalText()
            let createdAt = try row.time()
            let deliveredAt = try row.optionalTime()
            return AlertDelivery(id: id, customerID: customerID, url: url, body: body, state: state, attempts: Int(attempts),
                                 lastError: lastError, createdAt: createdAt, deliveredAt: deliveredAt)
        }.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
    }

    /// Records an attempt: delivered (a 2xx came back) or still pending with why not.
    public func recordAttempt(_ id: String, delivered: Bool, error: String?, at time: Timestamp) throws {
        try sql.perform("""
            UPDATE alert_deliveries SET attempts = attempts + 1, status = ?, last_error = ?, delivered_at = ? WHERE id = ?
            """, [.text(delivered ? "delivered" : "pending"), .optional(error), .optional(delivered ? time.description : nil), .text(id)])
    }
}
