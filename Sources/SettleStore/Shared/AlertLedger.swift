import SettleCore

/// Alerts and their webhook deliveries, the same SQL on both stores. The unique key on
/// (customer, period, metric, threshold, limit) is what makes an alert fire once, ever.
public final class AlertLedger {
    let sql: any SQLExecutor

    init(_ sql: any SQLExecutor) { self.sql = sql }

    /// The (metric, threshold, limit) of every alert already fired, for every period whose
    /// totals are due for alerts (`period_totals.alerts_due`), in one statement: alerts looks at
    /// every such period, and a statement each was a round trip each on PostgreSQL (five
    /// thousand in a night).
    public func firedInDuePeriods() throws -> [PeriodKey: Set<AlertKey>] {
        let columns = StoredColumns("alerts", ["a.customer_id", "a.period_start", "a.metric", "a.threshold", "a.limit_value"])
        var out: [PeriodKey: Set<AlertKey>] = [:]
        try sql.eachRow(columns, """
            FROM alerts a JOIN period_totals t ON t.customer_id = a.customer_id AND t.period_start = a.period_start
            WHERE t.alerts_due = 1
            """) { row in
            let customer = try row.text()
            let start = try row.day()
            let metric = try Self.metric(&row)
            let threshold = try row.int()
            let limit = try row.money()
            out[PeriodKey(customerID: customer, periodStart: start), default: []].insert(AlertKey(metric: metric, threshold: Int(threshold), limit: limit))
        }
        return out
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
            // Many rows per statement, each alert already there left out (ON CONFLICT) and the
            // stored ones named back (RETURNING, in both stores).
            var storedIDs = Set<String>()
            let columns = ["id", "customer_id", "period", "period_start", "metric", "threshold", "severity", "usage", "limit_value",
                           "fired_at", "run_id", "delivery_id"]
            let tuple = "(" + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
            var at = 0
            while at < alerts.count {
                let chunk = alerts[at..<min(at + Self.alertsPerStatement, alerts.count)]
                let ids = StoredColumns("alerts", ["id"])
                let statement = "INSERT INTO alerts(\(columns.joined(separator: ", "))) VALUES "
                    + Array(repeating: tuple, count: chunk.count).joined(separator: ", ")
                    + " ON CONFLICT DO NOTHING RETURNING \(ids.list)"
                let params = chunk.flatMap { a -> [SQLParam] in
                    [.text(a.id), .text(a.customerID), .text(a.period.description), .text(a.period.firstDay.description),
                     .text(a.metric.description), .int(Int64(a.threshold)), .text(a.severity.rawValue), .decimal(a.usage), .decimal(a.limit),
                     .text(a.firedAt.description), .text(runID), .optional(a.deliveryID)]
                }
                for values in try sql.fetch(statement, params) {
                    var row = ids.reader(values)
                    storedIDs.insert(try row.text())
                }
                at += chunk.count
            }
            let stored = alerts.filter { storedIDs.contains($0.id) }
            for d in deliveries where !stored.isEmpty { try Self.insert(d, sql: sql) }
            return stored
        }
    }

    /// Puts a delivery in the outbox (`alert_deliveries`, which reminders share): stored before
    /// it is sent, so a run killed between the two sends it next time.
    static func insert(_ d: AlertDelivery, sql: any SQLExecutor) throws {
        try sql.perform("""
            INSERT INTO alert_deliveries(id, customer_id, url, body, status, attempts, last_error, created_at, delivered_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
            """, [.text(d.id), .text(d.customerID), .text(d.url), .text(d.body), .text(d.state.rawValue), .int(Int64(d.attempts)),
                  .optional(d.lastError), .text(d.createdAt.description), .optional(d.deliveredAt?.description)])
    }

    /// Twelve parameters an alert: SQLite takes at most 32,766 a statement.
    static let alertsPerStatement = 500

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
