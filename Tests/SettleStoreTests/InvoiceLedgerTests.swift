import Foundation
import Testing
import SettleCore
import SettleStore
import SettleTestSupport

/// Issuing and reading back a month of documents, past the page size of the reads (1,000)
/// and the chunk size of the inserts, on both stores.
@Suite struct InvoiceLedgerTests {
    func invoice(_ customer: String, kind: Invoice.Kind = .invoice, month: String = "2026-10", issued: String) -> Invoice {
        let amount = ExactDecimal("1.25")!
        return Invoice(kind: kind, customerID: customer, customerName: customer, period: BillingPeriod(month: PeriodMonth(month)!, billingDay: 1),
                       issueDate: UTCDay(issued)!, dueDate: UTCDay(issued)!.adding(days: 14), currency: "USD",
                       lines: [InvoiceLine(kind: .planFee, description: "fee", quantity: 1, unitPrice: amount, amount: amount)],
                       subtotal: amount, tax: .zero, total: amount, creditsApplied: .zero, amountDue: amount, taxRatePct: .zero)
    }

    @Test(arguments: StoreKind.all)
    func aMonthOfDocumentsIsNumberedStoredAndReadBackInNumberOrderEachOnce(kind: StoreKind) throws {
        let dir = TempFolder()
        let (store, _) = try kind.makeStore(in: dir)
        // 2,300 invoices issued in December 2026, then credit notes and invoices issued in
        // January 2027 (a new year restarts the numbers), and another month's invoice.
        var docs = (0..<2_300).map { InvoiceLedger.Issue(invoice: invoice(String(format: "cus_%05d", $0), issued: "2026-12-01"), series: "INV",
                                                         render: { "{\"number\": \"\($0.number!)\"}" }) }
        docs += (0..<3).map { InvoiceLedger.Issue(invoice: invoice("cus_cn\($0)", kind: .creditNote, issued: "2027-01-05"), series: "CN",
                                                  render: { "{\"number\": \"\($0.number!)\"}" }) }
        docs += (0..<2).map { InvoiceLedger.Issue(invoice: invoice("cus_late\($0)", issued: "2027-01-05"), series: "INV",
                                                  render: { "{\"number\": \"\($0.number!)\"}" }) }
        docs.append(InvoiceLedger.Issue(invoice: invoice("cus_nov", month: "2026-11", issued: "2026-12-01"), series: "INV",
                                        render: { "{\"number\": \"\($0.number!)\"}" }))
        let issued = try store.invoiceLedger.issue(docs, runID: "r1", at: Timestamp(rfc3339: "2026-12-01T06:00:00Z")!)
        #expect(issued.count == 2_306)
        #expect(issued[0].number == "INV-2026-000001" && issued[2_299].number == "INV-2026-002300")
        #expect(issued[2_300].number == "CN-2027-000001" && issued[2_303].number == "INV-2027-000001")
        #expect(issued[2_305].number == "INV-2026-002301")

        var seen: [String] = []
        try store.invoiceLedger.forEachDocument(period: PeriodMonth("2026-10")!) { number, customer, document in
            #expect(document == "{\"number\": \"\(number)\"}")
            if number == "INV-2026-000042" { #expect(customer == "cus_00041") }
            seen.append(number)
        }
        let expected = ["CN-2027-000001", "CN-2027-000002", "CN-2027-000003"] + (1...2_300).map { String(format: "INV-2026-%06d", $0) }
            + ["INV-2027-000001", "INV-2027-000002"]
        #expect(seen.count == 2_305)
        #expect(seen == expected)
        #expect(try store.invoiceLedger.issuedMonths() == [PeriodMonth("2026-10")!, PeriodMonth("2026-11")!])
    }
}
