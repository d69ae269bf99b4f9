import SettleCore

/// PostgreSQL's ids of usage names (`SQLExecutor.dictionaryIDs`).
extension PGConnection {
    /// A batch's new entries sent as arrays, the missing ones inserted (in order, so that two
    /// loads adding the same entries take their locks in one order; an entry another load made
    /// first is left to it) and every id read back, in one statement. An entry another load
    /// committed after the statement's snapshot is read again by a second.
    func dictionaryIDs(of entries: [[String]], in d: NameDictionary, new: Bool) throws -> [Int64] {
        let columns = d.columns.joined(separator: ", ")
        // The dictionary compares bytes ("C"); the arrays' text has the database's default collation.
        let match = { (a: String, b: String) in d.columns.map { "\(a).\($0) = \(b).\($0) COLLATE \"C\"" }.joined(separator: " AND ") }
        let n = d.columns.count
        let arrays = { (rows: [[String]]) in (0..<n).map { c in Self.arrayLiteral(rows.map { $0[c] }) } }
        let unnest = "unnest(" + (1...n).map { "$\($0)::text[]" }.joined(separator: ", ") + ") WITH ORDINALITY AS u(\(columns), ord)"
        // Each entry is looked up by a scalar subquery: an index probe, which no planner turns into
        // a hash of the whole dictionary (as it might a join, not knowing how few a batch has).
        let known = "(SELECT k.id FROM \(d.table) k WHERE \(match("k", "u")))"
        let id = d.negativeWhenSet.map { column in
            "CASE WHEN s.\(column) = '' THEN nextval('\(d.sequence)') ELSE -nextval('\(d.sequence)') END"
        } ?? "nextval('\(d.sequence)')"
        // Each entry's place in the batch (1-based) and its id: NULL for one another load made
        // after the statement's snapshot.
        let found = StoredColumns(d.table, ["s.ord", "COALESCE(s.known, m.id)"])
        let readBack = found.select("FROM s LEFT JOIN made m ON \(match("m", "s"))")
        let rows = try query("""
            WITH s AS (SELECT u.*, \(known) AS known FROM \(unnest)),
            made AS (
                INSERT INTO \(d.table)(id, \(columns))
                SELECT \(id), \(d.columns.map { "s.\($0)" }.joined(separator: ", "))
                FROM s WHERE s.known IS NULL
                ORDER BY \(columns)
                ON CONFLICT DO NOTHING
                RETURNING id, \(columns))
            \(readBack)
            """, arrays(entries))
        var ids = [Int64?](repeating: nil, count: entries.count)
        for r in 0..<rows.count {
            var row = found.reader(rows.values(r))
            let ord = try row.int(), made = try row.optionalInt()
            guard ord >= 1, ord <= ids.count else { continue }
            ids[Int(ord) - 1] = made
        }
        let raced = ids.indices.filter { ids[$0] == nil }
        if !raced.isEmpty {
            let foundAgain = StoredColumns(d.table, ["u.ord", known])
            let again = try query(foundAgain.select("FROM \(unnest)"), arrays(raced.map { entries[$0] }))
            for r in 0..<again.count {
                var row = foundAgain.reader(again.values(r))
                let ord = try row.int(), made = try row.optionalInt()
                guard ord >= 1, ord <= raced.count else { continue }
                ids[raced[Int(ord) - 1]] = made
            }
        }
        return try ids.enumerated().map { i, id in
            guard let id else { throw StoreError("\(d.table) has no row for \(entries[i]) after adding it; run the load again") }
            return id
        }
    }

    /// A PostgreSQL text[] literal: every element quoted, backslashes and quotes escaped.
    static func arrayLiteral(_ values: [String]) -> String {
        var out = "{"
        for (i, v) in values.enumerated() {
            if i > 0 { out += "," }
            out += "\""
            for ch in v.unicodeScalars {
                if ch == "\\" || ch == "\"" { out += "\\" }
                out.unicodeScalars.append(ch)
            }
            out += "\""
        }
        return out + "}"
    }
}
