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

        let fromEvents = try store.reconciliation.gatewayTotals(from: day, to: day.adding(days: 1)).map(key).sorted()
        #expect(fromEvents.count == 3)
        #expect(fromEvents.contains("2026-10-03 openai gpt-4o standard 2 900 400 0 70 2"))

        // A price change at noon splits the day in two stretches: the totals come per stretch
        // (reconciliation prices each at its own price), the same from the events and from the rows.
        let noon = Timestamp(rfc3339: "2026-10-03T12:00:00Z")!
        let cut: (UTCDay) -> [Timestamp] = { $0 == day ? [noon] : [] }
        func stretched(_ t: GatewayTotal) -> String { "\(t.stretchStart) " + key(t) }
        let splitFromEvents = try store.reconciliation.gatewayTotals(from: day, to: day.adding(days: 1), stretches: cut).map(stretched).sorted()
        #expect(splitFromEvents.contains("2026-10-03T00:00:00Z 2026-10-03 openai gpt-4o standard 1 600 400 0 50 1"))
        #expect(splitFromEvents.contains("2026-10-03T12:00:00Z 2026-10-03 openai gpt-4o standard 1 300 0 0 20 1"))
        try store.periods.rollUp(day: day, stretches: [noon], at: day.start)
        try store.periods.replace([], clearingPending: [day])
        #expect(try store.periods.dailyRows(from: day, to: day).count == 3)
        #expect(try store.reconciliation.gatewayTotals(from: day, to: day.adding(days: 1), stretches: cut).map(stretched).sorted() == splitFromEvents)
        // Rows split otherwise than the book says now are not trusted: the totals come from the events.
        #expect(try store.reconciliation.gatewayTotals(from: day, to: day).map(stretched).sorted()
                == ["2026-10-03T00:00:00Z 2026-10-03 openai gpt-4o batch 1 7 0 0 3 1", "2026-10-03T00:00:00Z 2026-10-03 openai gpt-4o standard 2 900 400 0 70 2"])
        let latency = try store.periods.latencyHistogram(from: day, to: day).map { "\($0.latencyMs):\($0.events)" }.sorted()
        #expect(latency == ["4300:1", "810:1", "95:1"])

        // New events on the day make it pending again: its totals come from the events.
        let late = try store.beginUsageLoad(runID: "r2", path: "b.jsonl", format: "jsonl")
        try late.append(event("e5", at: "2026-10-03T18:00:00Z", input: 1, output: 1))
        _ = try late.commit(sha256: "b", bytes: 1, read: 1, quarantined: 0, days: [day], inbox: nil)
        #expect(try store.reconciliation.gatewayTotals(from: day, to: day).map(key).contains("2026-10-03 openai gpt-4o standard 3 901 400 0 71 3"))
    }

    func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }

    func row(_ r: UsageDailyRow) -> String {
        "\(r.day) \(r.stretchStart) \(r.customerID) \(r.provider) \(r.model) \(r.tier) \(r.serviceID) \(r.status) "
            + "\(r.events) \(r.inputTokens) \(r.cachedInputTokens) \(r.cacheWriteTokens) \(r.outputTokens) \(r.requests)"
    }

    /// What the day's rows would be if summed from its stored events now.
    func rowsFromEvents(_ store: any SettleStore, _ day: UTCDay, stretches: [Timestamp]) throws -> [String] {
        try store.periods.rollUp(day: day, stretches: stretches, at: day.start)
        return try store.periods.dailyRows(from: day, to: day).map(row).sorted()
    }

    /// A day of thousands of rows (PostgreSQL stages them and adds them in one statement):
    /// two loads' sums add up to the rows summed from the events.
    @Test(arguments: StoreKind.all)
    func manyRowsAddUpAcrossLoads(kind: StoreKind) throws {
        let dir = TempFolder()
        let (store, _) = try kind.makeStore(in: dir)
        let day = UTCDay("2026-10-03")!, next = day.adding(days: 1)
        let flat = DaySumming(stretches: { _ in [] }, now: day.start)
        for (n, prefix) in [(0, "a"), (1, "b")] {
            // Two days of 1,500 rows each in one load: the staging table serves both.
            let load = try store.beginUsageLoad(runID: "r\(n)", path: "\(prefix).jsonl", format: "jsonl", summing: flat)
            var batch = UsageEventBatch()
            for i in 0..<3_000 {
                batch.append(event("\(prefix)\(i)", at: "2026-10-0\(3 + i % 2)T\(two(i % 24)):00:00Z", customer: "cus_\(i / 2)",
                                   input: Int64(10 + i + n), output: Int64(i % 17), latency: Int64(i % 400)))
            }
            try load.append(batch)
            _ = try load.commit(sha256: prefix, bytes: 1, read: 3_000, quarantined: 0, days: [day, next], inbox: nil)
        }
        #expect(try store.periods.currentDays(from: day, to: next, stretches: { _ in [] }) == [day, next])
        for d in [day, next] {
            let loaded = try store.periods.dailyRows(from: d, to: d).map(row).sorted()
            #expect(loaded.count == 1_500)
            #expect(loaded == (try rowsFromEvents(store, d, stretches: [])))
        }
    }

    /// Loads keep a day's rows current as they store events: a new day gets the load's sums, a
    /// current day gets them added (duplicates, in the file or stored before, count once), and a
    /// day whose rows were split at other price stretches, or a load that cannot sum, leaves the
    /// day for aggregate to roll up from its events.
    @Test(arguments: StoreKind.all)
    func loadsKeepTheDailyRowsOfTheirDaysCurrent(kind: StoreKind) throws {
        let dir = TempFolder()
        let (store, _) = try kind.makeStore(in: dir)
        let day = UTCDay("2026-10-03")!, next = day.adding(days: 1)
        let noon = Timestamp(rfc3339: "2026-10-03T12:00:00Z")!
        let flat = DaySumming(stretches: { _ in [] }, now: day.start)

        // A new day: the load's sums are its rows at once, split nowhere.
        let first = try store.beginUsageLoad(runID: "r1", path: "a.jsonl", format: "jsonl", summing: flat)
        var batch = UsageEventBatch()
        for i in 0..<40 {   // more than one 32-row statement
            batch.append(event("a\(i)", at: "2026-10-03T\(two(i % 24)):10:00Z", customer: "cus_\(i % 3)",
                               input: Int64(100 + i), cached: Int64(i), output: Int64(i * 2), status: i % 7 == 0 ? .error : .ok,
                               latency: Int64(90 + i * 37)))
        }
        batch.append(event("a39", at: "2026-10-03T05:00:00Z", input: 999, output: 999))   // repeated in the file: not counted
        try first.append(batch)
        try first.append(event("b0", at: "2026-10-04T00:30:00Z", input: 5, output: 6))
        _ = try first.commit(sha256: "a", bytes: 1, read: 42, quarantined: 0, days: [day, next], inbox: nil)
        let summed = try store.periods.dailyRows(from: day, to: day).map(row).sorted()
        #expect(summed.count == 6, "3 customers × ok/error")
        #expect(try store.periods.rolledUpDays(from: day, to: next) == [day, next])
        #expect(try store.periods.currentDays(from: day, to: next, stretches: { _ in [] }) == [day, next])
        let latencyLoaded = try store.periods.latencyHistogram(from: day, to: day).map { "\($0.latencyMs):\($0.events)" }.sorted()
        #expect(summed == (try rowsFromEvents(store, day, stretches: [])))
        #expect(latencyLoaded == (try store.periods.latencyHistogram(from: day, to: day).map { "\($0.latencyMs):\($0.events)" }.sorted()))

        // A current day: a later load's new events are added to its rows; ids stored before,
        // inside a 32-row statement, are not.
        let second = try store.beginUsageLoad(runID: "r2", path: "b.jsonl", format: "jsonl", summing: flat)
        var more = UsageEventBatch()
        for i in 30..<70 {
            more.append(event("a\(i)", at: "2026-10-03T20:\(two(i % 60)):00Z", customer: "cus_\(i % 4)",
                              input: 7, output: 3, latency: 120))
        }
        try second.append(more)
        let counts = try second.commit(sha256: "b", bytes: 1, read: 40, quarantined: 0, days: [day], inbox: nil)
        #expect(counts.accepted == 30 && counts.duplicates == 10)
        let merged = try store.periods.dailyRows(from: day, to: day).map(row).sorted()
        #expect(merged.contains { $0.contains(" cus_3 ") }, "a new customer on the day gets a row")
        #expect(merged == (try rowsFromEvents(store, day, stretches: [])))
        #expect(try store.periods.dailyRows(from: day, to: day).reduce(0) { $0 + $1.events } == 40 + 30)

        // Prices now change at noon: rows split nowhere are not added to; the day is left for
        // aggregate, which splits it at noon.
        let split = DaySumming(stretches: { $0 == day ? [noon] : [] }, now: day.start)
        let third = try store.beginUsageLoad(runID: "r3", path: "c.jsonl", format: "jsonl", summing: split)
        try third.append(event("c0", at: "2026-10-03T13:00:00Z", input: 1, output: 1))
        _ = try third.commit(sha256: "c", bytes: 1, read: 1, quarantined: 0, days: [day], inbox: nil)
        #expect(try store.periods.rolledUpDays(from: day, to: day).isEmpty)
        #expect(try store.reconciliation.gatewayTotals(from: day, to: day).reduce(0) { $0 + $1.events } == 71, "totals from the events")
        let resplit = try rowsFromEvents(store, day, stretches: [noon])
        #expect(resplit.contains { $0.contains(" \(noon) ") })
        #expect(try store.periods.currentDays(from: day, to: day, stretches: { _ in [noon] }) == [day])
        #expect(try store.periods.currentDays(from: day, to: day, stretches: { _ in [] }).isEmpty, "a price change makes the rows stale")

        // A load that cannot sum (no price book) leaves its days for aggregate.
        let fourth = try store.beginUsageLoad(runID: "r4", path: "d.jsonl", format: "jsonl")
        try fourth.append(event("d0", at: "2026-10-04T09:00:00Z", input: 1, output: 1))
        _ = try fourth.commit(sha256: "d", bytes: 1, read: 1, quarantined: 0, days: [next], inbox: nil)
        #expect(try store.periods.rolledUpDays(from: next, to: next).isEmpty)
        #expect(try store.periods.rolledUpDays(from: day, to: day) == [day])
    }
}
