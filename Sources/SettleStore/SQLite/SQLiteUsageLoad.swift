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
    private let insertMany: SQLiteStatement
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
            insert = try db.prepare(Self.insertSQL(rows: 1))
            insertMany = try db.prepare(Self.insertSQL(rows: Self.rowsPerInsert))
            insertQuarantine = try db.prepare(
                "INSERT INTO quarantine(sha256, line, source, reason, raw, input_id) VALUES (?, ?, ?, ?, ?, ?)")
        } catch {
            try? db.execute("ROLLBACK")
            throw error
        }
    }

    /// Events wait here until a full multi-row INSERT can take them: one statement per
    /// `rowsPerInsert` rows costs far fewer VDBE starts and binds than one per row.
    static let rowsPerInsert = 32
    static let columns = 17
    private static let textColumns: [Int32] = [1, 3, 4, 5, 11, 12, 13, 14, 15]
    private var pending: [UsageEvent] = []
    private var arena: [UInt8] = []
    private var starts: [Int] = []

    static func insertSQL(rows: Int) -> String {
        let one = "(" + Array(repeating: "?", count: columns).joined(separator: ",") + ")"
        return """
            INSERT OR IGNORE INTO usage_events(request_id, ts_us, customer_id, provider, model, input_tokens,
                cached_input_tokens, cache_write_tokens, output_tokens, requests, tier, status, api_key_id,
                upstream_account, service_id, latency_ms, input_id)
            VALUES \(Array(repeating: one, count: rows).joined(separator: ","))
            """
    }

    @inline(__always)
    private static func put(_ text: String?, _ arena: inout [UInt8], _ starts: inout [Int]) {
        guard let text else { starts.append(-1); return }
        starts.append(arena.count)
        arena.append(contentsOf: text.utf8)
    }

    func append(_ e: UsageEvent) throws {
        pending.append(e)
        if pending.count == Self.rowsPerInsert { try flush(using: insertMany) }
    }

    /// Binds every pending row into `statement` (sized for exactly that many rows) and runs it.
    /// The buffers are swapped into locals first: working on a class's stored arrays row by
    /// row costs an exclusivity check and a retain per access, more than the binds themselves.
    private func flush(using statement: SQLiteStatement) throws {
        guard !pending.isEmpty else { return }
        var rows: [UsageEvent] = []
        var arena: [UInt8] = []
        var starts: [Int] = []
        swap(&rows, &pending)
        swap(&arena, &self.arena)
        swap(&starts, &self.starts)
        defer {
            rows.removeAll(keepingCapacity: true)
            swap(&rows, &pending)
            swap(&arena, &self.arena)
            swap(&starts, &self.starts)
        }
        arena.removeAll(keepingCapacity: true)
        starts.removeAll(keepingCapacity: true)
        for e in rows {
            Self.put(e.requestID, &arena, &starts)
            Self.put(e.customerID, &arena, &starts)
            Self.put(e.provider, &arena, &starts)
            Self.put(e.model, &arena, &starts)
            Self.put(e.tier.rawValue, &arena, &starts)
            Self.put(e.status.rawValue, &arena, &starts)
            Self.put(e.apiKeyID, &arena, &starts)
            Self.put(e.upstreamAccount, &arena, &starts)
            Self.put(e.serviceID, &arena, &starts)
        }
        starts.append(arena.count)
        let stmt = statement.stmt
        let input = inputID
        let ok: Bool = arena.withUnsafeBytes { buf in
            starts.withUnsafeBufferPointer { starts in
                let base = buf.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!
                for r in rows.indices {
                    let col = Int32(r * Self.columns)
                    sqlite3_bind_int64(stmt, col + 2, rows[r].timestamp.microseconds)
                    sqlite3_bind_int64(stmt, col + 6, rows[r].inputTokens)
                    sqlite3_bind_int64(stmt, col + 7, rows[r].cachedInputTokens)
                    sqlite3_bind_int64(stmt, col + 8, rows[r].cacheWriteTokens)
                    sqlite3_bind_int64(stmt, col + 9, rows[r].outputTokens)
                    sqlite3_bind_int64(stmt, col + 10, rows[r].requests)
                    if let l = rows[r].latencyMs { sqlite3_bind_int64(stmt, col + 16, l) } else { sqlite3_bind_null(stmt, col + 16) }
                    sqlite3_bind_int64(stmt, col + 17, input)
                    for i in 0..<9 {
                        let k = r * 9 + i
                        let start = starts[k]
                        let column = col + Self.textColumns[i]
                        if start < 0 { sqlite3_bind_null(stmt, column); continue }
                        var j = k + 1
                        while starts[j] < 0 { j += 1 }
                        sqlite3_bind_text(stmt, column, (base + start).assumingMemoryBound(to: CChar.self), Int32(starts[j] - start), nil)
                    }
                }
                let rc = sqlite3_step(stmt)
                sqlite3_reset(stmt)
                return rc == SQLITE_DONE
            }
        }
        guard ok else { throw StoreError("SQLite: \(db.lastError) while storing events from request_id \(rows[0].requestID)") }
        accepted += Int(sqlite3_changes(db.handle))
        appended += rows.count
    }

    /// Stores what is still pending, one row at a time (fewer than a full batch).
    private func flushRemainder() throws {
        let rest = pending
        pending.removeAll(keepingCapacity: true)
        for e in rest {
            pending.append(e)
            try flush(using: insert)
        }
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
            try flushRemainder()
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
