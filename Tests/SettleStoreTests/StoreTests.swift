import Foundation
import Testing
import SettleCore
import SettleStore
import SettleTestSupport

@Suite struct StoreTests {
    func event(_ id: String, customer: String = "cus_1", input: Int64 = 100, output: Int64 = 10) -> UsageEvent {
        UsageEvent(requestID: id, timestamp: Timestamp(rfc3339: "2026-10-03T12:00:00Z")!, customerID: customer,
                   provider: "openai", model: "gpt-4o", inputTokens: input, outputTokens: output, apiKeyID: "k1")
    }

    @Test(arguments: StoreKind.all)
    func migrationsAreVersionedAndIdempotent(kind: StoreKind) throws {
        let dir = TempFolder()
        let (store, url) = try kind.makeStore(in: dir)
        #expect(try store.schemaVersion() == 19)
        #expect(try store.migrate() == [])
        if kind == .postgres {
            // Issued documents are compressed with lz4 (Debian's server is built with it).
            #expect(try StoreKind.scalar(url, "SELECT attcompression FROM pg_attribute WHERE attrelid = 'invoices'::regclass AND attname = 'document'") == "l")
        }
    }

    /// Migration 17: no stored value stands for another. A schema-16 store's "stale" day mark
    /// becomes an incomplete day, and its "k=v,k=v" calls per provider become rows that read back
    /// as the same limits' counts.
    @Test(arguments: StoreKind.all)
    func migration17TurnsSentinelsAndPairsIntoColumnsAndRows(kind: StoreKind) throws {
        let dir = TempFolder()
        let (store, url) = try kind.makeStore(in: dir)
        let period = BillingPeriod(month: PeriodMonth("2026-10")!, billingDay: 1)
        var t = PeriodTotals(customerID: "cus_1", period: period, plan: "pro", asOf: UTCDay("2026-10-05")!)
        t.calls = 12
        try store.periods.replace([UsagePeriods.Replacement(totals: t, billingDay: 1, lines: [], trials: [])])
        // What schema 16 left: the text column with two providers, a stale day and a current one.
        try StoreKind.tamper(url, """
            DROP TABLE period_calls; ALTER TABLE usage_daily_days DROP COLUMN complete;
            ALTER TABLE bill_lines DROP COLUMN exchange_rate; ALTER TABLE reconciliation_cells DROP COLUMN exchange_rates; DROP TABLE payments; DROP TABLE reminders; DROP TABLE journal_lines; DROP TABLE journal_months;
            ALTER TABLE invoices DROP COLUMN currency; ALTER TABLE invoices DROP COLUMN due_date; ALTER TABLE invoices DROP COLUMN amount_due; ALTER TABLE invoices DROP COLUMN adjusts;
            ALTER TABLE period_totals ADD COLUMN calls_by_provider TEXT NOT NULL DEFAULT '';
            UPDATE period_totals SET calls_by_provider = 'google=3,openai=9' WHERE customer_id = 'cus_1';
            INSERT INTO usage_daily_days(day, computed_at, stretches) VALUES ('2026-10-02', '2026-10-03T00:00:00Z', 'stale');
            INSERT INTO usage_daily_days(day, computed_at, stretches) VALUES ('2026-10-03', '2026-10-04T00:00:00Z', '');
            DELETE FROM schema_migrations WHERE version >= 17;
            """)
        let reopened = try StoreOpener.open(url: url)
        #expect(try reopened.migrate() == [17, 18, 19])
        let totals = try reopened.periods.totals()
        #expect(totals.count == 1)
        #expect(totals.first?.callsByProvider == ["google": 3, "openai": 9])
        #expect(totals.first?.calls == 12)
        let days = UTCDay("2026-10-01")!
        #expect(try reopened.periods.currentDays(from: days, to: UTCDay("2026-10-31")!, stretches: { _ in [] }) == [UTCDay("2026-10-03")!])
        #expect(try reopened.periods.rolledUpDays(from: days, to: UTCDay("2026-10-31")!) == [UTCDay("2026-10-03")!])
        // Written again, the counts stay rows: a provider name with a comma or "=" is one name.
        t.callsByProvider = ["a,b=c": 4]
        try reopened.periods.replace([UsagePeriods.Replacement(totals: t, billingDay: 1, lines: [], trials: [])])
        #expect(try reopened.periods.totals().first?.callsByProvider == ["a,b=c": 4])
    }

