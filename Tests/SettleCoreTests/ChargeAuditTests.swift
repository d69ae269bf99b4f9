import Testing
@testable import SettleCore

/// The charge audit's statuses, at the tolerance's edge, with markup by the plan in force.
@Suite struct ChargeAuditTests {
    func money(_ s: String) -> ExactDecimal { ExactDecimal(s)! }
    let day = UTCDay("2026-10-25")!

    var audit: ChargeAudit {
        let prices = [PriceRow(provider: "openai", model: "gpt-4o", tokenType: .input, tier: .standard, price: money("2.50"), per: .perMillion,
                               effectiveFrom: UTCDay("2026-01-01")!.start),
                      PriceRow(provider: "openai", model: "gpt-4o", tokenType: .output, tier: .standard, price: money("10"), per: .perMillion,
                               effectiveFrom: UTCDay("2026-01-01")!.start)]
        var markup = MarkupPolicy()
        markup.rules = [MarkupRule(pattern: "*", plan: "enterprise", pct: money("10"))]
        let customers = CustomerBook([
            Customer(id: "cus_a", name: "A", email: "", plan: "pro", billingDay: 1, taxRatePct: .zero),
            Customer(id: "cus_e", name: "E", email: "", plan: "pro", billingDay: 1, taxRatePct: .zero),
            Customer(id: "cus_e", name: "E", email: "", plan: "enterprise", billingDay: 1, taxRatePct: .zero, effectiveFrom: UTCDay("2026-10-20")),
        ])
        return ChargeAudit(pricing: CustomerPricing(priceBook: PriceBook(rows: prices), markup: markup, services: []), customers: customers,
                           tolerance: money("0.01"))
    }

    func row(_ customer: String, model: String = "gpt-4o", events: Int64, input: Int64, cached: Int64 = 0, output: Int64, reported: String?,
             status: EventStatus = .ok) -> UsageDailyRow {
        UsageDailyRow(day: day, stretchStart: day.start, customerID: customer, provider: "openai", model: model, tier: .standard, serviceID: "",
                      status: status, events: events, inputTokens: input, cachedInputTokens: cached, cacheWriteTokens: 0, outputTokens: output,
                      requests: events, costed: reported != nil, reportedNanos: reported.flatMap { ReportedCost.nanos(money($0)) } ?? 0)
    }

    @Test func statusesAtTheToleranceEdge() {
        // cus_a, default markup 20 %: 1M input × 3.00/1M + 100k output × 12.00/1M = 4.20.
        #expect(audit.cells([row("cus_a", events: 10, input: 1_000_000, output: 100_000, reported: "4.19")]).map(\.status) == [.matched])
        #expect(audit.cells([row("cus_a", events: 10, input: 1_000_000, output: 100_000, reported: "4.189999999")]).map(\.status) == [.undercharged])
        #expect(audit.cells([row("cus_a", events: 10, input: 1_000_000, output: 100_000, reported: "4.22")]).map(\.status) == [.overcharged])
        // Errors are not charged and not audited.
        let cells = audit.cells([row("cus_a", events: 10, input: 1_000_000, output: 100_000, reported: "4.20"),
                                 row("cus_a", events: 2, input: 5, output: 5, reported: "9.00", status: .error)])
        #expect(cells.count == 1 && cells[0].events == 10 && cells[0].computed == money("4.2") && cells[0].difference == .zero)
    }

    @Test func partialComparesOnlyTheCostedEventsAndNeverHidesAnUndercharge() {
        let ok = audit.cells([row("cus_a", events: 10, input: 1_000_000, output: 100_000, reported: "4.20"),
                              row("cus_a", events: 5, input: 2_000_000, output: 0, reported: nil)])
        #expect(ok.map(\.status) == [.partial] && ok[0].events == 15 && ok[0].costedEvents == 10 && ok[0].computed == money("4.2"))
        let under = audit.cells([row("cus_a", events: 10, input: 1_000_000, output: 100_000, reported: "3.00"),
                                 row("cus_a", events: 5, input: 2_000_000, output: 0, reported: nil)])
        #expect(under.map(\.status) == [.undercharged])
        // No event with a reported cost: nothing to audit.
        #expect(audit.cells([row("cus_a", events: 5, input: 2_000_000, output: 0, reported: nil)]).isEmpty)
    }

    @Test func markupFollowsThePlanInForceThatDayAndUnpricedIsSaid() {
        // cus_e is enterprise from the 20th: 10 % markup, 1M input = 2.75.
        let e = audit.cells([row("cus_e", events: 1, input: 1_000_000, output: 0, reported: "2.75")])
        #expect(e.map(\.status) == [.matched] && e[0].computed == money("2.75"))
        // Usage settle cannot price is not compared (aggregate reports it): a model with no price
        // has no cell; a row with an unpriced token type (no cached_input price here) makes the cell partial.
        #expect(audit.cells([row("cus_a", model: "gpt-5-preview", events: 1, input: 10, output: 0, reported: "0.01")]).isEmpty)
        let mixed = audit.cells([row("cus_a", events: 10, input: 1_000_000, output: 100_000, reported: "4.20"),
                                 row("cus_a", events: 4, input: 1_000, cached: 500, output: 0, reported: "9.99")])
        #expect(mixed.map(\.status) == [.partial] && mixed[0].reported == money("4.2") && mixed[0].unpricedQuantity == 500)
    }

    @Test func reportedCostsSumInBillionthsRoundedHalfAwayFromZero() {
        func nanos(_ s: String) -> Int64? { Array(s.utf8).withUnsafeBytes { ReportedCost.nanos($0) } }
        #expect(nanos("0.0012345") == 1_234_500)
        #expect(nanos("0.00030000000000000003") == 300_000)
        #expect(nanos("0.0000000015") == 2 && nanos("0.0000000014") == 1)
        #expect(nanos("12") == 12_000_000_000 && nanos("1.") == 1_000_000_000 && nanos(".5") == 500_000_000)
        #expect(nanos("") == nil && nanos("1e-5") == nil && nanos("1.2.3") == nil)
    }
}
