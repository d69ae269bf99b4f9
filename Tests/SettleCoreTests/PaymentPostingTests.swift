import Testing
import SettleCore

/// What each payment does to the books (FINANCE.md, "Payments and receivables"): paid, part
/// paid, overpaid into credit, topped up, refunded back open, or unmatched with why; the
/// receivables on a day; reminders once each; payment credit beside credits.csv.
@Suite struct PaymentPostingTests {
    static func d(_ s: String) -> ExactDecimal { ExactDecimal(s)! }
    static func day(_ s: String) -> UTCDay { UTCDay(s)! }

    static let invoices = [
        Receivable(number: "INV-2026-000001", customerID: "cus_a", currency: "USD", issueDate: day("2026-11-01"), dueDate: day("2026-11-15"),
                   total: d("94.80")),
        Receivable(number: "INV-2026-000002", customerID: "cus_b", currency: "EUR", issueDate: day("2026-11-01"), dueDate: day("2026-11-15"),
                   total: d("90.00")),
        Receivable(number: "INV-2026-000003", customerID: "cus_a", currency: "USD", issueDate: day("2026-11-28"), dueDate: day("2026-12-12"),
                   total: d("20.00")),
    ]

    static func book(earlier: [PostedPayment] = [], settlements: [ReceivableBook.Settlement] = []) -> PaymentBook {
        PaymentBook(invoices: ReceivableBook.openBeforePayments(invoices, settlements: settlements), earlier: earlier,
                    currencyOf: { ["cus_a": "USD", "cus_b": "EUR"][$0] })
    }

    static func pay(_ id: String, _ amount: String, _ currency: String = "USD", on date: String = "2026-11-20", kind: Payment.Kind = .payment,
                    reference: String? = nil, texts: [String] = [], customer: String? = nil, refunds: String? = nil) -> Payment {
        Payment(id: id, source: .stripe, kind: kind, date: day(date), amount: d(amount), currency: currency, reference: reference, texts: texts,
                customerID: customer, refunds: refunds)
    }

