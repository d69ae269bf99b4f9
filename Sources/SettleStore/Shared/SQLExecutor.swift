import SettleCore

/// The part of SQL that SQLite and PostgreSQL speak alike, so that a store feature whose SQL is
/// the same on both is written once (`SharedSQLStore`). Statements use `?` placeholders (the
/// PostgreSQL side numbers them); values go in as text or integers and come back as text,
/// which both servers convert by the column's type.
protocol SQLExecutor: AnyObject {
    @discardableResult
    func perform(_ sql: String, _ params: [SQLParam]) throws -> Int
    func fetch(_ sql: String, _ params: [SQLParam]) throws -> [[String?]]
    /// The rows one at a time, none kept: a month of summary lines is read without holding all
    /// of their text at once.
    func fetchEach(_ sql: String, _ params: [SQLParam], _ body: ([String?]) throws -> Void) throws
    func inTransaction<T>(_ body: () throws -> T) throws -> T
    /// For a unit of work that spans calls (a file's load): begin now, commit or roll back later.
    func beginWork() throws
    func commitWork() throws
    func rollbackWork()
    /// Many rows into one table: multi-row INSERTs on SQLite, COPY on PostgreSQL.
    func bulkInsert(into table: String, columns: [String], rows: [[SQLParam]]) throws
    /// How many rows a `RowSink` gathers before it sends them.
    var bulkChunk: Int { get }
    /// DELETEs the rows whose `keys` columns match any of `values`.
    func delete(from table: String, keys: [String], values: [[SQLParam]]) throws
    /// After a large insert: the planner's statistics of `columns` brought up to date, where the
    /// store keeps any.
    func refreshStatistics(of table: String, columns: [String]) throws
    /// Adds every event from `from` to `to` (microseconds, end excluded) to a day's rollup, in
    /// the fastest way the store has (SQLite in-process bytes, PostgreSQL a streamed COPY): the
    /// one read of a day's events when it is summed from them.
    func rollUpEvents(from: Int64, to: Int64, into rollup: inout DayRollup) throws
}

extension SQLExecutor {
    /// INSERTs rows a few hundred at a time (multi-row VALUES): one round trip per chunk, not
    /// per row, which is what PostgreSQL over a socket needs.
    func insert(into table: String, columns: [String], rows: [[SQLParam]]) throws {
        let perStatement = max(1, 2000 / max(columns.count, 1))
        let tuple = "(" + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
        var i = 0
        while i < rows.count {
            let chunk = rows[i..<min(i + perStatement, rows.count)]
            try perform("INSERT INTO \(table)(\(columns.joined(separator: ", "))) VALUES "
                        + Array(repeating: tuple, count: chunk.count).joined(separator: ", "), chunk.flatMap { $0 })
            i += chunk.count
        }
    }

    /// INSERTs rows, adding the `adding` columns to those of a row already stored under the same
    /// `key` (which a unique index must cover).
    func upsert(into table: String, columns: [String], rows: [[SQLParam]], key: [String], adding: [String]) throws {
        if let pg = self as? PGConnection, rows.count > PGConnection.stagedUpsertRows {
            return try pg.stagedUpsert(into: table, columns: columns, rows: rows, key: key, adding: adding)
        }
        let perStatement = max(1, 2000 / max(columns.count, 1))
        let tuple = "(" + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
        let update = adding.map { "\($0) = \(table).\($0) + excluded.\($0)" }.joined(separator: ", ")
        var i = 0
        while i < rows.count {
            let chunk = rows[i..<min(i + perStatement, rows.count)]
            try perform("INSERT INTO \(table)(\(columns.joined(separator: ", "))) VALUES "
                        + Array(repeating: tuple, count: chunk.count).joined(separator: ", ")
                        + " ON CONFLICT (\(key.joined(separator: ", "))) DO UPDATE SET \(update)", chunk.flatMap { $0 })
            i += chunk.count
        }
    }

    /// A sink that inserts rows as they come, a chunk at a time, so a large batch never sits in
    /// memory as parameters.
    func rowSink(into table: String, columns: [String]) -> RowSink { RowSink(sql: self, table: table, columns: columns) }

    /// DELETEs the rows whose `keys` columns match any of `values`, a few hundred keys a statement
    /// (PostgreSQL joins the list to the index on `keys`).
    func delete(from table: String, keys: [String], values: [[SQLParam]]) throws {
        let perStatement = 400
        let tuple = "(" + Array(repeating: "?", count: keys.count).joined(separator: ", ") + ")"
        var i = 0
        while i < values.count {
            let chunk = values[i..<min(i + perStatement, values.count)]
            try perform("DELETE FROM \(table) WHERE (\(keys.joined(separator: ", "))) IN (VALUES "
                        + Array(repeating: tuple, count: chunk.count).joined(separator: ", ") + ")", chunk.flatMap { $0 })
            i += chunk.count
        }
    }
}