    @Test(arguments: StoreKind.all)
    func aLoadCountsDuplicatesWithinItAndAgainstEarlierLoads(kind: StoreKind) throws {
        let dir = TempFolder()
        let (store, _) = try kind.makeStore(in: dir)
        let first = try store.beginUsageLoad(runID: "r1", path: "a.jsonl", format: "jsonl")
        try first.append(event("e1"))
        try first.append(event("e2"))
        try first.append(event("e1", input: 999))
        let a = try first.commit(sha256: "aaa", bytes: 10, read: 3, quarantined: 0)
        #expect(a.accepted == 2)
        #expect(a.duplicates == 1)

        let second = try store.beginUsageLoad(runID: "r2", path: "b.jsonl", format: "jsonl")
        try second.append(event("e2"))
        try second.append(event("e3"))
        let b = try second.commit(sha256: "bbb", bytes: 10, read: 2, quarantined: 0)
        #expect(b.accepted == 1)
        #expect(b.duplicates == 1)
        #expect(try store.eventCount() == 3)
        // The first copy of e1 wins: a later duplicate never changes a stored event.
        #expect(try store.usageTotals().first?.inputTokens == 300)
    }

    /// Ids longer than the recent-id window's slots are never caught before the store: two
    /// copies of one in a batch still store one event, counted once.
    @Test(arguments: StoreKind.all)
    func aLongIdTwiceInOneBatchIsStoredOnce(kind: StoreKind) throws {
        let dir = TempFolder()
        let (store, _) = try kind.makeStore(in: dir)
        let long = "req_" + String(repeating: "0123456789abcdef", count: 5)
        let load = try store.beginUsageLoad(runID: "r1", path: "a.jsonl", format: "jsonl")
        var batch = UsageEventBatch(capacity: 3)
        batch.append(event(long, input: 100))
        batch.append(event("short", input: 5))
        batch.append(event(long, input: 999))
        try load.append(batch)
        let counts = try load.commit(sha256: "s", bytes: 1, read: 3, quarantined: 0)
        #expect(counts.accepted == 2)
        #expect(counts.duplicates == 1)
        #expect(try store.eventCount() == 2)
        // The first copy wins.
        #expect(try store.usageTotals().first?.inputTokens == 105)
    }

    @Test(arguments: StoreKind.all)
    func aRolledBackLoadLeavesNothingAndItsIdsUnseen(kind: StoreKind) throws {
        let dir = TempFolder()
        let (store, _) = try kind.makeStore(in: dir)
        let load = try store.beginUsageLoad(runID: "r1", path: "a.jsonl", format: "jsonl")
        try load.append(event("e1"))
        try load.quarantine(QuarantinedRowRecord(source: "a.jsonl", line: 2, reason: "not_json: x", raw: "{"))
        load.rollback()
        #expect(try store.eventCount() == 0)
        #expect(try store.quarantineCount() == 0)
        let again = try store.beginUsageLoad(runID: "r2", path: "a.jsonl", format: "jsonl")
        try again.append(event("e1"))
        #expect(try again.commit(sha256: "aaa", bytes: 1, read: 1, quarantined: 0).accepted == 1)
    }

