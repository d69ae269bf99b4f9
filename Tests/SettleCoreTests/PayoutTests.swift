import Testing
@testable import SettleCore

/// Seller payouts from issued invoices, and the services no payout can be made for.
@Suite struct PayoutTests {
    func money(_ s: String) -> ExactDecimal { ExactDecimal(s)! }

    func invoice(number: String?, _ lines: [(String, String)]) -> Invoice {
        let period = BillingPeriod(month: PeriodMonth(year: 2026, month: 10), billingDay: 1)
        return Invoice(number: number, customerID: "cus_1", customerName: "Acme", period: period, issueDate: UTCDay("2026-11-01")!,
                       dueDate: UTCDay("2026-11-15")!, currency: "USD",
                       lines: lines.map { InvoiceLine(kind: .service, description: "\($0.0) prompt", quantity: 1000, unitPrice: money($0.1),
                                                      amount: money($0.1), serviceID: $0.0) },
                       subtotal: .zero, tax: .zero, total: .zero, creditsApplied: .zero, amountDue: .zero, taxRatePct: .zero)
    }

    @Test func aServiceMissingFromTheCatalogIsNamedNotDropped() {
        let services = [Service(id: "svc_a", seller: "lexica-labs", model: "m", promptPricePer1K: money("1"), completionPricePer1K: money("1"),
                                platformFeePct: money("20"), trialTokens: 0)]
        let invoices = [invoice(number: "INV-2026-000001", [("svc_a", "10.00"), ("svc_gone", "4.00")]),
                        invoice(number: nil, [("svc_draft_only", "1.00")])]
        let payouts = Payout.of(invoices, services: services)
        #expect(payouts == [Payout(seller: "lexica-labs", serviceID: "svc_a", gross: money("10.00"), platformFee: money("2.00"), net: money("8.00"))])
        // Drafts owe nobody anything; an issued line of an unknown service is a finding.
        #expect(Payout.unknownServices(invoices, services: services) == ["svc_gone"])
    }
}
