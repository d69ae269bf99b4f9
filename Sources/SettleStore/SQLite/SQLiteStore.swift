#if canImport(Glibc)
import Glibc
#endif
import CSQLite
import SettleCore

/// The embedded store: one SQLite file, nothing to install or start.
///
/// WAL mode lets `settle runs` read while a job writes; `synchronous=NORMAL` keeps a committed
/// transaction safe across a process crash (kill -9) and costs no fsync per commit.
public final class SQLiteStore: SettleStore {
    let db: SQLiteConnection
    let path: String
    public var displayURL: String { "sqlite:\(path)" }

    public init(path: String) throws {
        self.path = path
        if path != ":memory:" {
            let dir = path.contains("/") ? String(path[..<path.lastIndex(of: "/")!]) : "."
            if !dir.isEmpty && dir != "." { try Self.makeDirectories(dir) }
        }
        db = try SQLiteConnection(path: path)
        // 8 KiB pages suit wide event rows; the setting only takes effect on a new database.
        try db.execute("""
            PRAGMA page_size=8192;
            PRAGMA journal_mode=WAL;
            PRAGMA synchronous=NORMAL;
            PRAGMA busy_timeout=10000;
            PRAGMA temp_store=MEMORY;
            PRAGMA cache_size=-65536;
            """)
    }

    private static func makeDirectories(_ dir: String) throws {
        var current = dir.hasPrefix("/") ? "" : "."
        for part in dir.split(separator: "/") {
            current += "/" + part
            if mkdir(current, 0o755) != 0 && errno != EEXIST {
                throw StoreError("cannot create the folder \(current) for the database: \(String(cString: strerror(errno)))")
            }
        }
    }

