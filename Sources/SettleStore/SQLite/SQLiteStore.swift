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
            // Schema 14 rewrites every event and builds its indexes over them: the sorts go to a
            // temporary file, not memory (the connection's temp_store), so a large store
            // migrates in bounded memory.
            if step.version == 14 { try db.execute("PRAGMA temp_store=FILE") }
            defer { if step.version == 14 { try? db.execute("PRAGMA temp_store=MEMORY") } }
            try db.transaction {
                try db.execute(step.sql)
                if step.version == 14 {
                    try EventLayoutMigration.convert(db)
                    try db.execute(SQLiteMigrations.v14Finish)
                }
                try db.run("INSERT INTO schema_migrations(version, applied_at) VALUES (?, datetime('now'))", [.int(Int64(step.version))])
            }
            applied.append(step.version)
        }
        return applied
    }

    /// One writer: a shared request is taken exclusively (SQLite has one writer at a time).
    public func acquireLock(job: String, runID: String, mode: LockMode) throws -> any StoreLock {
        guard path != ":memory:" else { return NoLock() }
        return try FileLock.acquire(path: path + ".lock", holder: "job \(job), run \(runID), pid \(getpid())")
    }

    public func beginUsageLoad(runID: String, path: String, format: String, summing: DaySumming?) throws -> any UsageLoad {
        try SQLiteUsageLoad(db: db, runID: runID, path: path, format: format, summing: summing)
    }

    public func eventCount() throws -> Int { try count("usage_events") }

    public func quarantineCount() throws -> Int { try count("quarantine") }

    private func count(_ table: String) throws -> Int {
        Int(try db.rows(StoredColumns(table, ["COUNT(*)"]), "FROM \(table)", [], { try $0.int() })[0])
    }

    /// Summed here, exactly: SQLite has no decimal type to sum the text in.
    public func reportedCostTotal() throws -> ExactDecimal {
        try db.rows(StoredColumns("usage_events", ["reported_cost"]), "FROM usage_events WHERE reported_cost IS NOT NULL", [], { try $0.money() })
            .reduce(ExactDecimal.zero) { $0 + $1 }
    }

    public func usageTotals() throws -> [UsageTotal] {
        try db.rows(StoreFacts.usageTotalColumns, StoreFacts.usageTotalGroups + " ORDER BY customer_id, provider, model", [],
                    { try StoreFacts.usageTotal(&$0) })
    }
}

final class NoLock: StoreLock {
    func release() {}
}
