import SettleCore

/// `reconciliation.csv`: every cell with both sides and the differences; and `summary.csv`
/// beside it, per day (or charge period) and provider. The first twelve columns of
/// reconciliation.csv are fixed by PRODUCT.md (finance imports them); `money_at_risk`,
/// `through` (a charge period's last day, empty for one-day cells) and `band` (the prompt-size
/// band, `>200000`, empty for the standard band) follow them, and `exchange_rate`: where the
/// provider billed in another currency, the rates its cost was converted to the base at.
///
/// Quantities are whole numbers; money is exact, with at least two decimals and as many more as
/// the product of a per-token price needs (providers bill fractions of a cent). An empty field
/// means the side has no such figure (a cost report alone has no quantity).
public enum ReconciliationCSV {
    public static let columns = ["day", "provider", "model", "tier", "token_type", "gateway_quantity", "billed_quantity",
                                 "quantity_diff", "expected_cost", "billed_cost", "cost_diff", "status", "money_at_risk", "through", "band", "exchange_rate"]

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
            c.status.rawValue, money(c.moneyAtRisk), c.through?.description ?? "", PriceBands.label(c.band),
            c.exchangeRates.map(\.printed).joined(separator: "; "),
        ]
    }

    /// What is not matched, per status, in the order PRODUCT.md checks them.
    static let findingStatuses = ReconciliationStatus.allCases.filter { $0 != .matched }

    public static let summaryColumns = ["day", "through", "provider", "cells", "matched"] + findingStatuses.map(\.rawValue)
        + ["expected_cost", "billed_cost", "money_at_risk"]

    /// `summary.csv`: per day or period and provider, the cells, how many matched, how many
    /// got each other status, the expected and billed cost and the money at risk.
    public static func renderSummary(_ summaries: [ReconciliationSummary]) -> String {
        var out = CSVText.record(summaryColumns)
        for s in summaries {
            CSVText.append([s.day.description, s.through?.description ?? "", s.provider, String(s.cells), String(s.matched)]
                + findingStatuses.map { String(s.byStatus[$0] ?? 0) }
                + [money(s.expectedCost), money(s.billedCost), money(s.moneyAtRisk)], to: &out)
        }
        return out
    }

    static func money(_ d: ExactDecimal?) -> String {
        d.map { $0.normalized.formatted(minimumPlaces: 2) } ?? ""
    }
}
