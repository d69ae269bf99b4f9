import SettleCore

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
        return (0..<result.count).map { result.values($0) }
    }

    func fetchEach(_ sql: String, _ params: [SQLParam], _ body: ([String?]) throws -> Void) throws {
        let result = try prepared(sql, params)
        for r in 0..<result.count { try body(result.values(r)) }
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

    /// Over a socket each statement is a round trip: past `stagedUpsertRows` rows (a busy day's
    /// daily rows) the rows go through COPY and one statement (`stagedUpsert`); fewer take the
    /// shared statements, which cost less than making a staging table.
    func upsert(into table: String, columns: [String], rows: [[SQLParam]], key: [String], adding: [String]) throws {
        if rows.count > Self.stagedUpsertRows {
            return try stagedUpsert(into: table, columns: columns, rows: rows, key: key, adding: adding)
        }
        try upsertInStatements(into: table, columns: columns, rows: rows, key: key, adding: adding)
    }

    /// A sampled ANALYZE of the named columns only (a document column's text is not sampled).
    func refreshStatistics(of table: String, columns: [String]) throws {
        try execute("ANALYZE \(table) (\(columns.joined(separator: ", ")))")
    }
}

extension SQLParam {
    var pg: String? {
        switch self {
        case .text(let s): return s
        case .int(let n): return String(n)
        case .null: return nil
        case .blob(let b): return StoredRequestID.pgHex(b)
        }
    }
}