    @Test(arguments: StoreKind.all)
    func theSameFileQuarantinedTwiceIsKeptOnce(kind: StoreKind) throws {
        let dir = TempFolder()
        let (store, _) = try kind.makeStore(in: dir)
        for run in ["r1", "r2"] {
            let load = try store.beginUsageLoad(runID: run, path: "a.jsonl", format: "jsonl")
            try load.quarantine(QuarantinedRowRecord(source: "a.jsonl", line: 2, reason: "not_json: x", raw: "{"))
            try load.quarantine(QuarantinedRowRecord(source: "a.jsonl", line: 5, reason: "missing_field: ts is required", raw: "{}"))
            _ = try load.commit(sha256: "same", bytes: 4, read: 2, quarantined: 2)
        }
        #expect(try store.quarantineCount() == 2)
    }

    @Test(arguments: StoreKind.all)
    func aSecondLockHolderIsRefusedWithTheHolderNamed(kind: StoreKind) throws {
        let dir = TempFolder()
        let (store, url) = try kind.makeStore(in: dir)
        let runA = "20261101T030000Z-ingest-usage-aaaa", runB = "20261101T030001Z-ingest-usage-bbbb"
        let lock = try store.acquireLock(job: "ingest-usage", runID: runA)
        let other = try StoreOpener.open(url: url)
        #expect {
            _ = try other.acquireLock(job: "ingest-usage", runID: runB)
        } throws: { error in
            guard let held = error as? LockHeld else { return false }
            return held.description.contains("job ingest-usage, run \(runA), pid \(getpid())")
        }
        lock.release()
        let next = try other.acquireLock(job: "ingest-usage", runID: runB)
        next.release()
    }

    @Test(arguments: StoreKind.all)
    func runsAreRecordedAndInterruptedOnesMarked(kind: StoreKind) throws {
        let dir = TempFolder()
        let (store, _) = try kind.makeStore(in: dir)
        let t0 = Timestamp(rfc3339: "2026-11-01T03:00:00Z")!
        var killed = RunRecord(runID: "r-killed", job: "ingest-usage", startedAt: t0, parameters: ["paths": "a.jsonl"])
        try store.recordRunStart(killed)
        var done = RunRecord(runID: "r-done", job: "ingest-usage", startedAt: Timestamp(microseconds: t0.microseconds + 60_000_000))
        try store.recordRunStart(done)
        let load = try store.beginUsageLoad(runID: "r-done", path: "a.jsonl", format: "jsonl")
        try load.append(event("e1"))
        _ = try load.commit(sha256: "abc", bytes: 9, read: 1, quarantined: 0)
        done.finishedAt = Timestamp(microseconds: t0.microseconds + 61_000_000)
        done.status = .succeeded
        done.exitCode = 0
        try store.recordRunEnd(done)
        #expect(try store.markInterruptedRuns(finishedAt: t0) == 1)

        let runs = try store.runs(last: 10)
        #expect(runs.map(\.runID) == ["r-done", "r-killed"])
        #expect(runs[0].status == .succeeded)
        #expect(runs[0].inputs == [InputTally(path: "a.jsonl", sha256: "abc", format: "jsonl", bytes: 9, read: 1, accepted: 1, duplicates: 0, quarantined: 0)])
        #expect(runs[1].status == .interrupted)
        #expect(runs[1].parameters == ["paths": "a.jsonl"])
        killed.status = .interrupted
        #expect(runs[1].status == killed.status)
    }

    @Test func passwordsNeverShowInADisplayedURL() {
        #expect(StoreOpener.redacted("postgres://settle:s3cret@db.example:5432/settle") == "postgres://settle:***@db.example:5432/settle")
        #expect(StoreOpener.redacted("host=/tmp dbname=settle password=s3cret") == "host=/tmp dbname=settle password=***")
        // libpq's key = value forms, spaced or quoted.
        #expect(StoreOpener.redacted("host=/tmp password = s3cret dbname=settle") == "host=/tmp password = *** dbname=settle")
        #expect(StoreOpener.redacted("host=/tmp password='s3 cr\\'et' dbname=settle") == "host=/tmp password=*** dbname=settle")
        #expect(StoreOpener.redacted("dbname=passwords user=u") == "dbname=passwords user=u")
        #expect(StoreOpener.redacted("sqlite:var/settle.sqlite") == "sqlite:var/settle.sqlite")
    }
}

