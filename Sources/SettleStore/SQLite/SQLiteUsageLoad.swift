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

    /// The text columns of one row, copied end to end into `arena` and bound in place.
    private var arena: [UInt8] = []
    private static let textColumns: [Int32] = [1, 3, 4, 5, 11, 12, 13, 14, 15]

    @inline(__always)
    private func put(_ text: String?) -> Int {
        guard let text else { return -1 }
        let start = arena.count
        arena.append(contentsOf: text.utf8)
        return start
    }

    func append(_ e: UsageEvent) throws {
        arena.removeAll(keepingCapacity: true)
        let starts = (put(e.requestID), put(e.customerID), put(e.provider), put(e.model), put(e.tier.rawValue),
                      put(e.status.rawValue), put(e.apiKeyID), put(e.upstreamAccount), put(e.serviceID))
        let end = arena.count
        let s = insert
        s.bind(2, e.timestamp.microseconds)
        s.bind(6, e.inputTokens)
        s.bind(7, e.cachedInputTokens)
        s.bind(8, e.cacheWriteTokens)
        s.bind(9, e.outputTokens)
        s.bind(10, e.requests)
        s.bind(16, e.latencyMs)
        s.bind(17, inputID)
        let ok: Bool = arena.withUnsafeBytes { buf in
            let base = buf.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!
            // Each span ends where the next present one starts.
            withUnsafeTemporaryAllocation(of: Int.self, capacity: 10) { all in
                (all[0], all[1], all[2], all[3], all[4], all[5], all[6], all[7], all[8]) = starts
                all[9] = end
                for i in 0..<9 {
                    let column = Self.textColumns[i]
                    let start = all[i]
                    if start < 0 {
                        sqlite3_bind_null(s.stmt, column)
                        continue
                    }
                    var j = i + 1
                    while all[j] < 0 { j += 1 }
                    sqlite3_bind_text(s.stmt, column, (base + start).assumingMemoryBound(to: CChar.self), Int32(all[j] - start), nil)
                }
            }
            let rc = sqlite3_step(s.stmt)
            sqlite3_reset(s.stmt)
            return rc == SQLITE_DONE
        }
        guard ok else { throw StoreError("SQLite: \(db.lastError) while storing request_id \(e.requestID)") }
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