    @Test func eachRuleMatchesAndEachRestIsSaidInCents() {
        var book = Self.book()
        // By the RF reference in a field of its own: paid whole.
        let byReference = book.post(Self.pay("p1", "94.80", reference: CreditorReference.of(invoiceNumber: "INV-2026-000001")), customer: nil)
        #expect(byReference == PaymentPosting(invoice: "INV-2026-000001", rule: .reference, applied: Self.d("94.80"), credit: .zero,
                                              customerID: "cus_a"))
        // By the number in the remittance, in any case: part of the EUR invoice.
        let part = book.post(Self.pay("p2", "40.00", "EUR", texts: ["payment inv-2026-000002 thanks"]), customer: nil)
        #expect(part.invoice == "INV-2026-000002" && part.rule == .invoiceNumber && part.applied == Self.d("40.00") && part.credit.isZero)
        // The rest of it and 10.00 more: 50.00 applied, 10.00 on cus_b's credit.
        let over = book.post(Self.pay("p3", "60.00", "EUR", texts: ["INV-2026-000002"]), customer: nil)
        #expect(over.applied == Self.d("50.00") && over.credit == Self.d("10.00") && over.customerID == "cus_b")
        // A paid invoice named again: all of it is credit on account.
        let twice = book.post(Self.pay("p4", "94.80", reference: CreditorReference.of(invoiceNumber: "INV-2026-000001")), customer: nil)
        #expect(twice.applied.isZero && twice.credit == Self.d("94.80"))
        // By the customer's one open invoice of exactly the amount (INV-…01 is paid, …03 is 20.00).
        let byAmount = book.post(Self.pay("p5", "20.00"), customer: "cus_a")
        #expect(byAmount.invoice == "INV-2026-000003" && byAmount.rule == .customerAmount && byAmount.applied == Self.d("20.00"))
        #expect(book.matching.invoice("INV-2026-000003")?.open == .zero)
    }

    @Test func whatCannotBeMatchedSaysWhy() {
        var book = Self.book()
        #expect(book.post(Self.pay("u1", "250.00", texts: ["CONSULTING Q4"]), customer: nil).unmatched
                == "names no invoice (no creditor reference or invoice number in its remittance) and no customer")
        #expect(book.post(Self.pay("u2", "90.00", "USD", texts: ["INV-2026-000002"]), customer: nil).unmatched
                == "in USD, and INV-2026-000002 is in EUR")
        #expect(book.post(Self.pay("u3", "19.99"), customer: "cus_a").unmatched
                == "names no invoice, and cus_a has no open invoice of exactly 19.99 USD")
        #expect(book.post(Self.pay("u4", "100.00", kind: .topup), customer: "cus_zz").unmatched == "a top-up for cus_zz, whom customers.csv does not list")
        #expect(book.post(Self.pay("u5", "5.00", kind: .refund, refunds: "ch_never"), customer: nil).unmatched?
            .hasPrefix("refunds ch_never, which settle has not matched") == true)
        // Nothing unmatched changed what is open.
        #expect(book.matching.invoice("INV-2026-000001")?.open == Self.d("94.80"))
    }

    @Test func aRefundPaysBackCreditFirstThenReopensTheInvoice() {
        var book = Self.book()
        // 100.00 on the 94.80 invoice: 5.20 to credit. A refund of 30.00 takes those 5.20 back
        // from credit and reopens 24.80 of the invoice.
        let paid = book.post(Self.pay("ch_1", "100.00", texts: ["INV-2026-000001"]), customer: nil)
        #expect(paid.credit == Self.d("5.20"))
        let refund = book.post(Self.pay("ch_1/refund", "30.00", on: "2026-11-25", kind: .refund, refunds: "ch_1"), customer: nil)
        #expect(refund == PaymentPosting(invoice: "INV-2026-000001", applied: Self.d("-24.80"), credit: Self.d("-5.20"), customerID: "cus_a"))
        #expect(book.matching.invoice("INV-2026-000001")?.open == Self.d("24.80"))
        // The refund's credit entry is a refund of 5.20, dated the refund's day.
        let entry = PostedPayment(payment: Self.pay("ch_1/refund", "30.00", on: "2026-11-25", kind: .refund, refunds: "ch_1"), posting: refund).creditEntry
        #expect(entry == CreditEntry(reference: "ch_1/refund", customerID: "cus_a", kind: .refund, date: Self.day("2026-11-25"), amount: Self.d("-5.20")))
        // A top-up is credit; its refund takes it back.
        #expect(book.post(Self.pay("ch_x", "100.00", kind: .topup), customer: "cus_b").unmatched
                == "a top-up in USD for cus_b, who is billed and holds credit in EUR")
        let topup = book.post(Self.pay("ch_2", "100.00", "EUR", kind: .topup), customer: "cus_b")
        #expect(topup.credit == Self.d("100.00") && topup.invoice == nil)
        let back = book.post(Self.pay("ch_2/refund", "100.00", "EUR", kind: .refund, refunds: "ch_2"), customer: nil)
        #expect(back.credit == Self.d("-100.00") && back.applied.isZero)
    }

    @Test func earlierPostingsAreWhatTheNextPaymentIsMatchedAgainst() {
        let first = PostedPayment(payment: Self.pay("p1", "50.00", texts: ["INV-2026-000001"]),
                                  posting: PaymentPosting(invoice: "INV-2026-000001", rule: .invoiceNumber, applied: Self.d("50.00"), customerID: "cus_a"))
        var book = Self.book(earlier: [first])
        #expect(book.matching.invoice("INV-2026-000001")?.open == Self.d("44.80"))
        // The rest, found by its exact amount now open.
        #expect(book.post(Self.pay("p2", "44.80"), customer: "cus_a").invoice == "INV-2026-000001")
        // A credit note's settlement lowers what is open before any payment.
        let settled = Self.book(settlements: [ReceivableBook.Settlement(invoice: "INV-2026-000003", day: Self.day("2026-11-29"), amount: Self.d("20.00"))])
        #expect(settled.matching.invoice("INV-2026-000003")?.open == .zero)
    }

    @Test func receivablesOnADayCountWhatWasDatedByThenAndEachStatus() {
        let posted = [
            PostedPayment(payment: Self.pay("p1", "94.80", on: "2026-11-10"),
                          posting: PaymentPosting(invoice: "INV-2026-000001", rule: .reference, applied: Self.d("94.80"), customerID: "cus_a")),
            PostedPayment(payment: Self.pay("p2", "40.00", "EUR", on: "2026-11-20"),
                          posting: PaymentPosting(invoice: "INV-2026-000002", rule: .invoiceNumber, applied: Self.d("40.00"), customerID: "cus_b")),
            PostedPayment(payment: Self.pay("u", "1.00"), posting: .unmatched("no")),
        ]
        let settled = [ReceivableBook.Settlement(invoice: "INV-2026-000003", day: Self.day("2026-12-01"), amount: Self.d("20.00"))]
        let on = { (day: String) in ReceivableBook.on(Self.day(day), invoices: Self.invoices, payments: posted, settlements: settled) }
        // 2026-11-12: INV-1 paid, INV-2 open (the EUR part came later), INV-3 not yet issued.
        let early = on("2026-11-12")
        #expect(early.map { "\($0.number) \($0.status(on: Self.day("2026-11-12")).rawValue) \($0.open)" }
                == ["INV-2026-000001 paid 0", "INV-2026-000002 open 90.00"])
        // 2026-12-20: INV-2 part paid and 35 days past due; INV-3 settled by its credit note.
        let late = on("2026-12-20")
        let day = Self.day("2026-12-20")
        #expect(late.map { "\($0.number) \($0.status(on: day).rawValue) \($0.paid) \($0.credited) \($0.open) \($0.daysOverdue(on: day))" }
                == ["INV-2026-000001 paid 94.80 0 0 0", "INV-2026-000002 overdue 40.00 0 50.00 35", "INV-2026-000003 credited 0 20.00 0 0"])
        let aging = AgingRow.of(late, on: day)
        #expect(aging.count == 1 && aging[0].customerID == "cus_b" && aging[0].days31to60 == Self.d("50.00") && aging[0].total == Self.d("50.00"))
    }

    @Test func eachReminderOnceAndOnlyTheLatestWhenSeveralAreReachedAtOnce() {
        let open = [Self.invoices[0]]
        // 8 days past due: the 7-day reminder.
        let first = Reminder.due(open, on: Self.day("2026-11-23"), steps: [7, 14, 30], earlier: [])
        #expect(first.map { "\($0.days) \($0.passed)" } == ["7 false"])
        // The same day again, with it recorded: nothing.
        #expect(Reminder.due(open, on: Self.day("2026-11-23"), steps: [7, 14, 30], earlier: Set(first.map(\.key))).isEmpty)
        // Nightly did not run until 31 days past due: 14 is passed, 30 is sent.
        let late = Reminder.due(open, on: Self.day("2026-12-16"), steps: [7, 14, 30], earlier: Set(first.map(\.key)))
        #expect(late.map { "\($0.days) \($0.passed) \($0.daysOverdue)" } == ["14 true 31", "30 false 31"])
        // Paid, or not yet due: none.
        var paid = Self.invoices[0]
        paid.paid = paid.total
        #expect(Reminder.due([paid, Self.invoices[2]], on: Self.day("2026-12-01"), steps: [7], earlier: []).isEmpty)
    }

    @Test func aStripeRefundOfCreditAlreadyUsedLeavesTheCustomerOwingNotAnError() throws {
        // 5.20 overpaid, used by an invoice, then Stripe refunds the 5.20: the refund happened.
        var account = CreditAccount(customerID: "cus_a")
        try account.record(CreditEntry(reference: "p3", customerID: "cus_a", kind: .overpayment, date: Self.day("2026-11-20"), amount: Self.d("5.20")))
        var inv = Invoice(kind: .invoice, customerID: "cus_a", customerName: "A",
            period: BillingPeriod(month: PeriodMonth("2026-11")!, billingDay: 1), issueDate: Self.day("2026-12-01"), dueDate: Self.day("2026-12-15"),
            currency: "USD", lines: [], subtotal: Self.d("20.00"), tax: .zero, total: Self.d("20.00"), creditsApplied: .zero, amountDue: Self.d("20.00"),
            taxRatePct: .zero)
        account.apply(to: &inv)
        #expect(inv.creditsApplied == Self.d("5.20") && account.balance.isZero)
        try account.record(CreditEntry(reference: "p3/refund", customerID: "cus_a", kind: .refund, date: Self.day("2026-12-02"), amount: Self.d("-5.20")))
        #expect(account.balance == Self.d("-5.20"))
        // The same refund typed into credits.csv (a line of its own) is refused, as PRODUCT.md says.
        var typed = account
        #expect(throws: CreditError.self) {
            try typed.record(CreditEntry(reference: "r9", customerID: "cus_a", kind: .refund, date: Self.day("2026-12-02"), amount: Self.d("-1.00"), line: 7))
        }
    }

    @Test func paymentCreditIsAnEntryBesideCreditsCsvAndNeverTwice() throws {
        let topup = PostedPayment(payment: Self.pay("ch_9", "100.00", on: "2026-11-05", kind: .topup),
                                  posting: PaymentPosting(credit: Self.d("100.00"), customerID: "cus_a"))
        let typed = CreditEntry(reference: "ch_9", customerID: "cus_a", kind: .topup, date: Self.day("2026-11-05"), amount: Self.d("100.00"), line: 4)
        // Typed into credits.csv by hand before settle read the export: kept once.
        #expect(try CreditCatchUp.entries(catalog: [typed], payments: [topup]) == [typed])
        #expect(try CreditCatchUp.entries(catalog: [], payments: [topup]).map(\.kind) == [.topup])
        // The same reference for another movement: refused, naming the line.
        var other = typed
        other.amount = Self.d("90.00")
        #expect(throws: CreditError.self) { try CreditCatchUp.entries(catalog: [other], payments: [topup]) }
        // An overpayment is credit the ledger uses like a top-up.
        var accounts: [String: CreditAccount] = [:]
        let over = PostedPayment(payment: Self.pay("p3", "100.00", on: "2026-11-20"),
                                 posting: PaymentPosting(invoice: "INV-2026-000001", applied: Self.d("94.80"), credit: Self.d("5.20"), customerID: "cus_a"))
        _ = try CreditCatchUp.run(&accounts, catalog: try CreditCatchUp.entries(catalog: [], payments: [topup, over]), through: Self.day("2026-11-30"))
        #expect(accounts["cus_a"]?.balance == Self.d("105.20"))
        let rows = CreditStatement.rows(entries: try CreditCatchUp.entries(catalog: [], payments: [topup, over]), uses: [],
                                        month: PeriodMonth("2026-11")!)
        #expect(rows.map { "\($0.customerID) \($0.topups) \($0.closing)" } == ["cus_a 105.20 105.20"])
    }
}
