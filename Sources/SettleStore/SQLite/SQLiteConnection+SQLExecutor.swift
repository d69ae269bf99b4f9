import SettleCore

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

    /// In process there is no round trip to save: the shared statements of a few hundred rows
    /// each are as fast as anything else SQLite could do.
    func upsert(into table: String, columns: [String], rows: [[SQLParam]], key: [String], adding: [String]) throws {
        try upsertInStatements(into: table, columns: columns, rows: rows, key: key, adding: adding)
    }

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
}
