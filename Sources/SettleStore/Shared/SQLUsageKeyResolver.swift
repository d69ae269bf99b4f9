/// The resolver both stores share: the same SQL, but for how a new id is chosen
/// (`SQLExecutor.dictionaryIDs`). SQLite counts on from the highest (or lowest) id inside the
/// load's transaction; PostgreSQL takes the sequence's next number and lets an entry another
/// load made first win (ON CONFLICT), then reads back what is there.
final class SQLUsageKeyResolver: UsageKeyResolver {
    let sql: any SQLExecutor

    init(_ sql: any SQLExecutor) { self.sql = sql }

    func ids(of entries: [[String]], in dictionary: NameDictionary, new: Bool) throws -> [Int64] {
        try sql.dictionaryIDs(of: entries, in: dictionary, new: new)
    }

    func stored(_ dictionary: NameDictionary, limit: Int) throws -> [([String], Int64)]? {
        let count = StoredColumns(dictionary.table, ["COUNT(*)"])
        guard try sql.rows(count, "FROM \(dictionary.table)", [], { try $0.int() })[0] <= limit else { return nil }
        var out: [([String], Int64)] = []
        let n = dictionary.columns.count
        try sql.eachRow(StoredColumns(dictionary.table, ["id"] + dictionary.columns), "FROM \(dictionary.table)") { row in
            let id = try row.int()
            var values: [String] = []
            values.reserveCapacity(n)
            for _ in 0..<n { values.append(try row.text()) }
            out.append((values, id))
        }
        return out
    }

    /// A prefix another load added first is left to it (ON CONFLICT DO NOTHING), and read back:
    /// PostgreSQL's loads run side by side. SQLite's one writer never meets one, and takes the
    /// clause after an INSERT … SELECT whose SELECT has a WHERE, so the SQL is one.
    func prefixID(_ prefix: String) throws -> UInt8? {
        let ids = StoredColumns("request_id_prefixes", ["id"])
        let count = StoredColumns("request_id_prefixes", ["COUNT(*)"])
        for _ in 0..<8 {
            if let id = try sql.rows(ids, "FROM request_id_prefixes WHERE prefix = ?", [.text(prefix)], { try $0.int() }).first {
                return UInt8(id)
            }
            let made = try sql.perform("""
                INSERT INTO request_id_prefixes(id, prefix)
                SELECT m + 1, ? FROM (SELECT COALESCE(MAX(id), 0) AS m FROM request_id_prefixes) t WHERE m < \(StoredRequestID.maximumPrefixID)
                ON CONFLICT DO NOTHING
                """, [.text(prefix)])
            if made == 0, try sql.rows(count, "FROM request_id_prefixes", [], { try $0.int() })[0] >= StoredRequestID.maximumPrefixID,
               try sql.fetch("SELECT 1 FROM request_id_prefixes WHERE prefix = ?", [.text(prefix)]).isEmpty {
                return nil
            }
        }
        throw StoreError("could not add the request-id prefix \(prefix) to request_id_prefixes; run the load again")
    }
}
