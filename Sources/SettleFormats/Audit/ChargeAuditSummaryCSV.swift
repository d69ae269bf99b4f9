import SettleCore

/// `audit/YYYY-MM/charge-audit-summary.csv`: one row per provider, model and tier over the
/// calendar month so far, rewritten by every audited day of the month. Amounts to six
/// decimals, `difference_pct` to two (empty when unpriced or nothing was computed).
public enum ChargeAuditSummaryCSV {
    public static let columns = ["provider", "model", "tier", "days", "events", "reported", "computed", "difference", "difference_pct", "status",
                                 "events_reported"]

    public static func text(_ rows: [ChargeAuditSummaryRow]) -> String {
        var out = CSVText.record(columns)
        for r in rows {
            CSVText.append([r.provider, r.model, r.tier.rawValue, String(r.days), String(r.events), r.reported.formatted(places: 6),
                            ChargeAuditCSV.amount(r.computed), ChargeAuditCSV.amount(r.difference),
                            r.differencePct?.formatted(places: 2) ?? "", r.status.rawValue, String(r.eventsReported)], to: &out)
        }
        return out
    }
}
