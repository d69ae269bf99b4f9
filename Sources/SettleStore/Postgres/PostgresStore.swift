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
        guard try db.query("SELECT to_regclass('schema_migrations') IS NOT NULL").text(0, 0) == "t" else { return 0 }
        return Int(try db.query("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").int(0, 0))
    }

    @discardableResult
    public func migrate() throws -> [Int] {
        try db.transaction {
            // Two settle processes starting at once (ingest workers on a new database) must not
            // both run a step, nor both create the version table: CREATE TABLE IF NOT EXISTS
            // is not safe against a concurrent one, so it comes after the lock.
            try db.query("SELECT pg_advisory_xact_lock($1::int, hashtext(current_database() || '.' || current_schema() || '.migrate'))",
                         [String(Self.lockClass + 1)])
            try db.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())")
            let current = Int(try db.query("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").int(0, 0))
            if current > PostgresMigrations.latest {
                throw StoreError("the database \(displayURL) has schema version \(current), newer than this settle knows (\(PostgresMigrations.latest)); upgrade settle")
            }
            var applied: [Int] = []
            for step in PostgresMigrations.steps where step.version > current {
                try db.execute(step.sql)
                if step.version == 14 {
                    try EventLayoutMigration.convert(db)
                    try db.execute(PostgresMigrations.v14Finish)
                }
                try db.query("INSERT INTO schema_migrations(version) VALUES ($1::int)", [String(step.version)])
                applied.append(step.version)
            }
            return applied
        }
    }

    public func acquireLock(job: String, runID: String, mode: LockMode) throws -> any StoreLock {
        // application_name holds 63 bytes; the run ID already names the job.
        let holder = "settle pid=\(getpid()) run=\(runID)"
        try db.query("SELECT set_config('application_name', $1, false)", [holder])
        let key = "hashtext(current_database() || '.' || current_schema())"
        let take = mode == .shared ? "pg_try_advisory_lock_shared" : "pg_try_advisory_lock"
        let got = try db.query("SELECT \(take)($1::int, \(key))", [String(Self.lockClass)]).text(0, 0)
        guard got == "t" else {
            let rows = try db.query("""
                SELECT a.application_name, a.pid FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
                WHERE l.locktype = 'advisory' AND l.granted AND l.classid = $1::int::oid
                  AND l.objid = ((\(key))::bigint & 4294967295)::oid
                ORDER BY a.pid
                """, [String(Self.lockClass)])
            let holders = (0..<rows.count).map { r in
                Self.describeHolder(rows.text(r, 0) ?? "") + " (PostgreSQL backend \(rows.text(r, 1) ?? "?"))"
            }
            _ = try? db.query("SELECT set_config('application_name', 'settle', false)")
            throw LockHeld(holder: holders.isEmpty ? "an unknown session" : holders.joined(separator: "; "))
        }
        return PostgresLock(db: db, key: key, mode: mode)
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

    public func beginUsageLoad(runID: String, path: String, format: String, summing: DaySumming?) throws -> any UsageLoad {
        try PostgresUsageLoad(db: db, url: url, runID: runID, path: path, format: format, summing: summing)
    }

    public func eventCount() throws -> Int { try count("usage_events") }

    public func quarantineCount() throws -> Int { try count("quarantine") }

    private func count(_ table: String) throws -> Int {
        Int(try db.queryRows(StoredColumns(table, ["COUNT(*)"]), "FROM \(table)", [], { try $0.int() })[0])
    }

    public func reportedCostTotal() throws -> ExactDecimal {
        // numeric sums decimal text exactly.
        try db.queryRows(StoredColumns("usage_events", ["COALESCE(SUM(reported_cost::numeric), 0)::text"]), "FROM usage_events", [],
                         { try $0.money() })[0]
    }

    public func usageTotals() throws -> [UsageTotal] {
        try db.queryRows(StoreFacts.usageTotalColumns,
                         StoreFacts.usageTotalGroups + " ORDER BY customer_id COLLATE \"C\", provider COLLATE \"C\", model COLLATE \"C\"", [],
                         { try StoreFacts.usageTotal(&$0) })
    }
}

final class PostgresLock: StoreLock {
    private let db: PGConnection
    private let key: String
    let mode: LockMode
    private var held = true

    init(db: PGConnection, key: String, mode: LockMode) {
        self.db = db
        self.key = key
        self.mode = mode
    }

    func release() {
        guard held else { return }
        held = false
        let unlock = mode == .shared ? "pg_advisory_unlock_shared" : "pg_advisory_unlock"
        _ = try? db.query("SELECT \(unlock)($1::int, \(key))", [String(PostgresStore.lockClass)])
        _ = try? db.query("SELECT set_config('application_name', 'settle', false)")
    }

    deinit { release() }
}
