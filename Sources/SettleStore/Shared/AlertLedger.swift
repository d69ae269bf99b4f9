import SettleCore

/// Alerts and their webhook deliveries, the same SQL on both stores. The unique key on
/// (customer, period, metric, threshold, limit) is what makes an alert fire once, ever.
public final class AlertLedger {
    let sql: any SQLExecutor

    init(_ sql: any SQLExecutor) { self.sql = sql }

    /// The (metric, threshold, limit) of every alert already fired for a customer's period.
    public func fired(customer: String, period: BillingPeriod) throws -> Set<AlertKey> {
        Set(try sql.fetch("SELECT metric, threshold, limit_value FROM alerts WHERE customer_id = ? AND period_start = ?",
                          [.text(customer), .text(period.firstDay.description)]).map { r in
            AlertKey(metric: try Self.metric(r, 0), threshold: Int(r.int(1)), limit: try r.money(2, "alerts.limit_value"))
        })
    }

    static func metric(_ r: [String?], _ i: Int) throws -> AlertMetric {
        guard let m = AlertMetric(r.text(i)) else { throw StoreError.unreadable("alerts.metric", r[i]) }
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

    /// Every alert, oldest first: the content of alerts.jsonl.
    public func all() throws -> [FiredAlert] {
        try sql.fetch("""
            SELECT id, customer_id, period_start, metric, threshold, usage, limit_value, fired_at, delivery_id, period
            FROM alerts
            """, []).map { r in
            let start = try r.day(2, "alerts.period_start")
            guard let month = PeriodMonth(r.text(9)) else { throw StoreError.unreadable("alerts.period", r[9]) }
            let candidate = AlertCandidate(customerID: r.text(1), period: BillingPeriod(month: month, billingDay: start.date.day),
                                           metric: try Self.metric(r, 3), threshold: Int(r.int(4)), usage: try r.money(5, "alerts.usage"),
                                           limit: try r.money(6, "alerts.limit_value"))
            return FiredAlert(id: r.text(0), candidate: candidate, firedAt: try r.time(7, "alerts.fired_at"), deliveryID: r[8])
        }.sorted { ($0.firedAt, $0.customerID, $0.period, $0.metric, $0.threshold) < ($1.firedAt, $1.customerID, $1.period, $1.metric, $1.threshold) }
    }

    public func deliveries(pendingOnly: Bool) throws -> [AlertDelivery] {
        try sql.fetch("""
            SELECT id, customer_id, url, body, status, attempts, last_error, created_at, delivered_at FROM alert_deliveries
            \(pendingOnly ? "WHERE status = 'pending'" : "")
            """, []).map { r in
            AlertDelivery(id: r.text(0), customerID: r.text(1), url: r.text(2), body: r.text(3),
                          state: try r.value(4, "alert_deliveries.status"), attempts: Int(r.int(5)), lastError: r[6],
                          createdAt: try r.time(7, "alert_deliveries.created_at"),
                          deliveredAt: try r.optionalTime(8, "alert_deliveries.delivered_at"))
        }.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
    }

    /// Records an attempt: delivered (a 2xx came back) or still pending with why not.
    public func recordAttempt(_ id: String, delivered: Bool, error: String?, at time: Timestamp) throws {
        try sql.perform("""
            UPDATE alert_deliveries SET attempts = attempts + 1, status = ?, last_error = ?, delivered_at = ? WHERE id = ?
            """, [.text(delivered ? "delivered" : "pending"), .optional(error), .optional(delivered ? time.description : nil), .text(id)])
    }
}
