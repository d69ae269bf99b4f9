import Testing
import SettleCore
import SettleStore
import SettleTestSupport

/// Where the store selects or sums for speed, what it gives is what SettleCore's rule gives on
/// the same events (issue 29): the gateway's totals of a day (`GatewayTotal.sum` over the day's
/// rows, whether the store sums its stored rows or the day's events), and the events that use a
/// free trial, in trial order (`TrialEvents`). Generated data: many customers, models, tiers,
/// bands, statuses, services and events that share a microsecond.
@Suite struct OneRuleTests {
    /// A small deterministic generator (the same events on every run and store).
    struct Dice {
        var state: UInt64
        mutating func next(_ n: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(n))
        }
    }

    static let day = UTCDay("2026-10-03")!

    static func events(count: Int, seed: UInt64) -> [UsageEvent] {
        var dice = Dice(state: seed)
        let models = [("openai", "gpt-4o"), ("openai", "gpt-4.1"), ("anthropic", "claude-sonnet-4"), ("google", "gemini-2.5-pro")]
        let services = ["", "", "", "svc_summarize", "svc_translate"]
        var out: [UsageEvent] = []
        for i in 0..<count {
            let (provider, model) = models[dice.next(models.count)]
            // A few hundred distinct instants, so that many events share one (trial order then
            // goes by request id, byte by byte; ids are not written in that order).
            let ts = day.start.microseconds + Int64(dice.next(300)) * 287_000_000 + Int64(dice.next(3))
            let input = Int64([10, 900, 150_000, 250_000][dice.next(4)] + dice.next(100))
            var e = UsageEvent(requestID: "req_\(["b", "a", "B", "é", "_"][dice.next(5)])\(String(i, radix: 36))",
                               timestamp: Timestamp(microseconds: ts), customerID: "cus_\(dice.next(7))", provider: provider,
                               model: model, inputTokens: input, outputTokens: Int64(dice.next(2000)), apiKeyID: "k\(dice.next(3))")
            e.cachedInputTokens = dice.next(3) == 0 ? input / 2 : 0
            e.cacheWriteTokens = dice.next(5) == 0 ? input / 4 : 0
            e.cacheWrite1hTokens = e.cacheWriteTokens > 0 && dice.next(2) == 0 ? e.cacheWriteTokens / 2 : 0
            e.tier = [Tier.standard, .standard, .batch, .priority][dice.next(4)]
            e.status = dice.next(6) == 0 ? .error : .ok
            e.requests = Int64(1 + dice.next(2))
            let service = services[dice.next(services.count)]
            e.serviceID = service.isEmpty ? nil : service
            out.append(e)
        }
        return out
    }

    static let bands = PriceBands(rows: [
        PriceRow(provider: "openai", model: "gpt-4o", tokenType: .input, tier: .standard, price: ExactDecimal("5")!, per: .perMillion,
                 effectiveFrom: Timestamp(rfc3339: "2026-01-01T00:00:00Z")!, band: 200_000),
        PriceRow(provider: "google", model: "gemini-2.5-pro", tokenType: .input, tier: .standard, price: ExactDecimal("2.5")!, per: .perMillion,
                 effectiveFrom: Timestamp(rfc3339: "2026-01-01T00:00:00Z")!, band: 128_000),
    ])

    func text(_ t: GatewayTotal) -> String {
        "\(t.day) \(t.stretchStart) \(t.provider) \(t.model) \(t.tier) >\(t.band) \(t.events) \(t.input) \(t.cachedInput) "
            + "\(t.cacheWrite) \(t.cacheWrite1h) \(t.output) \(t.requests)"
    }

    @Test(arguments: StoreKind.all)
    func theGatewaysTotalsAreCoresSumWhetherFromEventsOrFromStoredRows(kind: StoreKind) throws {
        let dir = TempFolder()
        let (store, _) = try kind.makeStore(in: dir)
        let day = Self.day
        let events = Self.events(count: 3000, seed: 29)
        let load = try store.beginUsageLoad(runID: "r1", path: "gen.jsonl", format: "jsonl")
        for e in events { try load.append(e) }
        _ = try load.commit(sha256: "g", bytes: 1, read: events.count, quarantined: 0, days: [day], inbox: nil)

        // Core's rule on the events themselves: a day rolled up in memory, its rows summed.
        let stretches = [Timestamp(rfc3339: "2026-10-03T09:30:00Z")!, Timestamp(rfc3339: "2026-10-03T17:00:00Z")!]
        var rollup = DayRollup(day: day, stretches: stretches, bands: Self.bands)
        for e in events {
            rollup.add(ts: e.timestamp.microseconds, customer: e.customerID, provider: e.provider, model: e.model, tier: e.tier.rawValue,
                       service: e.serviceID ?? "", status: e.status.rawValue, input: e.inputTokens, cached: e.cachedInputTokens,
                       cacheWrite: e.cacheWriteTokens, output: e.outputTokens, requests: e.requests, latencyMs: nil,
                       cacheWrite1h: e.cacheWrite1hTokens)
        }
        let core = GatewayTotal.sum(try rollup.rows()).map(text)
        #expect(core.count > 40, "the generated day has many cells: \(core.count)")
        #expect(core.contains { $0.contains(" >200000 ") } && core.contains { $0.contains(" >128000 ") }, "both bands are used")

        // The day's events, read by the store (its rows are not split at these stretches).
        let cut: (UTCDay) -> [Timestamp] = { $0 == day ? stretches : [] }
        let fromEvents = try store.reconciliation.gatewayTotals(from: day, to: day, stretches: cut, bands: Self.bands).map(text).sorted()
        #expect(fromEvents == core.sorted())

        // The day's rows, split so, stored and summed by the store's GROUP BY.
        try store.periods.rollUp(day: day, stretches: stretches, bands: Self.bands, at: day.start)
        try store.periods.replace([], clearingPending: [day])
        let fromRows = try store.reconciliation.gatewayTotals(from: day, to: day, stretches: cut, bands: Self.bands).map(text).sorted()
        #expect(fromRows == core.sorted())
        // And Core's sum of the stored rows read back is the same again.
        #expect(GatewayTotal.sum(try store.periods.dailyRows(from: day, to: day)).map(text).sorted() == core.sorted())
    }

    @Test(arguments: StoreKind.all)
    func theEventsThatUseATrialAreCoresInCoresOrder(kind: StoreKind) throws {
        let dir = TempFolder()
        let (store, _) = try kind.makeStore(in: dir)
        let events = Self.events(count: 2000, seed: 7)
        let load = try store.beginUsageLoad(runID: "r1", path: "gen.jsonl", format: "jsonl")
        for e in events { try load.append(e) }
        _ = try load.commit(sha256: "g", bytes: 1, read: events.count, quarantined: 0, days: [Self.day], inbox: nil)

        let from = Timestamp(rfc3339: "2026-10-03T06:00:00Z")!, to = Timestamp(rfc3339: "2026-10-03T20:00:00Z")!
        var compared = 0
        for customer in (0..<7).map({ "cus_\($0)" }) {
            for service in ["svc_summarize", "svc_translate"] {
                let expected = events
                    .filter { TrialEvents.counts($0, customer: customer, service: service) && $0.timestamp >= from && $0.timestamp < to }
                    .sorted { TrialEvents.precedes($0.timestamp, $0.requestID, $1.timestamp, $1.requestID) }
                    .map { "\($0.inputTokens)/\($0.outputTokens)" }
                var selected: [String] = []
                try store.periods.serviceEvents(customer: customer, service: service, from: from, to: to) { input, output in
                    selected.append("\(input)/\(output)")
                    return true
                }
                #expect(selected == expected, "\(customer) \(service)")
                compared += expected.count

                let before = events.filter { TrialEvents.counts($0, customer: customer, service: service) && $0.timestamp < from }
                    .reduce(Int64(0)) { $0 + TrialEvents.tokens(input: $1.inputTokens, output: $1.outputTokens) }
                #expect(try store.periods.serviceTokens(customer: customer, service: service, before: from) == before, "\(customer) \(service)")
            }
        }
        #expect(compared > 200, "enough trial events compared: \(compared)")
        // Stopping early: the body's false ends the walk after that event.
        var taken = 0
        try store.periods.serviceEvents(customer: "cus_1", service: "svc_summarize", from: from, to: to) { _, _ in
            taken += 1
            return taken < 3
        }
        #expect(taken == 3)
    }

    /// The trial walk reads pages (16 events, then 64): a microsecond shared by events across a
    /// page's end, or filling a whole page, is taken whole and in request-id order.
    @Test(arguments: StoreKind.all)
    func eventsOfOneMicrosecondAcrossAPagesEndKeepCoresOrder(kind: StoreKind) throws {
        let dir = TempFolder()
        let (store, _) = try kind.makeStore(in: dir)
        let base = Self.day.start.microseconds + 3_600_000_000
        // 10 events at their own instants, 20 sharing the 11th (across the first page's end),
        // 5 more, then 70 sharing one instant (more than the second page holds).
        let instants = (0..<10).map { base + Int64($0) } + Array(repeating: base + 10, count: 20) + (11..<16).map { base + Int64($0) }
            + Array(repeating: base + 16, count: 70)
        let events = instants.enumerated().map { i, ts -> UsageEvent in
            var e = UsageEvent(requestID: "req_\(["b", "a", "B", "é", "_"][i % 5])\(String((i * 7919) % 1000, radix: 36))_\(i)",
                               timestamp: Timestamp(microseconds: ts), customerID: "cus_1", provider: "openai", model: "gpt-4o",
                               inputTokens: Int64(100 + i), outputTokens: Int64(i), apiKeyID: "k1")
            e.serviceID = "svc_summarize"
            return e
        }
        let load = try store.beginUsageLoad(runID: "r1", path: "ties.jsonl", format: "jsonl")
        for e in events { try load.append(e) }
        _ = try load.commit(sha256: "t", bytes: 1, read: events.count, quarantined: 0, days: [Self.day], inbox: nil)
        let expected = events.sorted { TrialEvents.precedes($0.timestamp, $0.requestID, $1.timestamp, $1.requestID) }
            .map { "\($0.inputTokens)/\($0.outputTokens)" }
        var selected: [String] = []
        try store.periods.serviceEvents(customer: "cus_1", service: "svc_summarize", from: Self.day.start, to: Self.day.adding(days: 1).start) { input, output in
            selected.append("\(input)/\(output)")
            return true
        }
        #expect(selected.count == 105)
        #expect(selected == expected)
    }
}
