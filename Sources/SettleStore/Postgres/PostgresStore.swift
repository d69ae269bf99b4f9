#if canImport(Glibc)
import Glibc
#endif
import SettleCore

/// The production store: PostgreSQL over libpq.
///
/// The job lock is a session advisory lock keyed on the database and schema, so it ends with
/// the session if the process dies, and two installations sharing a server do not block each
/// other. Whoever holds it has said who they are in `application_name`, which is how a second
/// run names the holder.
public final class PostgresStore: SettleStore {
    let db: PGConnection
    let url: String
    public var displayURL: String { StoreOpener.redacted(url) }

    /// The advisory lock's first key: "settle" in a number.
    static let lockClass: Int32 = 0x5E77_1E

    public init(url: String) throws {
        self.url = url
        db = try PGConnection(url: url)
    }

    public func schemaVersion() throws -> Int {
        try db.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())")
        return Int(try db.query("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").int(0, 0))
    }

    @discardableResult
    public func migrate() throws -> [Int] {
        _ = try schemaVersion()
        return try db.transaction {
            // Two settle processes starting at once must not both run a step.
            try db.query("SELECT pg_advisory_xact_lock($1::int, hashtext(current_database() || '.' || current_schema() || '.migrate'))",
                         [String(Self.lockClass + 1)])
            let current = Int(try db.query("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").int(0, 0))
            if current > PostgresMigrations.latest {
                throw StoreError("the database \(displayURL) has schema version \(current), newer than this settle knows (\(PostgresMigrations.latest)); upgrade settle")
            }
            var applied: [Int] = []
            for step in PostgresMigrations.steps where step.version > current {
                try db.execute(step.sql)
                try db.query("INSERT INTO schema_migrations(version) VALUES ($1::int)", [String(step.version)])
                applied.append(step.version)
            }
            return applied
        }
    }

    public func acquireLock(job: String, runID: String) throws -> StoreLock {
        // application_name holds 63 bytes; the run ID already names the job.
        let holder = "settle pid=\(getpid()) run=\(runID)"
        try db.query("SELECT set_config('application_name', $1, false)", [holder])
        let key = "hashtext(current_database() || '.' || current_schema())"
        let got = try db.query("SELECT pg_try_advisory_lock($1::int, \(key))", [String(Self.lockClass)]).text(0, 0)
        guard got == "t" else {
            let rows = try db.query("""
                SELECT a.application_name, a.pid FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
                WHERE l.locktype = 'advisory' AND l.granted AND l.classid = $1::int::oid
                  AND l.objid = ((\(key))::bigint & 4294967295)::oid
                """, [String(Self.lockClass)])
            let name = rows.count > 0 ? (rows.text(0, 0) ?? "") : ""
            let backend = rows.count > 0 ? " (PostgreSQL backend \(rows.text(0, 1) ?? "?"))" : ""
            _ = try? db.query("SELECT set_config('application_name', 'settle', false)")
            throw LockHeld(holder: Self.describeHolder(name) + backend)
        }
        return PostgresLock(db: db, key: key)
    }

    /// "settle pid=123 run=20261122T031124Z-ingest-usage-f6dd" → "job ingest-usage, run …, pid 123".
    static func describeHolder(_ applicationName: String) -> String {
        let parts = applicationName.split(separator: " ")
        guard parts.first == "settle", parts.count == 3, parts[1].hasPrefix("pid="), parts[2].hasPrefix("run=") else {
            return applicationName.isEmpty ? "an unknown session" : "session \(applicationName)"
        }
        let pid = parts[1].dropFirst(4), run = parts[2].dropFirst(4)
        let pieces = run.split(separator: "-")
        guard pieces.count >= 3 else { return "run \(run), pid \(pid)" }
        return "job \(pieces[1..<(pieces.count - 1)].joined(separator: "-")), run \(run), pid \(pid)"
    }

    public func beginUsageLoad(runID: String, path: String, format: String, summing: DaySumming?) throws -> UsageLoad {
        try PostgresUsageLoad(db: db, runID: runID, path: path, format: format, summing: summing)
    }

    public func recordRunStart(_ run: RunRecord) throws {
        try db.query("INSERT INTO runs(run_id, job, started_at, status, parameters) VALUES ($1, $2, $3, 'running', $4)",
                     [run.runID, run.job, run.startedAt.description, RunParameters.encode(run.parameters)])
    }

    public func recordRunEnd(_ run: RunRecord) throws {
        try db.query("UPDATE runs SET finished_at = $1, status = $2, exit_code = $3::int, outputs = $4, message = $5 WHERE run_id = $6", [
            run.finishedAt?.description, run.status, run.exitCode.map { String($0) }, run.outputs.joined(separator: "\n"),
            run.message, run.runID,
        ])
    }

    @discardableResult
    public func markInterruptedRuns(finishedAt: Timestamp) throws -> Int {
        try db.query("UPDATE runs SET status = 'interrupted', finished_at = $1, message = 'the process ended before the run finished' WHERE status = 'running'",
                     [finishedAt.description]).affected
    }

    public func runs(last: Int) throws -> [RunRecord] {
        let rows = try db.query("""
            SELECT run_id, job, started_at, finished_at, status, exit_code, parameters, outputs, message
            FROM runs ORDER BY started_at DESC, run_id DESC LIMIT $1::int
            """, [String(last)])
        var out: [RunRecord] = []
        for r in 0..<rows.count {
            var run = RunRecord(
                runID: rows.text(r, 0)!, job: rows.text(r, 1)!, startedAt: Timestamp(rfc3339: rows.text(r, 2)!)!,
                finishedAt: rows.text(r, 3).flatMap { Timestamp(rfc3339: $0) }, status: rows.text(r, 4)!,
                exitCode: rows.text(r, 5).flatMap { Int32($0) }, parameters: RunParameters.decode(rows.text(r, 6) ?? ""),
                outputs: (rows.text(r, 7) ?? "").split(separator: "\n").map(String.init), message: rows.text(r, 8))
            let inputs = try db.query("""
                SELECT path, sha256, format, bytes, read, accepted, duplicates, quarantined, skipped, skipped_by
                FROM ingest_inputs WHERE run_id = $1 AND sha256 IS NOT NULL ORDER BY id
                """, [run.runID])
            run.inputs = (0..<inputs.count).map { i in
                InputTally(path: inputs.text(i, 0)!, sha256: inputs.text(i, 1)!, format: inputs.text(i, 2)!, bytes: inputs.int(i, 3),
                           read: Int(inputs.int(i, 4)), accepted: Int(inputs.int(i, 5)), duplicates: Int(inputs.int(i, 6)),
                           quarantined: Int(inputs.int(i, 7)), skipped: Int(inputs.int(i, 8)),
                           skippedBy: SkippedRows.decode(inputs.text(i, 9) ?? ""))
            }
            out.append(run)
        }
        return out
    }

    public func eventCount() throws -> Int { Int(try db.query("SELECT COUNT(*) FROM usage_events").int(0, 0)) }

    public func quarantineCount() throws -> Int { Int(try db.query("SELECT COUNT(*) FROM quarantine").int(0, 0)) }

    public func reportedCostTotal() throws -> ExactDecimal {
        // numeric sums decimal text exactly.
        ExactDecimal(try db.query("SELECT COALESCE(SUM(reported_cost::numeric), 0)::text FROM usage_events").text(0, 0) ?? "0") ?? .zero
    }

    public func usageTotals() throws -> [UsageTotal] {
        let rows = try db.query("""
            SELECT customer_id, provider, model, COUNT(*), SUM(input_tokens), SUM(cached_input_tokens),
                   SUM(cache_write_tokens), SUM(output_tokens), SUM(requests)
            FROM usage_events GROUP BY customer_id, provider, model
            ORDER BY customer_id COLLATE "C", provider COLLATE "C", model COLLATE "C"
            """)
        return (0..<rows.count).map { r in
            UsageTotal(customerID: rows.text(r, 0)!, provider: rows.text(r, 1)!, model: rows.text(r, 2)!, events: rows.int(r, 3),
                       inputTokens: rows.int(r, 4), cachedInputTokens: rows.int(r, 5), cacheWriteTokens: rows.int(r, 6),
                       outputTokens: rows.int(r, 7), requests: rows.int(r, 8))
        }
    }
}

final class PostgresLock: StoreLock {
    private let db: PGConnection
    private let key: String
    private var held = true

    init(db: PGConnection, key: String) {
        self.db = db
        self.key = key
    }

    func release() {
        guard held else { return }
        held = false
        _ = try? db.query("SELECT pg_advisory_unlock($1::int, \(key))", [String(PostgresStore.lockClass)])
        _ = try? db.query("SELECT set_config('application_name', 'settle', false)")
    }

    deinit { release() }
}
