import Testing
@testable import SettleCore

/// Customers over time: which version is in force, how a plan fee is prorated over the
/// versions of a period, and what an adjustment of an issued period may change.
@Suite struct CustomersOverTimeTests {
    func money(_ s: String) -> ExactDecimal { ExactDecimal(s)! }
    func day(_ s: String) -> UTCDay { UTCDay(s)! }

    func version(_ plan: String, from: String?, tax: String = "20", billingDay: Int = 1, line: Int = 0) -> Customer {
        Customer(id: "cus_a", name: "Alpha", email: "a@example.com", plan: plan, billingDay: billingDay, taxRatePct: money(tax),
                 effectiveFrom: from.map(day), line: line)
    }

    let plans = ["starter": Plan(name: "starter", monthlyFee: ExactDecimal(19)), "pro": Plan(name: "pro", monthlyFee: ExactDecimal(79)),
                 "free": Plan(name: "free")]

    @Test func theVersionInForceChangesAtMidnightOfItsDate() {
        let h = CustomerHistory(versions: [version("pro", from: "2026-10-20"), version("starter", from: nil), version("free", from: "2026-12-01")])
        #expect(h.versions.map(\.plan) == ["starter", "pro", "free"])
        #expect(h.inForce(on: day("2026-10-19")).plan == "starter")
        #expect(h.inForce(on: day("2026-10-20")).plan == "pro")
        #expect(h.inForce(on: day("2026-11-30")).plan == "pro")
        #expect(h.inForce(on: day("2026-12-01")).plan == "free")
        // Before a first version that has a date, that version (its usage is still the customer's).
        let late = CustomerHistory(versions: [version("pro", from: "2026-10-10")])
        #expect(late.inForce(on: day("2026-10-01")).plan == "pro" && !late.exists(on: day("2026-10-09")) && late.exists(on: day("2026-10-10")))
    }

    /// 19.00 × 19/31 = 11.645… → 11.65 and 79.00 × 12/31 = 30.580… → 30.58, for a period of
    /// 31 days; and the same upgrade day in periods of 28, 29 and 30 days.
    @Test(arguments: [
        ("2026-10", 1, "2026-10-20", 31, ["starter plan, 2026-10-01 to 2026-10-19 (19/31 days)", "pro plan, 2026-10-20 to 2026-10-31 (12/31 days)"], ["11.65", "30.58"]),
        ("2026-02", 1, "2026-02-20", 28, ["starter plan, 2026-02-01 to 2026-02-19 (19/28 days)", "pro plan, 2026-02-20 to 2026-02-28 (9/28 days)"], ["12.89", "25.39"]),
        ("2028-02", 1, "2028-02-20", 29, ["starter plan, 2028-02-01 to 2028-02-19 (19/29 days)", "pro plan, 2028-02-20 to 2028-02-29 (10/29 days)"], ["12.45", "27.24"]),
        ("2026-11", 1, "2026-11-20", 30, ["starter plan, 2026-11-01 to 2026-11-19 (19/30 days)", "pro plan, 2026-11-20 to 2026-11-30 (11/30 days)"], ["12.03", "28.97"]),
        // A period across a month end: 15 Jan – 14 Feb, 31 days.
        ("2026-01", 15, "2026-02-01", 31, ["starter plan, 2026-01-15 to 2026-01-31 (17/31 days)", "pro plan, 2026-02-01 to 2026-02-14 (14/31 days)"], ["10.42", "35.68"]),
    ] as [(String, Int, String, Int, [String], [String])])
    func anUpgradeProratesTheFeeByDay(month: String, billingDay: Int, upgrade: String, days: Int, descriptions: [String], amounts: [String]) {
        let period = BillingPeriod(month: PeriodMonth(month)!, billingDay: billingDay)
        #expect(period.dayCount == days)
        let h = CustomerHistory(versions: [version("starter", from: nil, billingDay: billingDay), version("pro", from: upgrade, billingDay: billingDay)])
        let lines = PlanFees.lines(h, plans: plans, period: period)
        #expect(lines.map(\.description) == descriptions)
        #expect(lines.map(\.amount) == amounts.map(money))
        #expect(lines.allSatisfy { $0.kind == .planFee && $0.quantity == 1 && $0.unitPrice == $0.amount })
    }

