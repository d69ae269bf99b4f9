import SettleCore

/// `audit/DAY/charge-audit.csv` (PRODUCT.md, "Charge audit"). Amounts to six decimals (a
/// millionth of a dollar; rounded half away from zero): a day's figures are fractions of a cent
/// per call, and the status is decided on the exact values.
public enum ChargeAuditCSV {
    public static let columns = ["day", "customer_id", "provider", "model", "tier", "events", "reported", "computed", "difference", "status"]

    public static func text(_ cells: [ChargeAuditCell]) -> String {
        var out = CSVText.record(columns)
        for c in cells {
            CSVText.append([c.day.description, c.customerID, c.provider, c.model, c.tier.rawValue, String(c.events),
                            c.reported.formatted(places: 6), c.computed.formatted(places: 6), c.difference.formatted(places: 6),
                            c.status.rawValue], to: &out)
        }
        return out
    }
}
