import Testing
@testable import SettleCore

/// An invoice worked out by hand, to the cent: every line kind, a price change inside the
/// period, a half cent on each rounded line, a volume tier edge, and credits.
@Suite struct InvoiceRulesTests {
    func money(_ s: String) -> ExactDecimal { ExactDecimal(s)! }
    let period = BillingPeriod(month: PeriodMonth("2026-10")!, billingDay: 1)
    let customer = CustomerHistory(versions: [Customer(id: "cus_a", name: "Alpha", email: "a@example.com", plan: "pro", billingDay: 1,
                                                       taxRatePct: ExactDecimal(10))])
    let service = Service(id: "svc_x", seller: "sellco", model: "x-model", promptPricePer1K: ExactDecimal("0.004")!,
                          completionPricePer1K: ExactDecimal("0.012")!, platformFeePct: ExactDecimal(10), trialTokens: 5000)

    func rules(minUsage: String, fee: String = "78.98") -> InvoiceRules {
        InvoiceRules(currency: "USD", paymentTermsDays: 14,
                     volumeDiscounts: [VolumeDiscount(minUsage: money(minUsage), pct: money("5")), VolumeDiscount(minUsage: money("1000"), pct: money("8"))],
                     services: [service], plans: ["pro": Plan(name: "pro", monthlyFee: money(fee)), "free": Plan(name: "free")])
    }

    /// A customer holding `amount` of prepaid credit from a top-up on the period's first day.
    func credit(_ amount: String) -> CreditAccount {
        CreditAccount(customerID: "cus_a", held: [CreditAccount.Held(
            entry: CreditEntry(reference: "T1", customerID: "cus_a", date: period.firstDay, amount: money(amount)), remaining: money(amount))])
    }

    var usage: [UsageSummaryLine] {
        [
            // gpt-4o output at $10/1M × 1.25 before the cut, $8/1M × 1.25 after it: two lines.
            UsageSummaryLine(provider: "openai", model: "gpt-4o", tier: .standard, tokenType: .output, serviceID: "",
                             unitPrice: money("0.0000125"), quantity: 1_000_000, errorQuantity: 0, charge: money("12.5")),
            UsageSummaryLine(provider: "openai", model: "gpt-4o", tier: .standard, tokenType: .output, serviceID: "",
                             unitPrice: money("0.00001"), quantity: 500_500, errorQuantity: 3, charge: money("5.005")),
            // Requests with no price: not a line, not unpriced.
            UsageSummaryLine(provider: "openai", model: "gpt-4o", tier: .standard, tokenType: .request, serviceID: "",
                             unitPrice: nil, quantity: 12, errorQuantity: 0, charge: nil),
            UsageSummaryLine(provider: "sellco", model: "x-model", tier: .standard, tokenType: .input, serviceID: "svc_x",
                             unitPrice: money("0.000004"), quantity: 101_250, errorQuantity: 0, charge: money("0.405")),
            UsageSummaryLine(provider: "sellco", model: "x-model", tier: .standard, tokenType: .output, serviceID: "svc_x",
                             unitPrice: money("0.000012"), quantity: 49_250, errorQuantity: 0, charge: money("0.591")),
        ]
    }

    let trial = [TrialUse(serviceID: "svc_x", freeInput: 1_250, freeOutput: 0)]