    @Test func oneVersionIsTheWholeFeeAndATaxChangeDoesNotSplitIt() {
        let period = BillingPeriod(month: PeriodMonth("2026-10")!, billingDay: 1)
        let h = CustomerHistory(versions: [version("pro", from: nil, tax: "20"), version("pro", from: "2026-10-10", tax: "21")])
        #expect(PlanFees.lines(h, plans: plans, period: period).map(\.description) == ["pro plan, 2026-10-01 to 2026-10-31"])
        #expect(PlanFees.lines(h, plans: plans, period: period).map(\.amount) == [money("79")])
        // Joined on the 10th: 22 of 31 days; a free plan has no line.
        let joined = CustomerHistory(versions: [version("pro", from: "2026-10-10")])
        #expect(PlanFees.lines(joined, plans: plans, period: period).map(\.amount) == [money("56.06")])   // 79 × 22/31 = 56.064…
        let downgraded = CustomerHistory(versions: [version("pro", from: nil), version("free", from: "2026-10-31")])
        #expect(PlanFees.lines(downgraded, plans: plans, period: period).map(\.description) == ["pro plan, 2026-10-01 to 2026-10-30 (30/31 days)"])
        // A version that starts on the period's first day or after its end changes nothing inside it.
        let atStart = CustomerHistory(versions: [version("starter", from: nil), version("pro", from: "2026-10-01"), version("free", from: "2026-11-01")])
        #expect(PlanFees.lines(atStart, plans: plans, period: period).map(\.amount) == [money("79")])
    }

    @Test func taxFollowsTheVersionOnThePeriodsLastDay() throws {
        let rules = InvoiceRules(currency: "USD", paymentTermsDays: 14, volumeDiscounts: [], services: [], plans: plans)
        let period = BillingPeriod(month: PeriodMonth("2026-10")!, billingDay: 1)
        let h = CustomerHistory(versions: [version("pro", from: nil, tax: "20"), version("pro", from: "2026-10-31", tax: "10")])
        let inv = try #require(rules.invoice(customer: h, period: period, usage: [], trials: [], issueDate: day("2026-11-01")))
        #expect(inv.taxRatePct == money("10") && inv.tax == money("7.90") && inv.total == money("86.90"))
    }

    @Test func versionsThatCannotBeAHistoryAreNamedByLine() {
        let twice = [version("pro", from: "2026-10-01", line: 2), version("starter", from: "2026-10-01", line: 5)]
        #expect(CustomerBook.problem(in: twice)?.line == 5 && CustomerBook.problem(in: twice)?.key == "effective_from")
        let moved = [version("pro", from: nil, billingDay: 1, line: 2), version("pro", from: "2026-11-01", billingDay: 15, line: 3)]
        #expect(CustomerBook.problem(in: moved)?.line == 3 && CustomerBook.problem(in: moved)?.key == "billing_day")
        #expect(CustomerBook.problem(in: [version("pro", from: nil), version("pro", from: "2026-11-01")]) == nil)
    }

