import Testing
import SettleCore

/// Each row of FINANCE.md's journal table, to the cent: which accounts an event moves, that
/// every entry balances, and where two rates leave a difference.
@Suite struct JournalRulesTests {
    static func d(_ s: String) -> ExactDecimal { ExactDecimal(s)! }
    static func day(_ s: String) -> UTCDay { UTCDay(s)! }
    static let usd = AccountingConversion.identity("USD")

    static func line(_ kind: InvoiceLine.Kind, _ amount: String, service: String? = nil) -> InvoiceLine {
        var l = InvoiceLine(kind: kind, description: "\(kind)", quantity: 1, unitPrice: d(amount), amount: d(amount))
        l.serviceID = service
        return l
    }

    static func invoice(_ lines: [InvoiceLine], tax: String, credits: String = "0", kind: Invoice.Kind = .invoice, number: String = "INV-2026-000001",
                        currency: String = "USD") -> Invoice {
        let subtotal = lines.reduce(ExactDecimal.zero) { $0 + $1.amount }
        let total = subtotal + d(tax)
        var inv = Invoice(number: number, kind: kind, customerID: "cus_a", customerName: "A", period: BillingPeriod(month: PeriodMonth("2026-10")!, billingDay: 1),
                          issueDate: day("2026-11-01"), dueDate: day("2026-11-15"), currency: currency, lines: lines, subtotal: subtotal, tax: d(tax),
                          total: total, creditsApplied: d(credits), amountDue: total - d(credits), taxRatePct: d("20"))
        if kind == .creditNote { inv.creditsApplied = total; inv.amountDue = .zero }
        return inv
    }

    static func shown(_ e: JournalEntry) -> [String] {
        e.lines.map { l in "\(l.account.rawValue) \(l.debit.isZero ? "" : "Dr \(l.debit)")\(l.credit.isZero ? "" : "Cr \(l.credit)")\(l.seller.isEmpty ? "" : " \(l.seller)")" }
    }

