import SettleCore

/// SQLite's ids of usage names (`SQLExecutor.dictionaryIDs`).
extension SQLiteConnection {
    /// One prepared index lookup per entry, new entries numbered on from the highest (lowest
    /// for negative ones) id: the load's transaction is the only writer.
    func dictionaryIDs(of entries: [[String]], in d: NameDictionary, new: Bool) throws -> [Int64] {
        let find = try prepare("SELECT id FROM \(d.table) WHERE " + d.columns.map { "\($0) = ?" }.joined(separator: " AND "))
        let insert = try prepare("INSERT INTO \(d.table)(id, \(d.columns.joined(separator: ", "))) VALUES (?"
                                 + String(repeating: ", ?", count: d.columns.count) + ")")
        let extremes = StoredColumns(d.table, ["COALESCE(MAX(id), 0)", "COALESCE(MIN(id), 0)"])
        // The highest and lowest ids, read at the first new entry.
        var bounds: (high: Int64, low: Int64)?
        return try entries.map { values in
            for (i, v) in values.enumerated() { find.bind(i + 1, v) }
            if !new, try find.step() {
                let id = find.int(0)
                _ = try find.step()
                return id
            }
            var b: (high: Int64, low: Int64)
            if let known = bounds {
                b = known
            } else {
                b = try rows(extremes, "FROM \(d.table)") { row -> (high: Int64, low: Int64) in
                    let high = try row.int(), low = try row.int()
                    return (max(high, 0), min(low, 0))
                }[0]
            }
            let id: Int64
            if d.isNegative(values) { b.low -= 1; id = b.low } else { b.high += 1; id = b.high }
            bounds = b
            insert.bind(1, id)
            for (i, v) in values.enumerated() { insert.bind(i + 2, v) }
            _ = try insert.step()
            return id
        }
    }
}