    @Test func everyLineAndEveryRoundingByHand() throws {
        var inv = try #require(rules(minUsage: "18.50").invoice(customer: customer, period: period, usage: usage, trials: trial,
                                                                issueDate: UTCDay("2026-11-01")!))
        var account = credit("50.00")
        account.apply(to: &inv)
        #expect(inv.lines.map(\.kind) == [.planFee, .usage, .usage, .service, .service, .trial, .volumeDiscount])
        #expect(inv.lines.map(\.amount) == [
            money("78.98"),
            money("12.50"),      // 1,000,000 × 0.0000125
            money("5.01"),       // 500,500 × 0.00001 = 5.005: half a cent, away from zero
            money("0.41"),       // 101,250 × 0.000004 = 0.405
            money("0.59"),       // 49,250 × 0.000012 = 0.591
            money("-0.01"),      // −(1,250 × 0.000004) = −0.005
            money("-0.93"),      // U = 18.50 reaches the 18.50 tier exactly: −(18.50 × 5 %) = −0.925
        ])
        #expect(inv.lines[1].unitPrice == money("12.5") && inv.lines[2].unitPrice == money("10"))   // per 1M tokens
        #expect(inv.lines[3].unitPrice == money("0.004"))                                            // per 1K tokens
        #expect(inv.subtotal == money("96.55"))
        #expect(inv.tax == money("9.66"))          // 9.655
        #expect(inv.total == money("106.21"))
        #expect(inv.creditsApplied == money("50.00"))
        #expect(inv.amountDue == money("56.21"))
        #expect(inv.dueDate == UTCDay("2026-11-15"))
        #expect(inv.unpriced.isEmpty)
    }

    /// A price change inside the period: the item's two lines each say which days they cover
    /// (in the description and in `from`/`through`); an item at one price all period says none.
    @Test func linesOfOneItemAtTwoPricesSayTheirDays() throws {
        var dated = usage
        dated[0].from = UTCDay("2026-10-01"); dated[0].through = UTCDay("2026-10-14")
        dated[1].from = UTCDay("2026-10-15"); dated[1].through = UTCDay("2026-10-31")
        dated[3].from = UTCDay("2026-10-02"); dated[3].through = UTCDay("2026-10-30")
        let inv = try #require(rules(minUsage: "1000").invoice(customer: customer, period: period, usage: dated, trials: [],
                                                               issueDate: UTCDay("2026-11-01")!))
        let usageLines = inv.lines.filter { $0.kind == .usage }
        #expect(usageLines.map(\.description) == ["openai gpt-4o output, 2026-10-01 to 2026-10-14", "openai gpt-4o output, 2026-10-15 to 2026-10-31"])
        #expect(usageLines.map(\.from) == [UTCDay("2026-10-01"), UTCDay("2026-10-15")])
        #expect(usageLines.map(\.through) == [UTCDay("2026-10-14"), UTCDay("2026-10-31")])
        let prompt = try #require(inv.lines.first { $0.kind == .service && $0.tokenType == .input })
        #expect(prompt.description == "svc_x prompt tokens (x-model, sold by sellco)" && prompt.from == nil && prompt.through == nil)
        // One day alone is that day.
        dated[1].from = UTCDay("2026-10-31")
        let oneDay = try #require(rules(minUsage: "1000").invoice(customer: customer, period: period, usage: dated, trials: [],
                                                                  issueDate: UTCDay("2026-11-01")!))
        #expect(oneDay.lines.filter { $0.kind == .usage }.last?.description == "openai gpt-4o output, 2026-10-31")
    }

    /// What each line's unit price is per, and its text: at least two decimals.
    @Test func everyLineNamesItsUnit() throws {
        let inv = try #require(rules(minUsage: "18.50").invoice(customer: customer, period: period, usage: usage, trials: trial,
                                                                issueDate: UTCDay("2026-11-01")!))
        #expect(inv.lines.map(\.unitLabel) == ["per month", "per 1M tokens", "per 1M tokens", "per 1K tokens", "per 1K tokens", "", ""])
        #expect(inv.lines.map(\.unitPriceText) == ["78.98", "12.50", "10.00", "0.004", "0.012", "-0.01", "-0.93"])
        let requests = InvoiceLine(kind: .usage, description: "", quantity: 3, unitPrice: money("0.025"), amount: money("0.08"), tokenType: .request)
        #expect(requests.unitLabel == "per request")
        // A prorated plan fee is the fee of its days, not of a month.
        let prorated = InvoiceLine(kind: .planFee, description: "starter plan, 2026-10-01 to 2026-10-19 (19/31 days)", quantity: 1,
                                   unitPrice: money("11.65"), amount: money("11.65"))
        #expect(prorated.unitLabel == "for 19/31 days")
    }

    @Test func oneCentBelowTheTierNoDiscountAndCreditsCoverAll() throws {
        var inv = try #require(rules(minUsage: "18.51").invoice(customer: customer, period: period, usage: usage, trials: trial,
                                                                issueDate: UTCDay("2026-11-01")!))
        var account = credit("500")
        account.apply(to: &inv)
        #expect(account.balance == money("392.77"))
        #expect(!inv.lines.contains { $0.kind == .volumeDiscount })
        #expect(inv.subtotal == money("97.48") && inv.tax == money("9.75") && inv.total == money("107.23"))
        #expect(inv.creditsApplied == money("107.23") && inv.amountDue == .zero)
    }

    @Test func noFeeAndNoUsageIsNoInvoiceAndUnpricedUsageIsListed() {
        let free = CustomerHistory(versions: [Customer(id: "cus_a", name: "Alpha", email: "", plan: "free", billingDay: 1, taxRatePct: .zero)])
        #expect(rules(minUsage: "1").invoice(customer: free, period: period, usage: [], trials: [], issueDate: UTCDay("2026-11-01")!) == nil)
        let unpriced = [UsageSummaryLine(provider: "mistral", model: "codestral", tier: .standard, tokenType: .input, serviceID: "",
                                         unitPrice: nil, quantity: 10, errorQuantity: 0, charge: nil)]
        let inv = rules(minUsage: "1").invoice(customer: free, period: period, usage: unpriced, trials: [], issueDate: UTCDay("2026-11-01")!)
        #expect(inv?.unpriced.count == 1 && inv?.isFinalizable == false && inv?.total == .zero)
    }

    @Test func adjustmentsIssueTheDifferenceOnceLineByLine() throws {
        let r = rules(minUsage: "1000", fee: "10")
        var issued = try #require(r.invoice(customer: customer, period: period, usage: Array(usage.prefix(1)), trials: [],
                                            issueDate: UTCDay("2026-11-01")!))
        issued.number = "INV-2026-000001"
        let now = try #require(r.invoice(customer: customer, period: period, usage: Array(usage.prefix(2)), trials: [],
                                         issueDate: UTCDay("2026-11-15")!))
        var more = try #require(r.adjustment(of: [issued], now: now, issueDate: UTCDay("2026-11-15")!))
        #expect(more.kind == .supplementary && more.adjusts == "INV-2026-000001")
        #expect(more.subtotal == money("5.01") && more.tax == money("0.50") && more.total == money("5.51"))
        // Itemized: the one line that changed, with its own description, quantity and price.
        #expect(more.lines.count == 1)
        #expect(more.lines[0].kind == .usage && more.lines[0].description == "openai gpt-4o output")
        #expect(more.lines[0].quantity == 500_500 && more.lines[0].unitPrice == money("10") && more.lines[0].amount == money("5.01"))
        more.number = "INV-2026-000002"
        #expect(r.adjustment(of: [issued, more], now: now, issueDate: UTCDay("2026-11-16")!) == nil)
        let less = try #require(r.adjustment(of: [issued, more], now: issued, issueDate: UTCDay("2026-11-20")!))
        #expect(less.kind == .creditNote && less.total == money("-5.51"))
        #expect(less.lines.map(\.quantity) == [-500_500] && less.lines.map(\.amount) == [money("-5.01")])
    }

    @Test func payoutsAreGrossLessTheRoundedFee() {
        var inv = Invoice(number: "INV-2026-000001", customerID: "c", customerName: "C", period: period, issueDate: UTCDay("2026-11-01")!,
                          dueDate: UTCDay("2026-11-15")!, currency: "USD", lines: [
                            InvoiceLine(kind: .service, description: "", quantity: 1, unitPrice: .zero, amount: money("10.05"), serviceID: "svc_x"),
                            InvoiceLine(kind: .trial, description: "", quantity: 1, unitPrice: .zero, amount: money("-0.10"), serviceID: "svc_x"),
                          ], subtotal: .zero, tax: .zero, total: .zero, creditsApplied: .zero, amountDue: .zero, taxRatePct: .zero)
        let draft = { () -> Invoice in var d = inv; d.number = nil; return d }()
        inv.lines.append(InvoiceLine(kind: .usage, description: "", quantity: 1, unitPrice: .zero, amount: money("99")))
        let p = Payout.of([inv, draft], services: [service])
        // gross 9.95; fee 10 % = 0.995, rounded half away from zero: 1.00.
        #expect(p == [Payout(seller: "sellco", serviceID: "svc_x", gross: money("9.95"), platformFee: money("1.00"), net: money("8.95"))])
    }

    /// What the month-end keeps of its issued documents, gathered one at a time: counts and money
    /// by kind of document and sums by line kind; the payouts come out of a `PayoutBook` fed the
    /// same documents one at a time as they do from the whole list.
    @Test func issuedMonthAndPayoutBookGatherDocumentsOneAtATime() {
        func doc(_ number: String, _ kind: Invoice.Kind, _ lines: [InvoiceLine]) -> Invoice {
            var inv = Invoice(number: number, customerID: "c", customerName: "C", period: period, issueDate: UTCDay("2026-11-01")!,
                              dueDate: UTCDay("2026-11-15")!, currency: "USD", lines: lines, subtotal: money("5"), tax: money("1"), total: money("6"),
                              creditsApplied: money("0.50"), amountDue: money("5.50"), taxRatePct: money("20"))
            inv.kind = kind
            return inv
        }
        let fee = InvoiceLine(kind: .planFee, description: "fee", quantity: 1, unitPrice: money("19"), amount: money("19.00"))
        let sold = InvoiceLine(kind: .service, description: "", quantity: 1, unitPrice: .zero, amount: money("10.05"), serviceID: "svc_x")
        let trial = InvoiceLine(kind: .trial, description: "", quantity: 1, unitPrice: .zero, amount: money("-0.10"), serviceID: "svc_x")
        let gone = InvoiceLine(kind: .service, description: "", quantity: 1, unitPrice: .zero, amount: money("3.00"), serviceID: "svc_gone")
        let docs = [doc("INV-2026-000001", .invoice, [fee, sold, trial]), doc("INV-2026-000002", .invoice, [fee, gone]),
                    doc("SUP-2026-000001", .supplementary, [sold])]
        let month = IssuedMonth(docs)
        #expect(month.invoices == 2 && month.adjustments == 1 && month.count == 3)
        #expect(month.total == money("18") && month.creditsApplied == money("1.50") && month.amountDue == money("16.50"))
        #expect(month.byLineKind == [.planFee: money("38.00"), .service: money("23.10"), .trial: money("-0.10")])
        var book = PayoutBook(services: [service])
        for d in docs { book.add(d) }
        // gross 10.05 - 0.10 + 10.05 = 20.00; fee 10 % = 2.00.
        #expect(book.payouts == [Payout(seller: "sellco", serviceID: "svc_x", gross: money("20.00"), platformFee: money("2.00"), net: money("18.00"))])
        #expect(book.payouts == Payout.of(docs, services: [service]))
        #expect(book.unknownServices == ["svc_gone"])
        // A draft (no number) pays nobody.
        var unnumbered = docs[0]
        unnumbered.number = nil
        #expect(PayoutBook.soldLines(of: unnumbered).isEmpty)
    }
}