    public func schemaVersion() throws -> Int {
        try db.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)")
        return Int(try db.query("SELECT COALESCE(MAX(version), 0) FROM schema_migrations") { $0.int(0) }.first ?? 0)
    }

    @discardableResult
    public func migrate() throws -> [Int] {
        let current = try schemaVersion()
        if current > SQLiteMigrations.latest {
            throw StoreError("the database \(path) has schema version \(current), newer than this settle knows (\(SQLiteMigrations.latest)); upgrade settle")
        }
        var applied: [Int] = []
        for step in SQLiteMigrations.steps where step.version > current {
            try db.transaction {
                try db.execute(step.sql)
                try db.run("INSERT INTO schema_migrations(version, applied_at) VALUES (?, datetime('now'))", [.int(Int64(step.version))])
            }
            applied.append(step.version)
        }
        return applied
    }

    public func acquireLock(job: String, runID: String) throws -> StoreLock {
        guard path != ":memory:" else { return NoLock() }
        return try FileLock.acquire(path: path + ".lock", holder: "job \(job), run \(runID), pid \(getpid())")
    }

    public func beginUsageLoad(runID: String, path: String, format: String, summing: DaySumming?) throws -> UsageLoad {
        try SQLiteUsageLoad(db: db, runID: runID, path: path, format: format, summing: summing)
    }

    public func recordRunStart(_ run: RunRecord) throws {
        try db.run("INSERT INTO runs(run_id, job, started_at, status, parameters) VALUES (?, ?, ?, 'running', ?)",
                   [.text(run.runID), .text(run.job), .text(run.startedAt.description), .text(RunParameters.encode(run.parameters))])
    }

    public func recordRunEnd(_ run: RunRecord) throws {
        try db.run("UPDATE runs SET finished_at = ?, status = ?, exit_code = ?, outputs = ?, message = ? WHERE run_id = ?", [
            .optional(run.finishedAt?.description), .text(run.status), .optional(run.exitCode.map(Int64.init)),
            .text(run.outputs.joined(separator: "\n")), .optional(run.message), .text(run.runID),
        ])
    }

    @discardableResult
    public func markInterruptedRuns(finishedAt: Timestamp) throws -> Int {
        try db.run("UPDATE runs SET status = 'interrupted', finished_at = ?, message = 'the process ended before the run finished' WHERE status = 'running'",
                   [.text(finishedAt.description)])
        return db.changes
    }

    public func runs(last: Int) throws -> [RunRecord] {
        let rows = try db.query("""
            SELECT run_id, job, started_at, finished_at, status, exit_code, parameters, outputs, message
            FROM runs ORDER BY started_at DESC, run_id DESC LIMIT ?
            """, [.int(Int64(last))]) { s in
            RunRecord(runID: s.text(0)!, job: s.text(1)!, startedAt: Timestamp(rfc3339: s.text(2)!)!,
                      finishedAt: s.text(3).flatMap { Timestamp(rfc3339: $0) }, status: s.text(4)!,
                      exitCode: s.isNull(5) ? nil : Int32(s.int(5)), parameters: RunParameters.decode(s.text(6) ?? ""),
                      outputs: (s.text(7) ?? "").split(separator: "\n").map(String.init), message: s.text(8))
        }
        var out: [RunRecord] = []
        for var run in rows {
            run.inputs = try db.query("""
                SELECT path, COALESCE(sha256, ''), format, bytes, read, accepted, duplicates, quarantined, skipped, skipped_by
                FROM ingest_inputs WHERE run_id = ? AND sha256 IS NOT NULL ORDER BY id
                """, [.text(run.runID)]) { s in
                InputTally(path: s.text(0)!, sha256: s.text(1)!, format: s.text(2)!, bytes: s.int(3), read: Int(s.int(4)),
                           accepted: Int(s.int(5)), duplicates: Int(s.int(6)), quarantined: Int(s.int(7)), skipped: Int(s.int(8)),
                           skippedBy: SkippedRows.decode(s.text(9) ?? ""))
            }
            out.append(run)
        }
        return out
    }

    public func eventCount() throws -> Int {
        Int(try db.query("SELECT COUNT(*) FROM usage_events") { $0.int(0) }[0])
    }

    public func quarantineCount() throws -> Int {
        Int(try db.query("SELECT COUNT(*) FROM quarantine") { $0.int(0) }[0])
    }

    public func reportedCostTotal() throws -> ExactDecimal {
        try db.query("SELECT reported_cost FROM usage_events WHERE reported_cost IS NOT NULL") { $0.text(0) ?? "0" }
            .reduce(.zero) { $0 + (ExactDecimal($1) ?? .zero) }
    }

    public func usageTotals() throws -> [UsageTotal] {
        try db.query("""
            SELECT customer_id, provider, model, COUNT(*), SUM(input_tokens), SUM(cached_input_tokens),
                   SUM(cache_write_tokens), SUM(output_tokens), SUM(requests)
            FROM usage_events GROUP BY customer_id, provider, model ORDER BY customer_id, provider, model
            """) { s in
            UsageTotal(customerID: s.text(0)!, provider: s.text(1)!, model: s.text(2)!, events: s.int(3),
                       inputTokens: s.int(4), cachedInputTokens: s.int(5), cacheWriteTokens: s.int(6),
                       outputTokens: s.int(7), requests: s.int(8))
        }
    }
}

final class NoLock: StoreLock {
    func release() {}
}

/// Run parameters kept as `key=value` lines: readable in any SQL client.
enum RunParameters {
    static func encode(_ p: [String: String]) -> String {
        p.keys.sorted().map { "\($0)=\(p[$0]!.replacingNewlines())" }.joined(separator: "\n")
    }

    static func decode(_ s: String) -> [String: String] {
        var out: [String: String] = [:]
        for line in s.split(separator: "\n") {
            guard let eq = line.firstIndex(of: "=") else { continue }
            out[String(line[..<eq])] = String(line[line.index(after: eq)...])
        }
        return out
    }
}

extension String {
    func replacingNewlines() -> String { String(map { $0 == "\n" ? " " : $0 }) }
}
