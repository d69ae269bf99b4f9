extension PGConnection {
    /// `SELECT columns rest` as an unnamed statement (`query`, `$1`… parameters), each row
    /// decoded by `decode`: for a statement a session runs once or rarely, which needs no plan
    /// kept in the session (`SQLExecutor.rows` prepares one), nor one that a later schema
    /// change could leave with another result type.
    func queryRows<T>(_ columns: StoredColumns, _ rest: String, _ params: [String?] = [],
                      _ decode: (inout StoredRow) throws -> T) throws -> [T] {
        let result = try query(columns.select(rest), params)
        return try (0..<result.count).map { r in
            var row = columns.reader(result.values(r))
            return try decode(&row)
        }
    }
}
