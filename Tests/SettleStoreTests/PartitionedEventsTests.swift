import Foundation
import Testing
import SettleCore
@testable import SettleStore
import SettleTestSupport

/// PostgreSQL's layout past one machine: events in monthly partitions, the request-id set a
/// table of its own. Only PostgreSQL has it; under CI=true the server is always there.
@Suite struct PartitionedEventsTests {
    func event(_ id: String, at ts: String) -> UsageEvent {
        UsageEvent(requestID: id, timestamp: Timestamp(rfc3339: ts)!, customerID: "cus_1", provider: "openai", model: "gpt-4o",
                   inputTokens: 100, outputTokens: 10, apiKeyID: "k1")
    }

    func partitions(_ url: String) throws -> [String: Int] {
        var out: [String: Int] = [:]
        for month in ["2026_09", "2026_10", "2026_11", "2026_12", "2027_03"] {
            let exists = try StoreKind.scalar(url, "SELECT to_regclass('usage_events_\(month)') IS NOT NULL") == "t"
            if exists { out[month] = Int(try StoreKind.scalar(url, "SELECT COUNT(*) FROM usage_events_\(month)") ?? "") ?? -1 }
        }
        return out
    }

    @Test func migratingAnUnpartitionedStoreKeepsEveryEventInItsMonthAndEveryIdInTheSet() throws {
        guard StoreKind.all.contains(.postgres) else { return }
        let dir = TempFolder()
        // A store as settle left it before the partitioned layout: migrations 1 to 12.
        let (_, url) = try StoreKind.postgres.makeEmptyDatabase(in: dir)
        try StoreKind.execute(url, "CREATE TABLE schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())")
        for step in PostgresMigrations.steps where step.version <= 12 {
            try StoreKind.execute(url, step.sql + "; INSERT INTO schema_migrations(version) VALUES (\(step.version))")
        }
        let instants = ["2026-09-30T23:59:59.999999Z", "2026-10-01T00:00:00Z", "2026-10-15T12:00:00Z", "2026-11-30T23:59:59Z",
                        "2026-12-01T00:00:00Z"]
        for (i, ts) in instants.enumerated() {
            let us = Timestamp(rfc3339: ts)!.microseconds
            try StoreKind.execute(url, """
                INSERT INTO usage_events (request_id, ts_us, customer_id, provider, model, input_tokens, cached_input_tokens,
                    cache_write_tokens, output_tokens, requests, tier, status, input_id)
                VALUES ('old\(i)', \(us), 'cus_1', 'openai', 'gpt-4o', 100, 0, 0, 10, 1, 'standard', 'ok', 1)
                """)
        }
        let store = try StoreOpener.open(url: url)
        #expect(try store.migrate() == [13, 14, 15, 16, 17, 18, 19])
        #expect(try store.eventCount() == 5)
        #expect(try partitions(url) == ["2026_09": 1, "2026_10": 2, "2026_11": 1, "2026_12": 1])
        #expect(try StoreKind.scalar(url, "SELECT COUNT(*) FROM request_ids") == "5")
        #expect(try StoreKind.scalar(url, "SELECT relkind FROM pg_class WHERE oid = 'usage_events'::regclass") == "p")

        // The set still decides: ids stored before the migration are duplicates, and a month
        // never seen gets its partition from the load.
        let load = try store.beginUsageLoad(runID: "r1", path: "late.jsonl", format: "jsonl")
        try load.append(event("old0", at: "2026-09-30T23:59:59.999999Z"))
        try load.append(event("old3", at: "2026-11-30T23:59:59Z"))
        try load.append(event("new1", at: "2027-03-31T23:59:59Z"))
        let counts = try load.commit(sha256: "s", bytes: 1, read: 3, quarantined: 0)
        #expect(counts.accepted == 1)
        #expect(counts.duplicates == 2)
        #expect(try partitions(url) == ["2026_09": 1, "2026_10": 2, "2026_11": 1, "2026_12": 1, "2027_03": 1])
        #expect(try store.usageTotals().first?.events == 6)
    }

    @Test func aRolledBackLoadLeavesItsIdsOutOfTheSet() throws {
        guard StoreKind.all.contains(.postgres) else { return }
        let dir = TempFolder()
        let (store, url) = try StoreKind.postgres.makeStore(in: dir)
        let load = try store.beginUsageLoad(runID: "r1", path: "a.jsonl", format: "jsonl")
        try load.append(event("a1", at: "2026-10-03T00:00:00Z"))
        load.rollback()
        #expect(try StoreKind.scalar(url, "SELECT COUNT(*) FROM request_ids") == "0")
        // The partition made for the load stays (it was made on a connection of its own): empty.
        #expect(try partitions(url) == ["2026_10": 0])
        let again = try store.beginUsageLoad(runID: "r2", path: "a.jsonl", format: "jsonl")
        try again.append(event("a1", at: "2026-10-03T00:00:00Z"))
        #expect(try again.commit(sha256: "s", bytes: 1, read: 1, quarantined: 0).accepted == 1)
    }

    /// Two loads that each hold an id the other wants: the server breaks the deadlock by
    /// rolling one back, and the error says it can be done again (the job then loads the file
    /// again from its start). The other load commits both ids.
    @Test func crossedLoadsEndInOneCommitAndOneTransientError() throws {
        guard StoreKind.all.contains(.postgres) else { return }
        let dir = TempFolder()
        let (first, url) = try StoreKind.postgres.makeStore(in: dir)
        let second = try StoreOpener.open(url: url)
        let a = try first.beginUsageLoad(runID: "r1", path: "a.jsonl", format: "jsonl")
        let b = try second.beginUsageLoad(runID: "r2", path: "b.jsonl", format: "jsonl")
        try a.append(event("x", at: "2026-10-03T00:00:00Z"))
        try b.append(event("y", at: "2026-10-03T00:00:00Z"))
        let outcomes = OutcomeBox()
        let group = DispatchGroup()
        for (load, id) in [(a, "y"), (b, "x")] {
            let box = LoadBox(load: load)
            DispatchQueue.global().async(group: group) {
                do {
                    try box.load.append(self.event(id, at: "2026-10-03T00:00:00Z"))
                    _ = try box.load.commit(sha256: id, bytes: 1, read: 2, quarantined: 0)
                    outcomes.add("committed")
                } catch let error as StoreError {
                    box.load.rollback()
                    outcomes.add(error.isTransient ? "transient" : "failed: \(error)")
                } catch {
                    outcomes.add("failed: \(error)")
                }
            }
        }
        group.wait()
        #expect(outcomes.sorted == ["committed", "transient"])
        #expect(try first.eventCount() == 2)
    }
}

private final class LoadBox: @unchecked Sendable {
    let load: any UsageLoad
    init(load: any UsageLoad) { self.load = load }
}

private final class OutcomeBox: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [String] = []
    func add(_ s: String) { lock.lock(); items.append(s); lock.unlock() }
    var sorted: [String] { lock.lock(); defer { lock.unlock() }; return items.sorted() }
}
