import Testing
@testable import SettleCore

/// FINANCE.md's matching rules, one by one, in their order: the creditor reference, the invoice
/// number, the customer's one open invoice of that amount; part payments, overpayments, another
/// currency, and what stays unmatched.
@Suite struct PaymentMatchingTests {
    static func d(_ s: String) -> ExactDecimal { ExactDecimal(s)! }
    static let day = UTCDay("2026-11-20")!
    static let matching = PaymentMatching([
        .init(number: "INV-2026-000001", customerID: "cus_a", currency: "USD", open: d("94.80")),
        .init(number: "INV-2026-000002", customerID: "cus_b", currency: "EUR", open: d("90.00")),
        .init(number: "INV-2026-000003", customerID: "cus_b", currency: "EUR", open: d("12.50")),
        .init(number: "INV-2026-000013", customerID: "cus_c", currency: "USD", open: d("20.00")),
        .init(number: "INV-2026-000014", customerID: "cus_c", currency: "USD", open: d("20.00")),
    ])

    static func pay(_ amount: String, _ currency: String = "USD", reference: String? = nil, texts: [String] = []) -> Payment {
        Payment(id: "p", source: .bank, date: day, amount: d(amount), currency: currency, reference: reference, texts: texts)
    }

    @Test func theCreditorReferenceFirstInItsFieldOrInTheText() {
        #expect(Self.matching.match(Self.pay("94.80", reference: "RF42 2026 0000 01"), customer: nil)
                == .matched(invoice: "INV-2026-000001", rule: .reference, applied: Self.d("94.80"), overpaid: .zero))
        #expect(Self.matching.match(Self.pay("50.00", texts: ["Payment rf42 2026 0000 01 thanks"]), customer: nil)
                == .matched(invoice: "INV-2026-000001", rule: .reference, applied: Self.d("50.00"), overpaid: .zero), "a part payment")
        // A reference whose check digits do not hold is no reference; the number in it is not found either.
        #expect(Self.matching.match(Self.pay("94.80", texts: ["RF43 2026 0000 01"]), customer: nil)
                == .unmatched("names no invoice (no creditor reference or invoice number in its remittance) and no customer"))
    }

    @Test func thenTheInvoiceNumberInAnyCaseThenTheCustomersOneInvoiceOfThatAmount() {
        #expect(Self.matching.match(Self.pay("100.00", "EUR", texts: ["inv-2026-000002 Schelde NV"]), customer: nil)
                == .matched(invoice: "INV-2026-000002", rule: .invoiceNumber, applied: Self.d("90.00"), overpaid: Self.d("10.00")), "an overpayment")
        // INV-2026-000013 is not read as INV-2026-000001 with a 3 after it.
        #expect(Self.matching.match(Self.pay("20.00", texts: ["INV-2026-000013"]), customer: nil)
                == .matched(invoice: "INV-2026-000013", rule: .invoiceNumber, applied: Self.d("20.00"), overpaid: .zero))
        #expect(Self.matching.match(Self.pay("12.50", "EUR"), customer: "cus_b")
                == .matched(invoice: "INV-2026-000003", rule: .customerAmount, applied: Self.d("12.50"), overpaid: .zero))
        #expect(Self.matching.match(Self.pay("20.00"), customer: "cus_c") == .unmatched("names no invoice, and cus_c has 2 open invoices of exactly 20 USD"))
        #expect(Self.matching.match(Self.pay("13.00", "EUR"), customer: "cus_b") == .unmatched("names no invoice, and cus_b has no open invoice of exactly 13 EUR"))
    }

    @Test func aPaymentInAnotherCurrencyThanItsInvoiceIsUnmatched() {
        #expect(Self.matching.match(Self.pay("94.80", "EUR", texts: ["INV-2026-000001"]), customer: nil)
                == .unmatched("in EUR, and INV-2026-000001 is in USD"))
    }
}
