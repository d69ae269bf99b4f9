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

    /// The stored totals of the days `from`…`to`.
    public func totals(from: UTCDay, to: UTCDay) throws -> [ChargeAuditDayTotal] {
        try sql.fetch("""
            SELECT day, provider, model, tier, events, events_reported, compared_events, reported, unpriced_reported, computed, priced
            FROM charge_audit_days WHERE day >= ? AND day <= ?
            """, [.text(from.description), .text(to.description)]).map { r in
            var t = ChargeAuditDayTotal(key: .init(day: try r.day(0, "charge_audit_days.day"), provider: r.text(1), model: r.text(2),
                                                   tier: try r.value(3, "charge_audit_days.tier")))
            t.events = r.int(4)
            t.eventsReported = r.int(5)
            t.comparedEvents = r.int(6)
            t.reported = try r.money(7, "charge_audit_days.reported")
            t.unpricedReported = try r.money(8, "charge_audit_days.unpriced_reported")
            t.computed = try r.money(9, "charge_audit_days.computed")
            t.priced = r.int(10) != 0
            return t
        }
    }

    /// Days `from`…`to` with ok events that carry a reported cost and no stored totals: days
    /// summed before the store kept totals (a store of an earlier release), audited once.
    public func unauditedDays(from: UTCDay, to: UTCDay) throws -> [UTCDay] {
        try sql.fetch("""
            SELECT DISTINCT day FROM usage_daily WHERE day >= ? AND day <= ? AND costed <> 0 AND status = 'ok'
              AND day NOT IN (SELECT day FROM charge_audit_days WHERE day >= ? AND day <= ?)
            ORDER BY day
            """, [.text(from.description), .text(to.description), .text(from.description), .text(to.description)])
            .map { try $0.day(0, "usage_daily.day") }
    }
}