    @Test func anInvoiceDebitsReceivableAndCreditsRevenueSellersAndTaxWithTheCreditItApplied() {
        let inv = Self.invoice([Self.line(.planFee, "79.00"), Self.line(.usage, "12.50"), Self.line(.service, "8.00", service: "svc-1"),
                                Self.line(.trial, "-2.00", service: "svc-1"), Self.line(.volumeDiscount, "-4.88")], tax: "18.52", credits: "20.00")
        let entries = JournalRules.issued(inv, conversion: Self.usd, sellerOf: { $0 == "svc-1" ? "lexica-labs" : nil })
        #expect(entries.count == 2)
        #expect(Self.shown(entries[0]) == ["receivable Dr 111.14", "seller_payable Cr 6.00 lexica-labs", "tax_payable Cr 18.52", "revenue_fees Cr 79.00",
                                           "revenue_usage Cr 12.50", "discounts Dr 4.88"])
        #expect(Self.shown(entries[1]) == ["customer_credit Dr 20.00", "receivable Cr 20.00"])
        #expect(entries.allSatisfy { $0.isBalanced })
        #expect(entries[0].source == "doc:INV-2026-000001" && entries[1].source == "applied:INV-2026-000001")
    }

    @Test func aCreditNoteReversesWhatItCorrectsAndPutsItsTotalOnCredit() {
        let note = Self.invoice([Self.line(.planFee, "-50.00")], tax: "-10.00", kind: .creditNote, number: "CN-2026-000001")
        let entries = JournalRules.issued(note, conversion: Self.usd, sellerOf: { _ in nil })
        #expect(Self.shown(entries[0]) == ["receivable Cr 60.00", "tax_payable Dr 10.00", "revenue_fees Dr 50.00"])
        #expect(Self.shown(entries[1]) == ["customer_credit Cr 60.00", "receivable Dr 60.00"])
        // Its credit settling the invoice it corrects.
        let settled = JournalRules.use(CreditUse(customerID: "cus_a", entryReference: "CN-2026-000001", kind: .settled, day: Self.day("2026-11-30"),
                                                 amount: Self.d("45.00"), source: "INV-2026-000001"), conversion: Self.usd)
        #expect(settled.map(Self.shown) == ["customer_credit Dr 45.00", "receivable Cr 45.00"])
        let expired = JournalRules.use(CreditUse(customerID: "cus_a", entryReference: "promo", kind: .expired, day: Self.day("2026-12-01"),
                                                 amount: Self.d("5.00"), source: ""), conversion: Self.usd)
        #expect(expired.map(Self.shown) == ["customer_credit Dr 5.00", "credit_breakage Cr 5.00"])
        #expect(JournalRules.use(CreditUse(customerID: "cus_a", entryReference: "t", kind: .applied, day: Self.day("2026-12-01"), amount: Self.d("1"),
                                           source: "INV"), conversion: Self.usd) == nil, "applied credit is booked with its document")
    }

    @Test func creditsCsvMovementsGoThroughTheBankOrDiscounts() {
        let topup = CreditEntry(reference: "T1", customerID: "cus_a", kind: .topup, date: Self.day("2026-10-05"), amount: Self.d("100.00"))
        #expect(JournalRules.credit(topup, conversion: Self.usd).map(Self.shown) == ["bank Dr 100.00", "customer_credit Cr 100.00"])
        let refund = CreditEntry(reference: "R1", customerID: "cus_a", kind: .refund, date: Self.day("2026-10-06"), amount: Self.d("-30.00"))
        #expect(JournalRules.credit(refund, conversion: Self.usd).map(Self.shown) == ["bank Cr 30.00", "customer_credit Dr 30.00"])
        let goodwill = CreditEntry(reference: "G1", customerID: "cus_a", kind: .adjustment, date: Self.day("2026-10-07"), amount: Self.d("15.00"))
        #expect(JournalRules.credit(goodwill, conversion: Self.usd).map(Self.shown) == ["discounts Dr 15.00", "customer_credit Cr 15.00"])
        let note = CreditEntry(reference: "CN-1", customerID: "cus_a", kind: .creditNote, date: Self.day("2026-10-07"), amount: Self.d("15.00"))
        #expect(JournalRules.credit(note, conversion: Self.usd) == nil, "a credit note is booked with its document")
    }

    @Test func aPaymentNetOfItsFeeOverpaidAndAtAnotherRateThanItsInvoice() {
        // 100.00 on a 94.80 invoice, Stripe's fee 3.20: bank 96.80, fee 3.20, receivable 94.80, credit 5.20.
        let over = PostedPayment(payment: Payment(id: "ch_1", source: .stripe, date: Self.day("2026-11-10"), amount: Self.d("100.00"), currency: "USD",
                                                  fee: Self.d("3.20")),
                                 posting: PaymentPosting(invoice: "INV-2026-000001", rule: .invoiceNumber, applied: Self.d("94.80"), credit: Self.d("5.20"),
                                                         customerID: "cus_a"))
        let e = JournalRules.payment(over, invoice: Self.usd, money: Self.usd, fee: nil)
        #expect(e.map(Self.shown) == ["bank Dr 96.80", "payment_fees Dr 3.20", "receivable Cr 94.80", "customer_credit Cr 5.20"])
        // 90.00 EUR for an invoice booked at 1.10 and paid when the rate is 1.12: 1.80 gained.
        let invoiceRate = AccountingConversion.forward(ExchangeRate(from: "EUR", to: "USD", rate: Self.d("1.10"), date: Self.day("2026-10-30")))
        let paidRate = AccountingConversion.forward(ExchangeRate(from: "EUR", to: "USD", rate: Self.d("1.12"), date: Self.day("2026-11-20")))
        let eur = PostedPayment(payment: Payment(id: "ch_2", source: .stripe, date: Self.day("2026-11-20"), amount: Self.d("90.00"), currency: "EUR"),
                                posting: PaymentPosting(invoice: "INV-2026-000002", rule: .invoiceNumber, applied: Self.d("90.00"), customerID: "cus_b"))
        let fx = JournalRules.payment(eur, invoice: invoiceRate, money: paidRate, fee: nil)
        #expect(fx.map(Self.shown) == ["bank Dr 100.80", "receivable Cr 99.00", "fx_differences Cr 1.80"])
        #expect(fx?.lines[1].original == JournalLine.Original(currency: "EUR", amount: Self.d("-90.00"), rate: "1 EUR = 1.1 USD (ECB 2026-10-30)"))
        // Its refund of 20.00: credit paid back first... here nothing was on credit, so 20.00 reopens.
        let refund = PostedPayment(payment: Payment(id: "ch_2/refund", source: .stripe, kind: .refund, date: Self.day("2026-11-25"), amount: Self.d("20.00"),
                                                    currency: "EUR", refunds: "ch_2"),
                                   posting: PaymentPosting(invoice: "INV-2026-000002", applied: Self.d("-20.00"), customerID: "cus_b"))
        #expect(JournalRules.payment(refund, invoice: invoiceRate, money: paidRate, fee: nil).map(Self.shown)
                == ["bank Cr 22.40", "receivable Dr 22.00", "fx_differences Dr 0.40"])
        // An unmatched payment books nothing.
        let unmatched = PostedPayment(payment: Payment(id: "x", source: .bank, date: Self.day("2026-11-24"), amount: Self.d("250.00"), currency: "USD"),
                                      posting: .unmatched("no"))
        #expect(JournalRules.payment(unmatched, invoice: nil, money: Self.usd, fee: nil) == nil)
    }

    @Test func payoutsAndProviderBillsAndTheTrialBalance() {
        let payout = JournalRules.payout(period: PeriodMonth("2026-10")!, seller: "lexica-labs", platformFee: Self.d("1.20"), date: Self.day("2026-11-30"),
                                         conversion: Self.usd, part: "2026-11")
        #expect(Self.shown(payout) == ["seller_payable Dr 1.20 lexica-labs", "revenue_platform_fee Cr 1.20 lexica-labs"])
        let bill = JournalRules.providerCost(provider: "openai", month: PeriodMonth("2026-10")!, amount: Self.d("6.16"), date: Self.day("2026-10-31"),
                                             conversion: Self.usd, part: "2026-10")
        #expect(Self.shown(bill) == ["provider_cost Dr 6.16", "provider_payable Cr 6.16"])
        let rows = TrialBalanceRow.of(before: payout.lines, month: bill.lines)
        #expect(rows.count == JournalAccount.allCases.count)
        #expect(rows.first { $0.account == .sellerPayable }?.opening == Self.d("1.20"))
        #expect(rows.first { $0.account == .providerPayable }?.closing == Self.d("-6.16"))
        #expect(rows.reduce(ExactDecimal.zero) { $0 + $1.closing }.isZero)
    }

    @Test func aMonthIsWrittenOnceOverAndInOrder() throws {
        let oct = PeriodMonth("2026-10")!, nov = PeriodMonth("2026-11")!
        #expect(try JournalMonth.mode(of: oct, written: [], today: Self.day("2026-11-01")) == .write)
        #expect(throws: JournalMonthError.self) { try JournalMonth.mode(of: nov, written: [oct], today: Self.day("2026-11-30")) }
        #expect(try JournalMonth.mode(of: oct, written: [oct, nov], today: Self.day("2027-01-01")) == .readBack)
        #expect(throws: JournalMonthError.self) { try JournalMonth.mode(of: oct, written: [nov], today: Self.day("2027-01-01")) }
        let late = JournalMonth.bookingDate(of: Self.day("2026-10-30"), in: nov)
        #expect(late.date == Self.day("2026-11-01") && late.late)
        let onTime = JournalMonth.bookingDate(of: Self.day("2026-11-03"), in: nov)
        #expect(onTime.date == Self.day("2026-11-03") && !onTime.late)
    }
}
