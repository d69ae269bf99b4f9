import SettleCore

/// `reconciliation.xlsx`: a Summary sheet per provider and day (or charge period), the
/// Discrepancies (every cell that is not matched) and All cells, with the columns of
/// reconciliation.csv; a period's cells carry its last day in `through`, long prompts' cells
/// their band.
public enum ReconciliationWorkbook {
    public static func make(cells: [ReconciliationCell], currency: String, created: Timestamp) -> Workbook {
        var book = Workbook(currency: currency, created: created)
        var summary = Sheet(name: "Summary", columns: [
            Sheet.Column("day", width: 12), Sheet.Column("through", width: 12), Sheet.Column("provider"),
            Sheet.Column("cells", .integer, total: true),
            Sheet.Column("matched", .integer, total: true), Sheet.Column("not matched", .integer, total: true),
        ] + ReconciliationStatus.allCases.filter { $0 != .matched }.map { Sheet.Column($0.rawValue, .integer, total: true) } + [
            Sheet.Column("billed cost", .money, total: true), Sheet.Column("expected cost", .money, total: true),
            Sheet.Column("money at risk", .money, total: true),
        ])
        for s in ReconciliationSummary.of(cells) {
            summary.append([.text(s.day.description), .text(s.through?.description ?? ""), .text(s.provider), .integer(Int64(s.cells)),
                            .integer(Int64(s.matched)),
                            .integer(Int64(s.notMatched))]
                + ReconciliationStatus.allCases.filter { $0 != .matched }.map { .integer(Int64(s.byStatus[$0] ?? 0)) }
                + [.number(s.billedCost), .number(s.expectedCost), .number(s.moneyAtRisk)])
        }
        book.add(summary)
        book.add(sheet("Discrepancies", cells.filter { $0.status != .matched }))
        book.add(sheet("All cells", cells))
        return book
    }

    static func sheet(_ name: String, _ cells: [ReconciliationCell]) -> Sheet {
        var sheet = Sheet(name: name, columns: [
            Sheet.Column("day", width: 12), Sheet.Column("provider"), Sheet.Column("model", width: 34), Sheet.Column("tier"),
            Sheet.Column("token_type"), Sheet.Column("gateway_quantity", .integer), Sheet.Column("billed_quantity", .integer),
            Sheet.Column("quantity_diff", .integer), Sheet.Column("expected_cost", .money), Sheet.Column("billed_cost", .money),
            Sheet.Column("cost_diff", .money), Sheet.Column("status", width: 20), Sheet.Column("money_at_risk", .money, total: true),
            Sheet.Column("through", width: 12), Sheet.Column("band", width: 10), Sheet.Column("exchange_rate", width: 36),
        ])
        func number(_ d: ExactDecimal?) -> Sheet.Cell { d.map { .number($0) } ?? .empty }
        func integer(_ n: Int64?) -> Sheet.Cell { n.map { .integer($0) } ?? .empty }
        for c in cells {
            sheet.append([
                .text(c.day.description), .text(c.provider), .text(c.model), .text(c.tier.rawValue), .text(c.tokenType?.rawValue ?? ""),
                c.isModelTotal ? .empty : .integer(c.gatewayQuantity), integer(c.billedQuantity), integer(c.quantityDiff),
                number(c.expectedCost), number(c.billedCost), number(c.costDiff), .text(c.status.rawValue), .number(c.moneyAtRisk),
                .text(c.through?.description ?? ""), .text(PriceBands.label(c.band)),
                // A bill in another currency: the rates its cost was converted to the base at.
                .text(c.exchangeRates.map(\.printed).joined(separator: "; ")),
            ])
        }
        return sheet
    }
}
