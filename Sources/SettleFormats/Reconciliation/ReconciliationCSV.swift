import SettleCore

/// `reconciliation.csv`: every cell with both sides and the differences. The first twelve
/// columns are fixed by PRODUCT.md (finance imports them); `money_at_risk` follows them.
///
/// Quantities are whole numbers; money is exact, with at least two decimals and as many more as
/// the product of a per-token price needs (providers bill fractions of a cent). An empty field
/// means the side has no such figure (a cost report alone has no quantity).
public enum ReconciliationCSV {
    public static let columns = ["day", "provider", "model", "tier", "token_type", "gateway_quantity", "billed_quantity",
                                 "quantity_diff", "expected_cost", "billed_cost", "cost_diff", "status", "money_at_risk"]

    public static func render(_ cells: [ReconciliationCell]) -> String {
        var out = CSVText.record(columns)
        for c in cells { CSVText.append(fields(c), to: &out) }
        return out
    }

    public static func fields(_ c: ReconciliationCell) -> [String] {
        [
            c.day.description, c.provider, c.model, c.tier.rawValue, c.tokenType?.rawValue ?? "",
            c.isModelTotal ? "" : String(c.gatewayQuantity), c.billedQuantity.map { String($0) } ?? "",
            c.quantityDiff.map { String($0) } ?? "", money(c.expectedCost), money(c.billedCost), money(c.costDiff),
            c.status.rawValue, money(c.moneyAtRisk),
        ]
    }

    static func money(_ d: ExactDecimal?) -> String {
        d.map { $0.normalized.formatted(minimumPlaces: 2) } ?? ""
    }
}
