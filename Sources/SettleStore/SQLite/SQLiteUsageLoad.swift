import CSQLite
import SettleCore

/// One input file's events and quarantined rows in one IMMEDIATE transaction.
///
/// Dedupe is the unique index on request_id with INSERT OR IGNORE: an id counts as seen only
/// when the transaction that stores its event commits, so a killed load leaves no id behind.
/// Quarantined rows are staged under a placeholder key and re-keyed to the file's SHA-256 at
/// commit, when the digest is known: the same file quarantined twice keeps one copy.
final class SQLiteUsageLoad: UsageLoad {
    private let db: SQLiteConnection
    private let insert: SQLiteStatement
    private let insertQuarantine: SQLiteStatement
    private let inputID: Int64
    private let placeholder: String
    private var accepted = 0
    private var appended = 0
    private var open = true

    init(db: SQLiteConnection, runID: String, path: String, format: String) throws {
        self.db = db
        try db.execute("BEGIN IMMEDIATE")
        do {
            try db.run("INSERT INTO ingest_inputs(run_id, path, format) VALUES (?, ?, ?)", [.text(runID), .text(path), .text(format)])
            inputID = db.lastInsertRowID
            placeholder = "pending:\(inputID)"
            insert = try db.prepare("""
                INSERT OR IGNORE INTO usage_events(request_id, ts_us, customer_id, provider, model, input_tokens,
                    cached_input_tokens, cache_write_tokens, output_tokens, requests, tier, status, api_key_id,
                    upstream_account, service_id, latency_ms, input_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            insertQuarantine = try db.prepare(
                "INSERT INTO quarantine(sha256, line, source, reason, raw, input_id) VALUES (?, ?, ?, ?, ?, ?)")
        } catch {
            try? db.execute("ROLLBACK")
            throw error
        }
    }

    func append(_ e: UsageEvent) throws {
        let s = insert
        s.bind(1, e.requestID)
        s.bind(2, e.timestamp.microseconds)
        s.bind(3, e.customerID)
        s.bind(4, e.provider)
        s.bind(5, e.model)
        s.bind(6, e.inputTokens)
        s.bind(7, e.cachedInputTokens)
        s.bind(8, e.cacheWriteTokens)
        s.bind(9, e.outputTokens)
        s.bind(10, e.requests)
        s.bind(11, e.tier.rawValue)
        s.bind(12, e.status.rawValue)
        s.bind(13, e.apiKeyID)
        s.bind(14, e.upstreamAccount)
        s.bind(15, e.serviceID)
        s.bind(16, e.latencyMs)
        s.bind(17, inputID)
        try s.step()
        accepted += Int(sqlite3_changes(db.handle))
        appended += 1
    }

    func quarantine(_ row: QuarantinedRowRecord) throws {
        let s = insertQuarantine
        s.bind(1, placeholder)
        s.bind(2, Int64(row.line))
        s.bind(3, row.source)
        s.bind(4, row.reason)
        s.bind(5, row.raw)
        s.bind(6, inputID)
        try s.step()
    }

    func commit(sha256: String, bytes: Int64, read: Int, quarantined: Int) throws -> (accepted: Int, duplicates: Int) {
        do {
            try db.run("UPDATE OR IGNORE quarantine SET sha256 = ? WHERE sha256 = ?", [.text(sha256), .text(placeholder)])
            try db.run("DELETE FROM quarantine WHERE sha256 = ?", [.text(placeholder)])
            let duplicates = appended - accepted
            try db.run("""
                UPDATE ingest_inputs SET sha256 = ?, bytes = ?, read = ?, accepted = ?, duplicates = ?, quarantined = ?
                WHERE id = ?
                """, [.text(sha256), .int(bytes), .int(Int64(read)), .int(Int64(accepted)), .int(Int64(duplicates)),
                      .int(Int64(quarantined)), .int(inputID)])
            try db.execute("COMMIT")
            open = false
            return (accepted, duplicates)
        } catch {
            rollback()
            throw error
        }
    }

    func rollback() {
        guard open else { return }
        open = false
        try? db.execute("ROLLBACK")
    }

    deinit { rollback() }
}
