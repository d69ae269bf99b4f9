import CSQLite
import SettleCore

/// One input file's events and quarantined rows in one IMMEDIATE transaction.
///
/// Rows are stored in `StoredEvents`' layout: the binary request id and the caller and model ids
/// are worked out per batch by the load's `UsageKeyBook`, whose new keys go in with the load.
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
    private let keys: UsageKeyBook
    /// Whether the book numbers new keys itself, on the decoding thread (`SQLiteEventEncoder`).
    private var numbering = false
    private let insertName: [String: SQLiteStatement]
    private let insertPrefix: SQLiteStatement

    init(db: SQLiteConnection, runID: String, path: String, format: String, summing: DaySumming?) throws {
        self.db = db
        self.summing = summing
        rollup = LoadRollup(sql: db, stretches: summing?.stretches, bands: summing?.bands ?? .none)
        keys = UsageKeyBook(resolver: SQLUsageKeyResolver(db))
        try db.execute("BEGIN IMMEDIATE")
        do {
            lastID = try db.rows(StoredColumns("usage_events", ["COALESCE(MAX(rowid), 0)"]), "FROM usage_events", [], { try $0.int() })[0]
            try db.run("INSERT INTO ingest_inputs(run_id, path, format) VALUES (?, ?, ?)", [.text(runID), .text(path), .text(format)])
            inputID = db.lastInsertRowID
            placeholder = "pending:\(inputID)"
            insert = try db.prepare(Self.insertSQL(rows: 1))
            insertMany = try db.prepare(Self.insertSQL(rows: Self.rowsPerInsert))
            insertQuarantine = try db.prepare(
                "INSERT INTO quarantine(sha256, line, source, reason, raw, input_id) VALUES (?, ?, ?, ?, ?, ?)")
            let prefixes = try db.rows(StoredColumns("request_id_prefixes", ["prefix", "id"]), "FROM request_id_prefixes", []) { row -> (String, UInt8) in
                let prefix = try row.text()
                let id = try row.int()
                return (prefix, UInt8(truncatingIfNeeded: id))
            }
            numbering = try keys.preload(numberingWith: prefixes)
            insertName = try Dictionary(uniqueKeysWithValues: NameDictionary.all.map { d in
                (d.table, try db.prepare("INSERT INTO \(d.table)(id, \(d.columns.joined(separator: ", "))) VALUES (?"
                                         + String(repeating: ", ?", count: d.columns.count) + ")"))
            })
            insertPrefix = try db.prepare("INSERT INTO request_id_prefixes(id, prefix) VALUES (?, ?)")
        } catch {
            try? db.execute("ROLLBACK")
            throw error
        }
    }

    /// Rows per multi-row INSERT: one statement per 32 rows costs far fewer VDBE starts and
    /// resets than one per row. Rows left over at the end of a batch go one at a time.
    static let rowsPerInsert = 32
    static let backgroundCheckpointRows = 100_000
    static let columns = Int32(StoredEvents.columns.count)
    /// Statement columns (1-based within a row, `StoredEvents.columns`) of the batch's integer
    /// cells, in the batch's order (ts, input, cached, cache write, output, requests, latency,
    /// one-hour cache write); the reported cost is the batch's last text cell.
    private static let intColumns: [Int32] = [2, 5, 6, 7, 9, 10, 11, 8]
    private static let reportedCostColumn: Int32 = 12
    private static let textCells = UsageEventBatch.textsPerRow

    static func insertSQL(rows: Int) -> String {
        let one = "(" + Array(repeating: "?", count: Int(columns)).joined(separator: ",") + ")"
        return """
            INSERT OR IGNORE INTO usage_events(\(StoredEvents.columns.joined(separator: ", ")))
            VALUES \(Array(repeating: one, count: rows).joined(separator: ","))
            """
    }

    /// With a dictionary small enough to hold, the decoding thread encodes each batch.
    func makeBatchPreparer() -> (any UsageBatchPreparer)? { numbering ? SQLiteEventEncoder(keys: keys) : nil }

    func append(_ batch: UsageEventBatch) throws {
        if let error = batch.preparedError { throw error }
        try rollup.prepare(batch)
        let encoded: EncodedRows
        let made: MadeNames
        if var prepared = batch.preparedEncoding {
            // Names came encoded from the decoding thread; the request ids are this thread's part.
            let ids = try keys.encode(batch, rows: 0..<batch.count, parts: .ids)
            prepared.ids = ids.ids
            prepared.idStarts = ids.idStarts
            encoded = prepared
            made = MadeNames(entries: batch.preparedMade.entries, prefixes: keys.takeMade(.ids).prefixes)
        } else {
            encoded = try keys.encode(batch, rows: 0..<batch.count)
            made = keys.takeMade()
        }
        for (dictionary, values, id) in made.entries {
            guard let statement = insertName[dictionary.table] else { continue }
            statement.bind(1, id)
            for (i, v) in values.enumerated() { statement.bind(i + 2, v) }
            try statement.step()
        }
        for (prefix, id) in made.prefixes {
            insertPrefix.bind(1, id)
            insertPrefix.bind(2, prefix)
            try insertPrefix.step()
        }
        var row = 0
        while row < batch.count {
            let n = batch.count - row >= Self.rowsPerInsert ? Self.rowsPerInsert : 1
            try insert(batch, encoded, rows: row..<(row + n), using: n == 1 ? insert : insertMany)
            row += n
        }
    }

    private func insert(_ batch: UsageEventBatch, _ encoded: EncodedRows, rows: Range<Int>,
                        using statement: SQLiteStatement) throws {
        let stmt = statement.stmt
        let input = inputID
        let ok: Bool = batch.text.withUnsafeBytes { text in
            batch.starts.withUnsafeBufferPointer { starts in
                batch.ints.withUnsafeBufferPointer { ints in
                    encoded.ids.withUnsafeBytes { ids in
                        let base = UsageEventBatch.base(text)
                        for (k, row) in rows.enumerated() {
                            let col = Int32(k) * Self.columns
                            let idStart = Int(encoded.idStarts[row]), idEnd = Int(encoded.idStarts[row + 1])
                            sqlite3_bind_blob(stmt, col + 1, UsageEventBatch.base(ids) + idStart, Int32(idEnd - idStart), nil)
                            sqlite3_bind_int64(stmt, col + 3, encoded.callers[row])
                            sqlite3_bind_int64(stmt, col + 4, encoded.models[row])
                            batch.withCells(row: row, base: base, starts: starts, ints: ints, text: { i, p, n in
                                guard i == Self.textCells - 1 else { return }
                                if let p {
                                    sqlite3_bind_text(stmt, col + Self.reportedCostColumn, p.assumingMemoryBound(to: CChar.self), Int32(n), nil)
                                } else {
                                    sqlite3_bind_null(stmt, col + Self.reportedCostColumn)
                                }
                            }, int: { i, v in
                                if let v { sqlite3_bind_int64(stmt, col + Self.intColumns[i], v) } else { sqlite3_bind_null(stmt, col + Self.intColumns[i]) }
                            })
                            sqlite3_bind_int64(stmt, col + 13, input)
                        }
                        let rc = sqlite3_step(stmt)
                        sqlite3_reset(stmt)
                        return rc == SQLITE_DONE
                    }
                }
            }
        }
        guard ok else { throw StoreError("SQLite: \(db.lastError) while storing events from request_id \(batch.requestID(rows.lowerBound))") }
        let stored = Int(sqlite3_changes(db.handle))
        if stored == rows.count {
            try rollup.add(batch, rows: rows)
        } else if stored > 0 {
            // Which rows went in: those whose stored id is among the rows after the last id.
            var kept = Set<[UInt8]>()
            try db.forEachRow("SELECT request_id FROM usage_events WHERE rowid > ?", [.int(lastID)]) { r in kept.insert(Array(r.bytes(0))) }
            try rollup.add(batch, rows: rows.filter { row in
                kept.remove(Array(encoded.ids[Int(encoded.idStarts[row])..<Int(encoded.idStarts[row + 1])])) != nil
            })
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

/// Encodes SQLite batches on the decoding thread: request ids packed, keys looked up and new ones
/// numbered by the load's book, which only this thread touches once loading has begun.
final class SQLiteEventEncoder: UsageBatchPreparer, @unchecked Sendable {
    private let keys: UsageKeyBook

    init(keys: UsageKeyBook) { self.keys = keys }

    func prepare(_ batch: inout UsageEventBatch) {
        do {
            batch.preparedEncoding = try keys.encode(batch, rows: 0..<batch.count, parts: .names)
            batch.preparedMade = keys.takeMade(.names)
        } catch {
            batch.preparedError = error as? StoreError ?? StoreError("\(error)")
        }
    }
}
