import Testing
import SettleCore
import SettleStore
import SettleTestSupport

/// The day's rolled-up rows stand in for its events wherever they are current: the gateway's
/// totals from either must be the same, and a day with new events is read from its events.
@Suite struct DailyRollupTests {
    func event(_ id: String, at ts: String, customer: String = "cus_1", model: String = "gpt-4o", tier: Tier = .standard,
               input: Int64, cached: Int64 = 0, output: Int64, status: EventStatus = .ok, latency: Int64? = nil) -> UsageEvent {
        var e = UsageEvent(requestID: id, timestamp: Timestamp(rfc3339: ts)!, customerID: customer, provider: "openai", model: model,
                           inputTokens: input, outputTokens: output, apiKeyID: "k1")
        e.cachedInputTokens = cached
        e.tier = tier
        e.status = status
        e.latencyMs = latency
        return e
    }

    func key(_ t: GatewayTotal) -> String {
        "\(t.day) \(t.provider) \(t.model) \(t.tier) \(t.events) \(t.input) \(t.cachedInput) \(t.cacheWrite) \(t.output) \(t.requests)"
    }

    @Test(arguments: StoreKind.all)
    func gatewayTotalsFromRolledUpRowsEqualThoseFromEvents(kind: StoreKind) throws {
        let dir = TempFolder()
        let (store, _) = try kind.makeStore(in: dir)
        let day = UTCDay("2026-10-03")!
        let load = try store.beginUsageLoad(runID: "r1", path: "a.jsonl", format: "jsonl")
        try load.append(event("e1", at: "2026-10-03T01:00:00Z", input: 1000, cached: 400, output: 50, latency: 812))
        try load.append(event("e2", at: "2026-10-03T13:00:00Z", customer: "cus_2", input: 300, output: 20, status: .error, latency: 95))
        try load.append(event("e3", at: "2026-10-03T23:59:59Z", tier: .batch, input: 7, output: 3, latency: 4321))
        try load.append(event("e4", at: "2026-10-04T00:00:00Z", input: 5, output: 5))
        _ = try load.commit(sha256: "a", bytes: 1, read: 4, quarantined: 0, days: [day, day.adding(days: 1)], inbox: nil)

        let fromEvents = try store.reports.gatewayTotals(from: day, to: day.adding(days: 1)).map(key).sorted()
        #expect(fromEvents.count == 3)
        #expect(fromEvents.contains("2026-10-03 openai gpt-4o standard 2 900 400 0 70 2"))

        // A price change at noon splits the day in two stretches; totals do not care.
        try store.periods.rollUp(day: day, stretches: [Timestamp(rfc3339: "2026-10-03T12:00:00Z")!], at: day.start)
        try store.periods.replace([], clearingPending: [day])
        #expect(try store.periods.dailyRows(from: day, to: day).count == 3)
        #expect(try store.reports.gatewayTotals(from: day, to: day.adding(days: 1)).map(key).sorted() == fromEvents)
        let latency = try store.periods.latencyHistogram(from: day, to: day).map { "\($0.latencyMs):\($0.events)" }.sorted()
        #expect(latency == ["4300:1", "810:1", "95:1"])

        // New events on the day make it pending again: its totals come from the events.
        let late = try store.beginUsageLoad(runID: "r2", path: "b.jsonl", format: "jsonl")
        try late.append(event("e5", at: "2026-10-03T18:00:00Z", input: 1, output: 1))
        _ = try late.commit(sha256: "b", bytes: 1, read: 1, quarantined: 0, days: [day], inbox: nil)
        #expect(try store.reports.gatewayTotals(from: day, to: day).map(key).contains("2026-10-03 openai gpt-4o standard 3 901 400 0 71 3"))
    }
}
