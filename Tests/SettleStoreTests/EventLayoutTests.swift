import Foundation
import Testing
import SettleCore
@testable import SettleStore
import SettleTestSupport

/// Schema 14's event rows (`StoredEvents`): binary request ids and a key per name set, on both
/// stores. Every id shape comes back exactly, one id has one stored form (so dedupe holds
/// across the conversion and across shapes), and a store of schema 13 is converted event for
/// event.
@Suite struct EventLayoutTests {
    /// Ids as gateways and providers write them: packed (even and odd hex runs, no prefix) and
    /// kept as text (base62, uppercase hex, short).
    static let ids = [
        "req_01a1705c49d40d388ec2144bd3cf", "req_01a1705c49d40d388ec2144bd3c", "0123456789abcdef0123456789abcdef",
        "chatcmpl-AbCdEf0123456789", "REQ_0123456789ABCDEF0123", "msg_01XFDUDYJgAACzvnptvVoYEL", "x", "ключ_0123456789abcdef",
    ]

    func event(_ id: String, _ i: Int, service: String? = nil) -> UsageEvent {
        UsageEvent(requestID: id, timestamp: Timestamp(rfc3339: "2026-10-0\(1 + i % 5)T10:00:00Z")!, customerID: "cus_\(i % 3)",
                   provider: "openai", model: "gpt-4o", inputTokens: 100 + Int64(i), cachedInputTokens: i % 2 == 0 ? 0 : 7,
                   outputTokens: 10, apiKeyID: i % 2 == 0 ? nil : "k\(i)", serviceID: service)
    }

    func storedIDs(_ url: String) throws -> [String] {
        try StateDump.rows(url: url, "SELECT request_id FROM usage_events_named").map { $0[0] }.sorted()
    }

    @Test(arguments: StoreKind.all)
    func everyIdShapeComesBackExactlyAndIsADuplicateTheSecondTime(kind: StoreKind) throws {
        let dir = TempFolder()
        let (store, url) = try kind.makeStore(in: dir)
        let load = try store.beginUsageLoad(runID: "r1", path: "a.jsonl", format: "jsonl")
        for (i, id) in Self.ids.enumerated() { try load.append(event(id, i, service: i == 2 ? "svc" : nil)) }
        #expect(try load.commit(sha256: "a", bytes: 1, read: Self.ids.count, quarantined: 0).accepted == Self.ids.count)
        #expect(try storedIDs(url) == Self.ids.sorted())
        let length = kind == .sqlite ? "length" : "octet_length"
        // One byte for the prefix and fourteen for 28 hex digits (req_01a1…cf); the odd run packs 26
        // digits after "req_0"; base62, uppercase and short ids keep their text after a zero byte.
        #expect(try StoreKind.scalarAny(url, "SELECT COUNT(*) FROM usage_events WHERE \(length)(request_id) = 15") == "1")
        #expect(try StoreKind.scalarAny(url, "SELECT COUNT(*) FROM usage_events WHERE \(length)(request_id) = 14") == "1")
        #expect(try StoreKind.scalarAny(url, "SELECT COUNT(*) FROM usage_events WHERE \(length)(request_id) = 2") == "1")
        #expect(try StoreKind.scalarAny(url, "SELECT COUNT(*) FROM usage_callers WHERE id < 0") == "1")
        #expect(try store.usageTotals().reduce(0) { $0 + $1.cachedInputTokens } == 7 * 4)

        let again = try store.beginUsageLoad(runID: "r2", path: "b.jsonl", format: "jsonl")
        for (i, id) in Self.ids.enumerated() { try again.append(event(id, i)) }
        try again.append(event("req_ffffffffffffffffffffffffffff", 9))
        let counts = try again.commit(sha256: "b", bytes: 1, read: Self.ids.count + 1, quarantined: 0)
        #expect(counts.accepted == 1)
        #expect(counts.duplicates == Self.ids.count)
    }