/// Rules moved into SettleCore from the jobs (issue 29): whether an invoice is issued or stays
/// a draft, and the last day a period's figures cover.
@Suite struct IssueDecisionTests {
    func invoice(month: String, unpriced: Bool = false) -> Invoice {
        let period = BillingPeriod(month: PeriodMonth(month)!, billingDay: 15)
        var inv = Invoice(customerID: "cus_1", customerName: "One", period: period, issueDate: UTCDay("2026-11-20")!,
                          dueDate: UTCDay("2026-12-04")!, currency: "USD", lines: [], subtotal: .zero, tax: .zero, total: .zero,
                          creditsApplied: .zero, amountDue: .zero, taxRatePct: .zero)
        if unpriced {
            inv.unpriced = [UsageSummaryLine(provider: "p", model: "m", tier: .standard, tokenType: .input, serviceID: "", unitPrice: nil,
                                             quantity: 5, errorQuantity: 0, charge: nil)]
        }
        return inv
    }

    @Test func issuedOnlyWhenAskedPricedAndEnded() {
        let day = UTCDay("2026-11-14")!, after = UTCDay("2026-11-15")!
        // October's period from the 15th ends (exclusive) on 2026-11-15.
        #expect(IssueDecision.of(invoice(month: "2026-10"), finalize: false, issueDate: after) == .draft)
        #expect(IssueDecision.of(invoice(month: "2026-10"), finalize: true, issueDate: day) == .draftPeriodOpen)
        #expect(IssueDecision.of(invoice(month: "2026-10"), finalize: true, issueDate: after) == .issue)
        #expect(IssueDecision.of(invoice(month: "2026-10", unpriced: true), finalize: true, issueDate: after) == .draftUnpriced)
        #expect(IssueDecision.ofAdjustment(invoice(month: "2026-10", unpriced: true)) == .draftUnpriced)
    }

    @Test func aPeriodsFiguresCoverTheLaterOfAggregatedAndRolledUp() {
        let period = BillingPeriod(month: PeriodMonth("2026-10")!, billingDay: 1)
        let d = { UTCDay($0)! }
        #expect(PeriodSummarizer.asOf(period, aggregatedThrough: d("2026-10-20"), lastRolledUp: d("2026-10-25")) == d("2026-10-25"))
        #expect(PeriodSummarizer.asOf(period, aggregatedThrough: d("2026-10-20"), lastRolledUp: nil) == d("2026-10-20"))
        #expect(PeriodSummarizer.asOf(period, aggregatedThrough: d("2026-11-03"), lastRolledUp: d("2026-10-31")) == d("2026-10-31"))
    }
}
