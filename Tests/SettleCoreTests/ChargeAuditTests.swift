import Testing
@testable import SettleCore

/// The charge audit's statuses, at the tolerance's edge (absolute and relative), with markup by
/// the plan in force; unpriced and partial cells; the month's rows per model.
@Suite struct ChargeAuditTests {
    func money(_ s: String) -> ExactDecimal { ExactDecimal(s)! }
    let day = UTCDay("2026-10-25")!

    /// gpt-4o at 2.50 / 10.00 per 1M with the default 20 % markup (3.00 / 12.00); gpt-4.1 at
    /// 2.00 / 8.00 per 1M at cost (a markup rule of 0 %); gpt-5-preview has no price.
    func audit(tolerance: String = "0.001", pct: String = "1") -> ChargeAudit {
        let from = UTCDay("2026-01-01")!.start
        let prices = [PriceRow(provider: "openai", model: "gpt-4o", tokenType: .input, tier: .standard, price: money("2.50"), per: .perMillion,
                               effectiveFrom: from),
                      PriceRow(provider: "openai", model: "gpt-4o", tokenType: .output, tier: .standard, price: money("10"), per: .perMillion,
                               effectiveFrom: from),
                      PriceRow(provider: "openai", model: "gpt-4.1", tokenType: .input, tier: .standard, price: money("2.00"), per: .perMillion,
                               effectiveFrom: from),
                      PriceRow(provider: "openai", model: "gpt-4.1", tokenType: .output, tier: .standard, price: money("8.00"), per: .perMillion,
                               effectiveFrom: from)]
        var markup = MarkupPolicy()
        markup.rules = [MarkupRule(pattern: "*", plan: "enterprise", pct: money("10")), MarkupRule(pattern: "gpt-4.1", pct: .zero)]
        let customers = CustomerBook([
            Customer(id: "cus_a", name: "A", email: "", plan: "pro", billingDay: 1, taxRatePct: .zero),
            Customer(id: "cus_b", name: "B", email: "", plan: "pro", billingDay: 1, taxRatePct: .zero),
            Customer(id: "cus_e", name: "E", email: "", plan: "pro", billingDay: 1, taxRatePct: .zero),
            Customer(id: "cus_e", name: "E", email: "", plan: "enterprise", billingDay: 1, taxRatePct: .zero, effectiveFrom: UTCDay("2026-10-20")),
        ])
        return ChargeAudit(pricing: CustomerPricing(priceBook: PriceBook(rows: prices), markup: markup, services: []), customers: customers,
                           tolerance: money(tolerance), tolerancePct: money(pct))
    }

    func row(_ customer: String, model: String = "gpt-4o", on day: UTCDay? = nil, events: Int64, input: Int64, cached: Int64 = 0, output: Int64,
             reported: String?, status: EventStatus = .ok) -> UsageDailyRow {
        let d = day ?? self.day
        return UsageDailyRow(day: d, stretchStart: d.start, customerID: customer, provider: "openai", model: model, tier: .standard, serviceID: "",
                             status: status, events: events, inputTokens: input, cachedInputTokens: cached, cacheWriteTokens: 0, outputTokens: output,
                             requests: events, costed: reported != nil, reportedNanos: reported.flatMap { ReportedCost.nanos(money($0)) } ?? 0)
    }