    @Test(arguments: StoreKind.all)
    func aStoreOfSchema13IsConvertedEventForEvent(kind: StoreKind) throws {
        let dir = TempFolder()
        let (_, url) = try kind.makeEmptyDatabase(in: dir)
        let postgres = kind == .postgres
        try StoreKind.tamper(url, postgres
            ? "CREATE TABLE schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())"
            : "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL DEFAULT '')")
        let steps: [(version: Int, sql: String)] = postgres ? PostgresMigrations.steps : SQLiteMigrations.steps
        for step in steps where step.version <= 13 {
            try StoreKind.tamper(url, step.sql + "; INSERT INTO schema_migrations(version) VALUES (\(step.version))")
        }
        if postgres {
            let (from, to) = EventPartitions.bounds(PeriodMonth("2026-10")!)
            try StoreKind.tamper(url, "CREATE TABLE usage_events_2026_10 PARTITION OF usage_events FOR VALUES FROM (\(from)) TO (\(to))")
        }
        for (i, id) in Self.ids.enumerated() {
            let e = event(id, i, service: i == 2 ? "svc" : nil)
            try StoreKind.tamper(url, """
                INSERT INTO usage_events (request_id, ts_us, customer_id, provider, model, input_tokens, cached_input_tokens,
                    cache_write_tokens, output_tokens, requests, tier, status, api_key_id, service_id, latency_ms, input_id,
                    reported_cost, cache_write_1h_tokens)
                VALUES ('\(id)', \(e.timestamp.microseconds), '\(e.customerID)', 'openai', 'gpt-4o', \(e.inputTokens), \(e.cachedInputTokens),
                    0, 10, 1, 'standard', 'ok', \(e.apiKeyID.map { "'\($0)'" } ?? "NULL"), \(e.serviceID.map { "'\($0)'" } ?? "NULL"),
                    250, 3, '0.0019182000000000001', 0)
                """)
            if postgres { try StoreKind.tamper(url, "INSERT INTO request_ids VALUES ('\(id)')") }
        }
        // An archived month's id: in the set (PostgreSQL) or the archived ids (SQLite) only.
        try StoreKind.tamper(url, postgres ? "INSERT INTO request_ids VALUES ('req_0000000000000000000000000001')"
                                           : "INSERT INTO archived_request_ids VALUES ('req_0000000000000000000000000001')")

        let store = try StoreOpener.open(url: url)
        #expect(try store.migrate() == [14, 15, 16, 17, 18, 19])
        #expect(try storedIDs(url) == Self.ids.sorted())
        #expect(try store.eventCount() == Self.ids.count)
        let totals = try store.usageTotals()
        #expect(totals.reduce(0) { $0 + $1.inputTokens } == Int64(Self.ids.count * 100 + (0..<Self.ids.count).reduce(0, +)))
        #expect(totals.reduce(0) { $0 + $1.cachedInputTokens } == 7 * 4)
        #expect(try store.reportedCostTotal() == ExactDecimal("0.0019182000000000001")! * ExactDecimal(Int64(Self.ids.count)))
        #expect(try StoreKind.scalarAny(url, "SELECT COUNT(*) FROM usage_events_named WHERE service_id = 'svc' AND latency_ms = 250 AND input_id = 3") == "1")

        // The converted ids, the archived one among them, are the ids the store knows.
        let load = try store.beginUsageLoad(runID: "r1", path: "late.jsonl", format: "jsonl")
        for (i, id) in Self.ids.enumerated() { try load.append(event(id, i)) }
        try load.append(event("req_0000000000000000000000000001", 1))
        try load.append(event("req_0000000000000000000000000002", 1))
        let counts = try load.commit(sha256: "s", bytes: 1, read: Self.ids.count + 2, quarantined: 0)
        #expect(counts.accepted == 1)
        #expect(counts.duplicates == Self.ids.count + 1)
    }
}
