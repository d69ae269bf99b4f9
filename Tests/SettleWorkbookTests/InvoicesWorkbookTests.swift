import Foundation
import Testing
import SettleCore
import SettleTestSupport
@testable import SettleWorkbook

/// invoices-PERIOD.xlsx read back: one row per invoice, money as numbers, totals as formulas.
@Suite struct InvoicesWorkbookTests {
    @Test func oneRowPerInvoiceWithTotals() throws {
        let period = BillingPeriod(month: PeriodMonth("2026-10")!, billingDay: 1)
        func invoice(_ number: String?, _ customer: String, _ total: String, credits: String) -> Invoice {
            let t = ExactDecimal(total)!, c = ExactDecimal(credits)!
            return Invoice(number: number, customerID: customer, customerName: customer.uppercased(), period: period,
                           issueDate: UTCDay("2026-11-01")!, dueDate: UTCDay("2026-11-15")!, currency: "USD", lines: [],
                           subtotal: t, tax: .zero, total: t, creditsApplied: c, amountDue: t - c, taxRatePct: .zero)
        }
        let dir = TempFolder()
        let path = "\(dir.path)/invoices-2026-10.xlsx"
        try InvoicesWorkbook.make([invoice("INV-2026-000001", "cus_a", "99.60", credits: "99.60"),
                                   invoice("INV-2026-000002", "cus_b", "79.01", credits: "0"),
                                   invoice(nil, "cus_u", "0.00", credits: "0")],
                                  currency: "USD", created: UTCDay("2026-11-01")!.start).write(to: path)
        let sheet = try XLSXPart.read(path, "xl/worksheets/sheet1.xml")
        #expect(sheet.contains(#"<autoFilter ref="A1:P4"/>"#), "13 columns, then currency, total and amount due in it")
        // libxlsxwriter prints doubles with 16 significant digits: "99.59999999999999" is the
        // double nearest 99.60, which a spreadsheet reads back as 99.60.
        func cached(_ formula: String) -> Double? {
            guard let r = sheet.range(of: "<f>\(formula)</f><v>") else { return nil }
            return Double(sheet[r.upperBound...].prefix { $0 != "<" })
        }
        #expect(cached("SUM(J2:J4)") == 178.61)     // total
        #expect(cached("SUM(K2:K4)") == 99.60)      // credits applied
        #expect(cached("SUM(L2:L4)") == 79.01)      // amount due
        #expect(sheet.range(of: #"<c r="J3" s="\d+"><v>79.01(000000000001)?</v></c>"#, options: .regularExpression) != nil)
        let strings = try XLSXPart.read(path, "xl/sharedStrings.xml")
        #expect(strings.contains("<t>INV-2026-000002</t>") && strings.contains("<t>draft</t>") && strings.contains("<t>issued</t>"))
    }
}