    /// Items are told apart by their fields, not a joined string: provider `p|a` with model `b`
    /// and provider `p` with model `a|b` are two items, and late usage of the second adjusts the
    /// second, under its own description (issue 29).
    @Test func itemsWithABarInTheirNamesStayApart() throws {
        let rules = InvoiceRules(currency: "USD", paymentTermsDays: 14, volumeDiscounts: [], services: [], plans: plans)
        let period = BillingPeriod(month: PeriodMonth("2026-10")!, billingDay: 1)
        func line(_ provider: String, _ model: String, _ quantity: Int64) -> UsageSummaryLine {
            UsageSummaryLine(provider: provider, model: model, tier: .standard, tokenType: .input, serviceID: "",
                             unitPrice: money("0.000001"), quantity: quantity, errorQuantity: 0, charge: nil)
        }
        let customer = CustomerHistory(versions: [version("starter", from: nil)])
        var issued = try #require(rules.invoice(customer: customer, period: period, usage: [line("p|a", "b", 1_000_000), line("p", "a|b", 2_000_000)],
                                                trials: [], issueDate: day("2026-11-01")))
        issued.number = "INV-2026-000001"
        let late = try #require(rules.invoice(customer: customer, period: period, usage: [line("p|a", "b", 1_000_000), line("p", "a|b", 3_000_000)],
                                              trials: [], issueDate: day("2026-11-20")))
        let sup = try #require(rules.adjustment(of: [issued], now: late, issueDate: day("2026-11-20")))
        #expect(sup.lines.map { "\($0.description) \($0.quantity) \($0.amount)" } == ["p a|b input 1000000 1.00"])
    }

    /// Numbers: series, the issue date's year, six digits at least; credit notes their own series.
    @Test func invoiceNumbersFollowTheirSequence() {
        let sequence = InvoiceNumber.sequence(series: "INV", issueDate: day("2026-11-01"))
        #expect(InvoiceNumber.text(sequence, seq: 42) == "INV-2026-000042" && InvoiceNumber.text(sequence, seq: 1_234_567) == "INV-2026-1234567")
        #expect(InvoiceNumber.series(of: .creditNote, invoicePrefix: "INV", creditNotePrefix: "CN") == "CN")
        #expect(InvoiceNumber.series(of: .supplementary, invoicePrefix: "INV", creditNotePrefix: "CN") == "INV")
    }

    /// An issued invoice keeps its plan fees and tax rate: an edited catalog changes nothing
    /// unless `--catalog` asks; then the fee lines change item by item.
    @Test func anAdjustmentComparesUsageNotTodaysCatalog() throws {
        let rules = InvoiceRules(currency: "USD", paymentTermsDays: 14, volumeDiscounts: [], services: [], plans: plans)
        let period = BillingPeriod(month: PeriodMonth("2026-10")!, billingDay: 1)
        let usage = [UsageSummaryLine(provider: "openai", model: "gpt-4o", tier: .standard, tokenType: .input, serviceID: "",
                                      unitPrice: money("0.000003"), quantity: 1_000_000, errorQuantity: 0, charge: money("3"))]
        var issued = try #require(rules.invoice(customer: CustomerHistory(versions: [version("starter", from: nil)]), period: period,
                                                usage: usage, trials: [], issueDate: day("2026-11-01")))
        issued.number = "INV-2026-000001"
        #expect(issued.total == money("26.40"))   // (19 + 3) × 1.20
        // Edited in place: pro at 10 % tax. Nothing to issue.
        let edited = CustomerHistory(versions: [version("pro", from: nil, tax: "10")])
        let now = try #require(rules.invoice(customer: edited, period: period, usage: usage, trials: [], issueDate: day("2026-11-20")))
        #expect(rules.adjustment(of: [issued], now: now, issueDate: day("2026-11-20")) == nil)
        // Late usage still adjusts, at the issued tax rate.
        let more = usage + [UsageSummaryLine(provider: "openai", model: "gpt-4o", tier: .standard, tokenType: .output, serviceID: "",
                                              unitPrice: money("0.000012"), quantity: 500_000, errorQuantity: 0, charge: money("6"))]
        let late = try #require(rules.invoice(customer: edited, period: period, usage: more, trials: [], issueDate: day("2026-11-20")))
        let sup = try #require(rules.adjustment(of: [issued], now: late, issueDate: day("2026-11-20")))
        #expect(sup.lines.map(\.description) == ["openai gpt-4o output"] && sup.subtotal == money("6") && sup.tax == money("1.20"))
        #expect(sup.taxRatePct == money("20"))
        // A back-dated upgrade applied with --catalog: the old fee line out, the two new ones in.
        let backDated = CustomerHistory(versions: [version("starter", from: nil), version("pro", from: "2026-10-20")])
        let recomputed = try #require(rules.invoice(customer: backDated, period: period, usage: usage, trials: [], issueDate: day("2026-11-20")))
        let fix = try #require(rules.adjustment(of: [issued], now: recomputed, applyingCatalog: true, issueDate: day("2026-11-20")))
        #expect(fix.kind == .supplementary && fix.adjusts == "INV-2026-000001")
        #expect(fix.lines.map(\.description) == ["starter plan, 2026-10-01 to 2026-10-19 (19/31 days)", "pro plan, 2026-10-20 to 2026-10-31 (12/31 days)",
                                                 "starter plan, 2026-10-01 to 2026-10-31"])
        #expect(fix.lines.map(\.amount) == [money("11.65"), money("30.58"), money("-19")])
        #expect(fix.subtotal == money("23.23") && fix.tax == money("4.65") && fix.total == money("27.88"))
    }

    @Test func anUpgradeReArmsAnAlertThroughItsLimit() {
        let old = AlertKey(metric: .tokens, threshold: 80, limit: money("500000"))
        #expect(old == AlertKey(metric: .tokens, threshold: 80, limit: money("500000.00")))
        #expect(old != AlertKey(metric: .tokens, threshold: 80, limit: money("10000000")))
    }

    /// After a `--catalog` adjustment changed the rate, later adjustments keep the new rate; and
    /// a change that moves no money issues nothing.
    @Test func laterAdjustmentsKeepTheLatestRateAndMoveMoney() throws {
        let rules = InvoiceRules(currency: "USD", paymentTermsDays: 14, volumeDiscounts: [], services: [], plans: plans)
        let period = BillingPeriod(month: PeriodMonth("2026-10")!, billingDay: 1)
        func usage(_ input: Int64) -> [UsageSummaryLine] {
            [UsageSummaryLine(provider: "openai", model: "gpt-4o", tier: .standard, tokenType: .input, serviceID: "",
                              unitPrice: money("0.000003"), quantity: input, errorQuantity: 0, charge: nil)]
        }
        var issued = try #require(rules.invoice(customer: CustomerHistory(versions: [version("starter", from: nil, tax: "20")]), period: period,
                                                usage: usage(1_000_000), trials: [], issueDate: day("2026-11-01")))
        issued.number = "INV-2026-000001"
        let tenPct = CustomerHistory(versions: [version("starter", from: nil, tax: "10")])
        let now = try #require(rules.invoice(customer: tenPct, period: period, usage: usage(1_000_000), trials: [], issueDate: day("2026-11-10")))
        #expect(rules.adjustment(of: [issued], now: now, issueDate: day("2026-11-10")) == nil)
        var fix = try #require(rules.adjustment(of: [issued], now: now, applyingCatalog: true, issueDate: day("2026-11-10")))
        // 22.00 × (10 % − 20 %): no line changed, the tax did.
        #expect(fix.lines.isEmpty && fix.subtotal == .zero && fix.tax == money("-2.20") && fix.kind == .creditNote)
        fix.number = "CN-2026-000001"
        // Late usage afterwards: taxed at 10 %, the rate now on the documents.
        let late = try #require(rules.invoice(customer: tenPct, period: period, usage: usage(2_000_000), trials: [], issueDate: day("2026-11-20")))
        let sup = try #require(rules.adjustment(of: [issued, fix], now: late, issueDate: day("2026-11-20")))
        #expect(sup.subtotal == money("3.00") && sup.tax == money("0.30") && sup.taxRatePct == money("10"))
        // A few tokens more that round to the same cents: nothing to issue.
        let crumbs = try #require(rules.invoice(customer: tenPct, period: period, usage: usage(1_000_001), trials: [], issueDate: day("2026-11-20")))
        #expect(rules.adjustment(of: [issued, fix], now: crumbs, issueDate: day("2026-11-20")) == nil)
    }
}