final class RowSink {
    let sql: any SQLExecutor
    let table: String
    let columns: [String]
    private var rows: [[SQLParam]] = []
    private let chunk: Int

    init(sql: any SQLExecutor, table: String, columns: [String]) {
        self.sql = sql
        self.table = table
        self.columns = columns
        chunk = max(1, sql.bulkChunk / max(columns.count, 1))
    }

    func append(_ row: [SQLParam]) throws {
        rows.append(row)
        if rows.count == chunk { try flush() }
    }

    func flush() throws {
        guard !rows.isEmpty else { return }
        try sql.bulkInsert(into: table, columns: columns, rows: rows)
        rows.removeAll(keepingCapacity: true)
    }
}

enum SQLParam {
    case text(String)
    case int(Int64)
    case null
    /// Bytes (a stored request id): SQLite's BLOB, PostgreSQL's bytea.
    case blob([UInt8])

    static func optional(_ s: String?) -> SQLParam { s.map { .text($0) } ?? .null }
    static func optional(_ n: Int64?) -> SQLParam { n.map { .int($0) } ?? .null }
    static func decimal(_ d: ExactDecimal?) -> SQLParam { d.map { .text($0.description) } ?? .null }
}

extension Array where Element == String? {
    /// Stored values read back. A value settle cannot read (a database edited by hand, or one
    /// written by a newer settle) is a `StoreError` naming table and column, never a crash.
    func required(_ i: Int, _ column: String) throws(StoreError) -> String {
        guard let text = self[i] else { throw StoreError.unreadable(column, nil) }
        return text
    }

    func day(_ i: Int, _ column: String) throws(StoreError) -> UTCDay {
        guard let text = self[i], let day = UTCDay(text) else { throw StoreError.unreadable(column, self[i]) }
        return day
    }

    /// nil for an empty or NULL value; anything else must be a day.
    func optionalDay(_ i: Int, _ column: String) throws(StoreError) -> UTCDay? {
        guard let text = self[i], !text.isEmpty else { return nil }
        return try day(i, column)
    }

    func time(_ i: Int, _ column: String) throws(StoreError) -> Timestamp {
        guard let text = self[i], let t = Timestamp(rfc3339: text) else { throw StoreError.unreadable(column, self[i]) }
        return t
    }

    func optionalTime(_ i: Int, _ column: String) throws(StoreError) -> Timestamp? {
        guard let text = self[i], !text.isEmpty else { return nil }
        return try time(i, column)
    }

    func text(_ i: Int) -> String { self[i] ?? "" }
    func int(_ i: Int) -> Int64 { self[i].flatMap { Int64($0) } ?? 0 }
    func optionalInt(_ i: Int) -> Int64? { self[i].flatMap { Int64($0) } }

    /// nil for NULL; anything else must be an exact decimal.
    func decimal(_ i: Int, _ column: String) throws(StoreError) -> ExactDecimal? {
        guard let text = self[i] else { return nil }
        guard let d = ExactDecimal(text) else { throw StoreError.unreadable(column, text) }
        return d
    }

    /// A decimal that must be there (money, a rate).
    func money(_ i: Int, _ column: String) throws(StoreError) -> ExactDecimal {
        guard let d = try decimal(i, column) else { throw StoreError.unreadable(column, nil) }
        return d
    }

    /// A stored case of one of settle's enums (a tier, a token type, a status): a value that is
    /// no case stops the job, never falls back to a default.
    func value<E: RawRepresentable>(_ i: Int, _ column: String, as type: E.Type = E.self) throws(StoreError) -> E where E.RawValue == String {
        guard let text = self[i], let v = E(rawValue: text) else { throw StoreError.unreadable(column, self[i]) }
        return v
    }

    /// nil for NULL or empty; anything else must be a case.
    func optionalValue<E: RawRepresentable>(_ i: Int, _ column: String, as type: E.Type = E.self) throws(StoreError) -> E?
        where E.RawValue == String {
        guard let text = self[i], !text.isEmpty else { return nil }
        return try value(i, column, as: type)
    }
}

extension SQLiteConnection: SQLExecutor {
    @discardableResult
    func perform(_ sql: String, _ params: [SQLParam]) throws -> Int {
        try run(sql, params.map(\.sqlite))
        return changes
    }

    func fetch(_ sql: String, _ params: [SQLParam]) throws -> [[String?]] {
        try query(sql, params.map(\.sqlite)) { s in
            (0..<s.columnCount).map { s.text($0) }
        }
    }