    @Test func statusesAtTheToleranceEdge() {
        // cus_a, default markup 20 %: 1M input × 3.00/1M + 100k output × 12.00/1M = 4.20;
        // 1 % of it is 0.042, more than the absolute 0.01.
        let a = audit(tolerance: "0.01", pct: "1")
        func status(_ reported: String) -> [ChargeAuditStatus] {
            a.cells([row("cus_a", events: 10, input: 1_000_000, output: 100_000, reported: reported)]).map(\.status)
        }
        #expect(status("4.158") == [.matched])
        #expect(status("4.157999999") == [.undercharged])
        #expect(status("4.242") == [.matched])
        #expect(status("4.242000001") == [.overcharged])
        // 0.5 % under: matched.
        #expect(status("4.179") == [.matched])
        // Without the percentage the absolute tolerance is the edge.
        let absolute = audit(tolerance: "0.01", pct: "0")
        #expect(absolute.cells([row("cus_a", events: 10, input: 1_000_000, output: 100_000, reported: "4.19")]).map(\.status) == [.matched])
        #expect(absolute.cells([row("cus_a", events: 10, input: 1_000_000, output: 100_000, reported: "4.189999999")]).map(\.status) == [.undercharged])
        // Errors are not charged and not audited.
        let cells = audit().cells([row("cus_a", events: 10, input: 1_000_000, output: 100_000, reported: "4.20"),
                                   row("cus_a", events: 2, input: 5, output: 5, reported: "9.00", status: .error)])
        #expect(cells.count == 1 && cells[0].events == 10 && cells[0].eventsReported == 10 && cells[0].computed == money("4.2")
                && cells[0].difference == money("0") && cells[0].status == .matched)
    }

    @Test func halfPriceInASmallCellIsUndercharged() {
        // gpt-4.1 at cost: 2,000 input tokens × 2.00/1M = 0.004; the gateway charged half. The
        // old absolute 0.01 called it matched.
        let cells = audit().cells([row("cus_a", model: "gpt-4.1", events: 3, input: 2_000, output: 0, reported: "0.002")])
        #expect(cells.map(\.status) == [.undercharged])
        #expect(cells[0].computed == money("0.004") && cells[0].reported == money("0.002") && cells[0].difference == money("-0.002"))
        // Within the absolute 0.001: matched (rounding in a tiny cell is not a finding).
        #expect(audit().cells([row("cus_a", model: "gpt-4.1", events: 3, input: 2_000, output: 0, reported: "0.003")]).map(\.status) == [.matched])
        #expect(audit().cells([row("cus_a", model: "gpt-4.1", events: 3, input: 2_000, output: 0, reported: "0.002999999")]).map(\.status)
                == [.undercharged])
    }

    @Test func partialComparesOnlyTheEventsWithAReportedCostAndNeverHidesAnUndercharge() {
        let ok = audit().cells([row("cus_a", events: 10, input: 1_000_000, output: 100_000, reported: "4.20"),
                                row("cus_a", events: 5, input: 2_000_000, output: 0, reported: nil)])
        #expect(ok.map(\.status) == [.partial] && ok[0].events == 15 && ok[0].eventsReported == 10 && ok[0].computed == money("4.2")
                && ok[0].reported == money("4.2"))
        let under = audit().cells([row("cus_a", events: 10, input: 1_000_000, output: 100_000, reported: "3.00"),
                                   row("cus_a", events: 5, input: 2_000_000, output: 0, reported: nil)])
        #expect(under.map(\.status) == [.undercharged] && under[0].difference == money("-1.2"))
        // No event with a reported cost: nothing to audit.
        #expect(audit().cells([row("cus_a", events: 5, input: 2_000_000, output: 0, reported: nil)]).isEmpty)
    }

    @Test func markupFollowsThePlanInForceThatDayAndUnpricedIsSaid() {
        // cus_e is enterprise from the 20th: 10 % markup, 1M input = 2.75.
        let e = audit().cells([row("cus_e", events: 1, input: 1_000_000, output: 0, reported: "2.75")])
        #expect(e.map(\.status) == [.matched] && e[0].computed == money("2.75"))
        // A model with no price: the cell is there, unpriced, with what the gateway charged.
        let none = audit().cells([row("cus_a", model: "gpt-5-preview", events: 2, input: 10, output: 0, reported: "0.01")])
        #expect(none.map(\.status) == [.unpriced] && none[0].computed == nil && none[0].difference == nil && none[0].reported == money("0.01")
                && none[0].eventsReported == 2)
        // A token type with no price (no cached_input price here) in a costed row: unpriced too.
        let mixed = audit().cells([row("cus_a", events: 10, input: 1_000_000, output: 100_000, reported: "4.20"),
                                   row("cus_a", events: 4, input: 1_000, cached: 500, output: 0, reported: "9.99")])
        #expect(mixed.map(\.status) == [.unpriced] && mixed[0].reported == money("14.19") && mixed[0].computed == nil && mixed[0].eventsReported == 14)
        // Unpriced events without a reported cost do not make the cell unpriced: they are not compared.
        let uncosted = audit().cells([row("cus_a", events: 10, input: 1_000_000, output: 100_000, reported: "4.20"),
                                      row("cus_a", events: 4, input: 1_000, cached: 500, output: 0, reported: nil)])
        #expect(uncosted.map(\.status) == [.partial])
    }

    @Test func theMonthFindsWhatSmallCellsHide() {
        // A tolerance of 0.01 per cell: gpt-4.1 at half price in cells of 0.012 is matched every
        // day (0.006 off), and 50 % under over the month (0.024 off).
        let a = audit(tolerance: "0.01", pct: "1")
        let d26 = UTCDay("2026-10-26")!, d27 = UTCDay("2026-10-27")!
        let cells = a.cells([
            row("cus_a", model: "gpt-4.1", events: 3, input: 6_000, output: 0, reported: "0.006"),
            row("cus_b", model: "gpt-4.1", events: 1, input: 6_000, output: 0, reported: "0.006"),
            row("cus_a", model: "gpt-4.1", on: d26, events: 2, input: 6_000, output: 0, reported: "0.006"),
            row("cus_a", model: "gpt-4.1", on: d26, events: 1, input: 2_000, output: 0, reported: nil),
            row("cus_b", model: "gpt-4.1", on: d27, events: 4, input: 2_000, output: 1_000, reported: "0.006"),
            row("cus_a", on: d26, events: 10, input: 1_000_000, output: 100_000, reported: "4.20"),
            row("cus_e", on: d27, events: 1, input: 1_000_000, output: 0, reported: "2.75"),
            // An unpriced cell of gpt-4o (cached tokens have no price): left out of the comparison.
            row("cus_b", on: d27, events: 2, input: 1_000, cached: 500, output: 0, reported: "1.00"),
            row("cus_a", model: "gpt-5-preview", on: d27, events: 2, input: 10, output: 0, reported: "0.01"),
        ])
        #expect(cells.filter { $0.model == "gpt-4.1" }.map(\.status) == [.matched, .matched, .partial, .matched])
        let rows = a.summary(cells)
        func line(_ r: ChargeAuditSummaryRow) -> String {
            [r.provider, r.model, r.tier.rawValue, String(r.days), String(r.events), String(r.eventsReported), r.reported.formatted(places: 6),
             r.computed?.formatted(places: 6) ?? "", r.difference?.formatted(places: 6) ?? "", r.differencePct?.formatted(places: 2) ?? "",
             r.status.rawValue].joined(separator: ",")
        }
        #expect(rows.map(line) == [
            // 4 cells of 0.012 computed (6,000 input at 2.00/1M; 2,000 input + 1,000 output at 8.00/1M), 0.006 reported each.
            "openai,gpt-4.1,standard,3,11,10,0.024000,0.048000,-0.024000,-50.00,undercharged",
            // 4.20 + 2.75 compared; cus_b's unpriced cell (1.00 reported) counted in events only.
            "openai,gpt-4o,standard,2,13,13,6.950000,6.950000,0.000000,0.00,partial",
            "openai,gpt-5-preview,standard,1,2,2,0.010000,,,,unpriced",
        ])
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