@Suite struct RedactionTests {
    @Test func passwordsInQueryStringsAndKeyValueStringsAreHidden() {
        #expect(StoreOpener.redacted("postgresql:///settle?host=/tmp&password=s3cret&user=u") == "postgresql:///settle?host=/tmp&password=***&user=u")
        #expect(StoreOpener.redacted("postgres://u:p%40ss@h/db?sslmode=require") == "postgres://u:***@h/db?sslmode=require")
        #expect(StoreOpener.redacted("host=h PASSWORD=x dbname=d") == "host=h PASSWORD=*** dbname=d")
        #expect(StoreOpener.isPostgres("host=/run/postgresql dbname=settle"))
        #expect(!StoreOpener.isPostgres("sqlite:var/settle.sqlite"))
    }
}

@Suite struct StoredTextTests {
    /// Text with COPY's special characters and SQL quotes survives both stores unchanged.
    @Test(arguments: StoreKind.all)
    func awkwardTextIsStoredExactly(kind: StoreKind) throws {
        let dir = TempFolder()
        let (store, _) = try kind.makeStore(in: dir)
        let load = try store.beginUsageLoad(runID: "r", path: "a.jsonl", format: "jsonl")
        let awkward = "tab\there\\back\nslash 'quote' \"dq\" é"
        try load.append(UsageEvent(requestID: "id\t1", timestamp: Timestamp(rfc3339: "2026-10-03T12:00:00Z")!, customerID: awkward,
                                   provider: "openai", model: "m\r\n", inputTokens: 5, outputTokens: 1))
        try load.append(UsageEvent(requestID: "id\t1", timestamp: Timestamp(rfc3339: "2026-10-03T12:00:00Z")!, customerID: "other",
                                   provider: "openai", model: "m", inputTokens: 7, outputTokens: 1))
        let counts = try load.commit(sha256: "s", bytes: 1, read: 2, quarantined: 0)
        #expect(counts.accepted == 1)
        #expect(counts.duplicates == 1)
        let totals = try store.usageTotals()
        #expect(totals.map(\.customerID) == [awkward])
        #expect(totals.map(\.model) == ["m\r\n"])
    }

    @Test(arguments: StoreKind.all)
    func aStoredValueThatCannotBeReadIsAnErrorNamingItsColumnNotACrash(kind: StoreKind) throws {
        let dir = TempFolder()
        let (store, url) = try kind.makeStore(in: dir)
        let day = UTCDay("2026-10-25")!
        let cell = ReconciliationCell(day: day, provider: "openai", model: "gpt-4o", tier: .standard, tokenType: .input, gatewayQuantity: 1,
                                      billedQuantity: 1, expectedCost: nil, billedCost: nil, status: .unpriced, moneyAtRisk: .zero)
        try store.reconciliation.replaceReconciliation(from: day, to: day, cells: [cell], runID: "r1")
        try store.recordRunStart(RunRecord(runID: "r1", job: "reconcile", startedAt: day.start))
        #expect(try store.runs(last: 5).map(\.runID) == ["r1"])
        try StoreKind.tamper(url, "UPDATE reconciliation_cells SET through_day = '2026-13-45'")
        try StoreKind.tamper(url, "UPDATE runs SET started_at = 'yesterday'")
        let cells = #expect(throws: StoreError.self) { try store.reconciliation.reconciliationCells(from: day, to: day.adding(days: 400)) }
        #expect(cells?.description.contains("reconciliation_cells.through_day") == true, "\(String(describing: cells))")
        let runs = #expect(throws: StoreError.self) { try store.runs(last: 5) }
        #expect(runs?.description.contains("runs.started_at") == true, "\(String(describing: runs))")
        #expect(runs?.description.contains("yesterday") == false)
        #expect(runs?.detail == "runs.started_at = \"yesterday\"")
    }
}