    func fetchEach(_ sql: String, _ params: [SQLParam], _ body: ([String?]) throws -> Void) throws {
        let stmt = try cached(sql)
        for (i, p) in params.enumerated() { stmt.bind(i + 1, p.sqlite) }
        let columns = stmt.columnCount
        var row = [String?](repeating: nil, count: columns)
        while try stmt.step() {
            for c in 0..<columns { row[c] = stmt.text(c) }
            try body(row)
        }
    }

    func inTransaction<T>(_ body: () throws -> T) throws -> T { try transaction(body) }
    func beginWork() throws { try execute("BEGIN IMMEDIATE") }
    func commitWork() throws { try execute("COMMIT") }
    func rollbackWork() { try? execute("ROLLBACK") }
    func bulkInsert(into table: String, columns: [String], rows: [[SQLParam]]) throws {
        try insert(into: table, columns: columns, rows: rows)
    }
    var bulkChunk: Int { 2000 }

    /// One prepared single-key DELETE per key: SQLite plans `(a, b) IN (VALUES …)` as a scan of
    /// the whole table for every statement, which made replacing a month's periods quadratic in
    /// the table's size; an equality on the indexed columns is one index lookup.
    func delete(from table: String, keys: [String], values: [[SQLParam]]) throws {
        let sql = "DELETE FROM \(table) WHERE " + keys.map { "\($0) = ?" }.joined(separator: " AND ")
        for key in values { try run(sql, key.map(\.sqlite)) }
    }

    /// SQLite plans without statistics unless ANALYZE was run, which settle does not.
    func refreshStatistics(of table: String, columns: [String]) throws {}
}

extension SQLParam {
    var sqlite: SQLiteValue {
        switch self {
        case .text(let s): return .text(s)
        case .int(let n): return .int(n)
        case .null: return .null
        case .blob(let b): return .blob(b)
        }
    }

    var pg: String? {
        switch self {
        case .text(let s): return s
        case .int(let n): return String(n)
        case .null: return nil
        case .blob(let b): return StoredRequestID.pgHex(b)
        }
    }
}

extension PGConnection: SQLExecutor {
    /// `?` → `$1`, `$2`, … (the shared statements hold no `?` inside literals).
    static func numbered(_ sql: String) -> String {
        var out = ""
        var n = 0
        for c in sql {
            if c == "?" {
                n += 1
                out += "$\(n)"
            } else {
                out.append(c)
            }
        }
        return out
    }

    /// Each shared statement is prepared once per session, like the SQLite side.
    private func prepared(_ sql: String, _ params: [SQLParam]) throws -> PGRows {
        let name: String
        if let known = sharedStatementNames[sql] {
            name = known
        } else {
            name = "settle_shared_\(sharedStatementNames.count + 1)"
            sharedStatementNames[sql] = name
        }
        return try executePrepared(name, Self.numbered(sql), params.map(\.pg))
    }

    @discardableResult
    func perform(_ sql: String, _ params: [SQLParam]) throws -> Int {
        try prepared(sql, params).affected
    }

    func fetch(_ sql: String, _ params: [SQLParam]) throws -> [[String?]] {
        let result = try prepared(sql, params)
        return (0..<result.count).map { r in (0..<result.columns).map { result.text(r, $0) } }
    }

    func fetchEach(_ sql: String, _ params: [SQLParam], _ body: ([String?]) throws -> Void) throws {
        let result = try prepared(sql, params)
        for r in 0..<result.count { try body((0..<result.columns).map { result.text(r, $0) }) }
    }

    func inTransaction<T>(_ body: () throws -> T) throws -> T { try transaction(body) }
    func beginWork() throws { try execute("BEGIN") }
    func commitWork() throws { try execute("COMMIT") }
    func rollbackWork() { try? execute("ROLLBACK") }

    /// COPY FROM STDIN in text format: one round trip for thousands of rows, and no parameters
    /// for the server to parse.
    func bulkInsert(into table: String, columns: [String], rows: [[SQLParam]]) throws {
        guard !rows.isEmpty else { return }
        var text: [UInt8] = []
        text.reserveCapacity(rows.count * columns.count * 12)
        for row in rows { PostgresCopyText.appendRow(row, to: &text) }
        do {
            try copy(into: "\(table) (\(columns.joined(separator: ", ")))") { send in
                try text.withUnsafeBytes { try send($0) }
            }
        } catch let e as UniqueViolation {
            // Only the usage load expects one (and catches it there); anywhere else it is a
            // store error, its DETAIL (the key's values) for debug level only.
            throw StoreError(e.description, detail: e.message)
        }
    }
    var bulkChunk: Int { 100_000 }

    /// A sampled ANALYZE of the named columns only (a document column's text is not sampled).
    func refreshStatistics(of table: String, columns: [String]) throws {
        try execute("ANALYZE \(table) (\(columns.joined(separator: ", ")))")
    }
}
