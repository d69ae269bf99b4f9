import CSQLite
import SettleCore

/// One input file's events and quarantined rows in one IMMEDIATE transaction.
///
/// Dedupe is the unique index on request_id with INSERT OR IGNORE: an id counts as seen only
/// when the transaction that stores its event commits, so a killed load leaves no id behind.
/// Ids of archived months are in `archived_request_ids`, which a trigger made by the first
/// archive run checks before each insert (`EventArchive`).
/// Quarantined rows are staged under a placeholder key and re-keyed to the file's SHA-256 at
/// commit, when the digest is known: the same file quarantined twice keeps one copy.
/// The accepted events are summed per day as they go in (`LoadRollup`): a statement that
/// stored all its rows adds them from the batch; one that stored fewer (a duplicate among them)
/// reads back the rows it did store, which are those after the highest id before it.
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
    private let rollup: LoadRollup
    private let summing: DaySumming?
    /// The highest event id stored: rows a statement adds get ids above it.
    private var lastID: Int64 = 0

    init(db: SQLiteConnection, runID: String, path: String, format: String, summing: DaySumming?) throws {
        self.db = db
        self.summing = summing
        rollup = LoadRollup(sql: db, stretches: summing?.stretches, bands: summing?.bands ?? .none)
        try db.execute("BEGIN IMMEDIATE")
        do {
            lastID = try db.fetch("SELECT COALESCE(MAX(id), 0) FROM usage_events", [])[0].int(0)
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

    /// Rows per multi-row INSERT: one statement per 32 rows costs far fewer VDBE starts and
    /// resets than one per row. Rows left over at the end of a batch go one at a time.
    static let rowsPerInsert = 32
    static let backgroundCheckpointRows = 100_000
    static let columns: Int32 = 19
    /// Statement columns of the batch's text cells and integer cells, in the batch's order.
    private static let textColumns: [Int32] = [1, 3, 4, 5, 11, 12, 13, 14, 15, 18]
    private static let intColumns: [Int32] = [2, 6, 7, 8, 9, 10, 16, 19]

    static func insertSQL(rows: Int) -> String {
        let one = "(" + Array(repeating: "?", count: Int(columns)).joined(separator: ",") + ")"
        return """
            INSERT OR IGNORE INTO usage_events(request_id, ts_us, customer_id, provider, model, input_tokens,
                cached_input_tokens, cache_write_tokens, output_tokens, requests, tier, status, api_key_id,
                upstream_account, service_id, latency_ms, input_id, reported_cost, cache_write_1h_tokens)
            VALUES \(Array(repeating: one, count: rows).joined(separator: ","))
            """
    }

    func append(_ batch: UsageEventBatch) throws {
        try rollup.prepare(batch)
        var row = 0
        while row < batch.count {
            let n = batch.count - row >= Self.rowsPerInsert ? Self.rowsPerInsert : 1
            try insert(batch, rows: row..<(row + n), using: n == 1 ? insert : insertMany)
            row += n
        }
    }

    private func insert(_ batch: UsageEventBatch, rows: Range<Int>, using statement: SQLiteStatement) throws {
        let stmt = statement.stmt
        let input = inputID
        let ok: Bool = batch.text.withUnsafeBytes { text in
            batch.starts.withUnsafeBufferPointer { starts in
                batch.ints.withUnsafeBufferPointer { ints in
                    let base = text.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!
                    for (k, row) in rows.enumerated() {
                        let col = Int32(k) * Self.columns
                        batch.withCells(row: row, base: base, starts: starts, ints: ints, text: { i, p, n in
                            if let p {
                                sqlite3_bind_text(stmt, col + Self.textColumns[i], p.assumingMemoryBound(to: CChar.self), Int32(n), nil)
                            } else {
                                sqlite3_bind_null(stmt, col + Self.textColumns[i])
                            }
                        }, int: { i, v in
                            if let v { sqlite3_bind_int64(stmt, col + Self.intColumns[i], v) } else { sqlite3_bind_null(stmt, col + Self.intColumns[i]) }
                        })
                        sqlite3_bind_int64(stmt, col + 17, input)
                    }
                    let rc = sqlite3_step(stmt)
                    sqlite3_reset(stmt)
                    return rc == SQLITE_DONE
                }
            }
        }
        guard ok else { throw StoreError("SQLite: \(db.lastError) while storing events from request_id \(batch.requestID(rows.lowerBound))") }
        let stored = Int(sqlite3_changes(db.handle))
        if stored == rows.count {
            try rollup.add(batch, rows: rows)
        } else if stored > 0 {
            try db.forEachRow("SELECT \(UsagePeriods.rollupColumns) FROM usage_events WHERE id > ?", [.int(lastID)]) { r in
                try rollup.add(ts: r.int(0), customer: r.bytes(1), provider: r.bytes(2), model: r.bytes(3), tier: r.bytes(4),
                               service: r.bytes(5), status: r.bytes(6), input: r.int(7), cached: r.int(8), cacheWrite: r.int(9),
                               output: r.int(10), requests: r.int(11), latencyMs: r.isNull(12) ? nil : r.int(12), reported: r.bytes(13),
                               cacheWrite1h: r.int(14))
            }
        }
        if stored > 0 { lastID = sqlite3_last_insert_rowid(db.handle) }
        accepted += stored
        appended += rows.count
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

    func commit(sha256: String, bytes: Int64, read: Int, quarantined: Int, days: [UTCDay], inbox: InboxEntry?) throws -> (accepted: Int, duplicates: Int) {
        do {
            let pending = PendingWork(db)
            if accepted > 0 { try pending.mark(days, steps: PendingWork.Step.allCases) }
            try rollup.write(periods: UsagePeriods(db), at: summing?.now ?? Timestamp(microseconds: 0))
            if var inbox { inbox.sha256 = sha256; try pending.record(inbox) }
            try db.run("UPDATE OR IGNORE quarantine SET sha256 = ? WHERE sha256 = ?", [.text(sha256), .text(placeholder)])
            try db.run("DELETE FROM quarantine WHERE sha256 = ?", [.text(placeholder)])
            let duplicates = appended - accepted
            try db.run("""
                UPDATE ingest_inputs SET sha256 = ?, bytes = ?, read = ?, accepted = ?, duplicates = ?, quarantined = ?
                WHERE id = ?
                """, [.text(sha256), .int(bytes), .int(Int64(read)), .int(Int64(accepted)), .int(Int64(duplicates)),
                      .int(Int64(quarantined)), .int(inputID)])
            // A large load's log is copied into the database by a connection of its own, while
            // this one goes on with the night (`checkpointInBackground`).
            let large = accepted >= Self.backgroundCheckpointRows
            if large { try db.execute("PRAGMA wal_autocheckpoint=0") }
            try db.execute("COMMIT")
            open = false
            if large {
                db.checkpointInBackground()
                try? db.execute("PRAGMA wal_autocheckpoint=1000")
            }
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
