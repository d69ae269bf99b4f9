import SettleCore

/// The charge audit's day totals (`ChargeAuditDayTotal`), the same SQL on both stores: each
/// audited day's sums per provider, model and tier, so that a month's summary adds up stored
/// days instead of auditing the whole month's daily rows again every night.
public final class AuditLedger {
    let sql: any SQLExecutor

    init(_ sql: any SQLExecutor) { self.sql = sql }

    /// Replaces the totals of `days` (a day audited again has only its new totals).
    public func replace(days: [UTCDay], with totals: [ChargeAuditDayTotal]) throws {
        try sql.inTransaction {
            try sql.delete(from: "charge_audit_days", keys: ["day"], values: days.map { [.text($0.description)] })
            try sql.insert(into: "charge_audit_days", columns: ["day", "provider", "model", "tier", "events", "events_reported",
                                                               "compared_events", "reported", "unpriced_reported", "computed", "priced"],
                           rows: totals.map { t in
                [.text(t.key.day.description), .text(t.key.provider), .text(t.key.model), .text(t.key.tier.rawValue), .int(t.events),
                 .int(t.eventsReported), .int(t.comparedEvents), .decimal(t.reported), .decimal(t.unpricedReported), .decimal(t.computed),
                 .int(t.priced ? 1 : 0)]
            })
        }
    }

    static let totalColumns = StoredColumns("charge_audit_days", ["day", "provider", "model", "tier", "events", "events_reported",
                                                                  "compared_events", "reported", "unpriced_reported", "computed", "priced"])

    /// The stored totals of the days `from`…`to`.
    public func totals(from: UTCDay, to: UTCDay) throws -> [ChargeAuditDayTotal] {
        try sql.rows(Self.totalColumns, "FROM charge_audit_days WHERE day >= ? AND day <= ?",
                     [.text(from.description), .text(to.description)]) { row -> ChargeAuditDayTotal in
            let day = try row.day()
            let provider = try row.text()
            let model = try row.text()
            let tier = try row.value(Tier.self)
            var t = ChargeAuditDayTotal(key: .init(day: day, provider: provider, model: model, tier: tier))
            t.events = try row.int()
            t.eventsReported = try row.int()
            t.comparedEvents = try row.int()
            t.reported = try row.money()
            t.unpricedReported = try row.money()
            t.computed = try row.money()
            t.priced = try row.int() != 0
            return t
        }
    }

    /// Days `from`…`to` with ok events that carry a reported cost and no stored totals: days
    /// summed before the store kept totals (a store of an earlier release), audited once.
    public func unauditedDays(from: UTCDay, to: UTCDay) throws -> [UTCDay] {
        let days = StoredColumns("usage_daily", ["day"])
        return try sql.fetch("""
            SELECT DISTINCT \(days.list) FROM usage_daily WHERE day >= ? AND day <= ? AND costed <> 0 AND status = 'ok'
              AND day NOT IN (SELECT day FROM charge_audit_days WHERE day >= ? AND day <= ?)
            ORDER BY day
            """, [.text(from.description), .text(to.description), .text(from.description), .text(to.description)]).map { values -> UTCDay in
            var row = days.reader(values)
            return try row.day()
        }
    }
}
