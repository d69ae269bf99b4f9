import Foundation
import Testing
import SettleCore
import SettleTestSupport
@testable import SettleWorkbook

/// reconciliation.xlsx read back from its XML: sheets, cell types, formulas and cached totals.
@Suite struct ReconciliationWorkbookTests {
    func part(_ file: String, _ name: String) throws -> String { try XLSXPart.read(file, name) }

    let day = UTCDay("2026-10-25")!

    var cells: [ReconciliationCell] {
        [
            ReconciliationCell(day: day, provider: "openai", model: "gpt-4o", tier: .standard, tokenType: .input, gatewayQuantity: 1_000_000,
                               billedQuantity: 1_000_000, expectedCost: ExactDecimal("2.50"), billedCost: ExactDecimal("2.50"),
                               status: .matched, moneyAtRisk: .zero),
            ReconciliationCell(day: day, provider: "openai", model: "gpt-4o", tier: .standard, tokenType: .output, gatewayQuantity: 100_000,
                               billedQuantity: 103_000, expectedCost: ExactDecimal("1.03"), billedCost: ExactDecimal("1.03"),
                               status: .tokenMismatch, moneyAtRisk: ExactDecimal("0.03")!),
            ReconciliationCell(day: day, provider: "openai", model: "web search tool calls", tier: .standard, tokenType: nil,
                               gatewayQuantity: 0, billedQuantity: nil, expectedCost: nil, billedCost: ExactDecimal("1.25"),
                               status: .missingInGateway, moneyAtRisk: ExactDecimal("1.25")!),
            ReconciliationCell(day: day.adding(days: 1), provider: "anthropic", model: "claude", tier: .batch, tokenType: .output,
                               gatewayQuantity: 10, billedQuantity: nil, expectedCost: ExactDecimal("0.0001"), billedCost: nil,
                               status: .missingInBill, moneyAtRisk: ExactDecimal("0.0001")!),
        ]
    }

    @Test func summaryDiscrepanciesAndAllCells() throws {
        let dir = TempFolder()
        let path = "\(dir.path)/reconciliation.xlsx"
        try ReconciliationWorkbook.make(cells: cells, currency: "USD", created: day.adding(days: 2).start).write(to: path)

        let workbook = try part(path, "xl/workbook.xml")
        #expect(workbook.contains(#"<sheet name="Summary" sheetId="1""#))
        #expect(workbook.contains(#"<sheet name="Discrepancies" sheetId="2""#))
        #expect(workbook.contains(#"<sheet name="All cells" sheetId="3""#))
        #expect(try part(path, "docProps/core.xml").contains("2026-10-27T00:00:00Z"))

        // Summary: one row per day and provider, totals as formulas with their values cached.
        let summary = try part(path, "xl/worksheets/sheet1.xml")
        #expect(summary.contains(#"<autoFilter ref="A1:N3"/>"#))
        #expect(summary.contains(#"state="frozen""#))
        // Day first: openai on the 25th (3 cells, 1 matched), anthropic on the 26th (1 cell).
        #expect(summary.range(of: #"<c r="D2" s="\d+"><v>3</v></c><c r="E2" s="\d+"><v>1</v></c><c r="F2" s="\d+"><v>2</v></c>"#,
                               options: .regularExpression) != nil)
        #expect(summary.range(of: #"<c r="D3" s="\d+"><v>1</v></c>"#, options: .regularExpression) != nil)
        #expect(summary.contains("<f>SUM(D2:D3)</f><v>4</v>"))
        #expect(summary.contains("<f>SUM(E2:E3)</f><v>1</v>"))          // matched
        #expect(summary.contains("<f>SUM(F2:F3)</f><v>3</v>"))          // not matched
        #expect(summary.contains("<f>SUM(L2:L3)</f><v>4.78</v>"))       // billed cost
        #expect(summary.contains("<f>SUM(M2:M3)</f><v>3.5301</v>"))     // expected cost
        #expect(summary.contains("<f>SUM(N2:N3)</f><v>1.2801</v>"))     // money at risk

        // Discrepancies: the three cells that are not matched, numbers as numbers, blanks where a side has none.
        let discrepancies = try part(path, "xl/worksheets/sheet2.xml")
        #expect(discrepancies.contains(#"<autoFilter ref="A1:P4"/>"#))   // the columns of reconciliation.csv, the exchange rate last
        #expect(discrepancies.range(of: #"<c r="H2" s="\d+"><v>3000</v></c>"#, options: .regularExpression) != nil)
        #expect(discrepancies.range(of: #"<c r="J3" s="\d+"><v>1.25</v></c>"#, options: .regularExpression) != nil)
        #expect(discrepancies.range(of: #"<c r="I3"[^>]*/>"#, options: .regularExpression) == nil)   // no expected cost: no cell
        #expect(discrepancies.contains("<f>SUM(M2:M4)</f><v>1.2801</v>"))

        let all = try part(path, "xl/worksheets/sheet3.xml")
        #expect(all.contains(#"<autoFilter ref="A1:P5"/>"#))
        let strings = try part(path, "xl/sharedStrings.xml")
        for text in ["token_mismatch", "missing_in_gateway", "missing_in_bill", "matched", "web search tool calls"] {
            #expect(strings.contains("<t>\(text)</t>"), "\(text)")
        }
    }

    @Test func theSameCellsGiveTheSameBytes() throws {
        let dir = TempFolder()
        let created = day.adding(days: 2).start
        try ReconciliationWorkbook.make(cells: cells, currency: "USD", created: created).write(to: "\(dir.path)/a.xlsx")
        try ReconciliationWorkbook.make(cells: cells, currency: "USD", created: created).write(to: "\(dir.path)/b.xlsx")
        let a = try Data(contentsOf: URL(fileURLWithPath: "\(dir.path)/a.xlsx"))
        let b = try Data(contentsOf: URL(fileURLWithPath: "\(dir.path)/b.xlsx"))
        #expect(a.count > 3_000)
        #expect(a == b)
    }
}
