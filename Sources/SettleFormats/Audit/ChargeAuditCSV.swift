import SettleCore

/// `audit/DAY/charge-audit.csv` (PRODUCT.md, "Charge audit"). Amounts to six decimals (a
/// millionth of a dollar; rounded half away from zero): a day's figures are fractions of a cent
/// per call, and the status is decided on the exact values. An unpriced cell leaves computed
/// and difference empty. `events_reported` comes after the fixed columns.
public enum ChargeAuditCSV {
    public static let columns = ["day", "customer_id", "provider", "model", "tier", "events", "reported", "computed", "difference", "status",
                                 "events_reported"]

    public static func text(_ cells: [ChargeAuditCell]) -> String {
        var out = CSVText.record(columns)
        for c in cells {
            CSVText.append([c.day.description, c.customerID, c.provider, c.model, c.tier.rawValue, String(c.events),
                            c.reported.formatted(places: 6), amount(c.computed), amount(c.difference), c.status.rawValue,
                            String(c.eventsReported)], to: &out)
        }
        return out
    }

    /// Six decimals, or empty where there is no figure (unpriced).
    static func amount(_ d: ExactDecimal?) -> String { d?.formatted(places: 6) ?? "" }
}
