/// The resolver both stores share: the same SQL, but for how a new id is chosen. SQLite
/// counts on from the highest (or lowest) id inside the load's transaction; PostgreSQL takes
/// the sequence's next number and lets an entry another load made first win (ON CONFLICT),
/// then reads back what is there.
final class SQLUsageKeyResolver: UsageKeyResolver {
    let sql: any SQLExecutor
    private let postgres: Bool

    init(_ sql: any SQLExecutor) {
        self.sql = sql
        postgres = sql is PGConnection
    }

    func ids(of entries: [[String]], in dictionary: NameDictionary, new: Bool) throws -> [Int64] {
        if let pg = sql as? PGConnection { return try madeIDs(of: entries, in: dictionary, pg) }
        if let lite = sql as? SQLiteConnection { return try lookedUpIDs(of: entries, in: dictionary, new: new, lite) }
        throw StoreError("usage names: unknown store")
    }

    func stored(_ dictionary: NameDictionary, limit: Int) throws -> [([String], Int64)]? {
        guard try sql.fetch("SELECT COUNT(*) FROM \(dictionary.table)", [])[0].int(0) <= limit else { return nil }
        var out: [([String], Int64)] = []
        let n = dictionary.columns.count
        try sql.fetchEach("SELECT id, \(dictionary.columns.joined(separator: ", ")) FROM \(dictionary.table)", []) { r in
            out.append(((1...n).map { r.text($0) }, r.int(0)))
        }
        return out
    }

    /// SQLite: one prepared index lookup per entry, new entries numbered on from the highest
    /// (lowest for negative ones) id: the load's transaction is the only writer.
    private func lookedUpIDs(of entries: [[String]], in d: NameDictionary, new: Bool, _ db: SQLiteConnection) throws -> [Int64] {
        let find = try db.prepare("SELECT id FROM \(d.table) WHERE " + d.columns.map { "\($0) = ?" }.joined(separator: " AND "))
        let insert = try db.prepare("INSERT INTO \(d.table)(id, \(d.columns.joined(separator: ", "))) VALUES (?"
                                    + String(repeating: ", ?", count: d.columns.count) + ")")
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
                let r = try sql.fetch("SELECT COALESCE(MAX(id), 0), COALESCE(MIN(id), 0) FROM \(d.table)", [])[0]
                b = (max(r.int(0), 0), min(r.int(1), 0))
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

    /// PostgreSQL: a batch's new entries sent as arrays, the missing ones inserted (in order, so
    /// that two loads adding the same entries take their locks in one order; an entry another
    /// load made first is left to it) and every id read back, in one statement. An entry another
    /// load committed after the statement's snapshot is read again by a second.
    private func madeIDs(of entries: [[String]], in d: NameDictionary, _ pg: PGConnection) throws -> [Int64] {
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
        let rows = try pg.query("""
            WITH s AS (SELECT u.*, \(known) AS known FROM \(unnest)),
            made AS (
                INSERT INTO \(d.table)(id, \(columns))
                SELECT \(id), \(d.columns.map { "s.\($0)" }.joined(separator: ", "))
                FROM s WHERE s.known IS NULL
                ORDER BY \(columns)
                ON CONFLICT DO NOTHING
                RETURNING id, \(columns))
            SELECT s.ord, COALESCE(s.known, m.id) FROM s LEFT JOIN made m ON \(match("m", "s"))
            """, arrays(entries))
        var ids = [Int64?](repeating: nil, count: entries.count)
        for r in 0..<rows.count {
            guard let ord = rows.text(r, 0).flatMap({ Int($0) }), ord >= 1, ord <= ids.count else { continue }
            ids[ord - 1] = rows.text(r, 1).flatMap { Int64($0) }
        }
        let raced = ids.indices.filter { ids[$0] == nil }
        if !raced.isEmpty {
            let again = try pg.query("SELECT u.ord, \(known) FROM \(unnest)", arrays(raced.map { entries[$0] }))
            for r in 0..<again.count {
                guard let ord = again.text(r, 0).flatMap({ Int($0) }), ord >= 1, ord <= raced.count else { continue }
                ids[raced[ord - 1]] = again.text(r, 1).flatMap { Int64($0) }
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

    func prefixID(_ prefix: String) throws -> UInt8? {
        for _ in 0..<8 {
            if let id = try sql.fetch("SELECT id FROM request_id_prefixes WHERE prefix = ?", [.text(prefix)]).first?.optionalInt(0) {
                return UInt8(id)
            }
            let made = try sql.perform("""
                INSERT INTO request_id_prefixes(id, prefix)
                SELECT m + 1, ? FROM (SELECT COALESCE(MAX(id), 0) AS m FROM request_id_prefixes) t WHERE m < \(StoredRequestID.maximumPrefixID)
                """ + (postgres ? " ON CONFLICT DO NOTHING" : ""), [.text(prefix)])
            if made == 0, try sql.fetch("SELECT COUNT(*) FROM request_id_prefixes", [])[0].int(0) >= StoredRequestID.maximumPrefixID,
               try sql.fetch("SELECT 1 FROM request_id_prefixes WHERE prefix = ?", [.text(prefix)]).isEmpty {
                return nil
            }
        }
        throw StoreError("could not add the request-id prefix \(prefix) to request_id_prefixes; run the load again")
    }
}
