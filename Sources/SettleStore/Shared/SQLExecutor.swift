import SettleCore

/// The part of SQL that SQLite and PostgreSQL speak alike, so that a store feature whose SQL is
/// the same on both is written once (`SharedSQLStore`). Statements use `?` placeholders (the
/// PostgreSQL side numbers them); values go in as text or integers and come back as text,
/// which both servers convert by the column's type. Where the stores differ, a requirement
/// says how and why, and each store's folder implements it: Shared/ never asks which store it
/// has.
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

    /// INSERTs rows, adding the `adding` columns to those of a row already stored under the same
    /// `key` (which a unique index must cover). A requirement, not only an extension method, so
    /// that a store's own way is the one called through `any SQLExecutor`: PostgreSQL, a round
    /// trip per statement away, takes many rows through COPY and one statement; SQLite, in
    /// process, has no round trip to save (`upsertInStatements`).
    func upsert(into table: String, columns: [String], rows: [[SQLParam]], key: [String], adding: [String]) throws

    // The stored events (`StoredEvents`, `EventArchive`): one layout, two ways of holding a
    // month. PostgreSQL partitions usage_events by month and keeps every request id in a set
    // of its own, so a month comes and goes as a table; SQLite holds one table whose unique
    // index is the id set, so a month's rows are deleted and their ids kept apart.

    /// Whether a zero cache count is stored as NULL: PostgreSQL's NULL takes no bytes in the
    /// row, a zero four; SQLite stores a small integer in a byte either way.
    var zeroCountsAsNull: Bool { get }
    /// Makes sure `month` has a place for its events before any is written outside a load:
    /// PostgreSQL's month partition (CREATE TABLE IF NOT EXISTS); SQLite's one table needs none.
    func prepareEventMonth(_ month: PeriodMonth) throws
    /// The months the store holds events apart in, oldest first (PostgreSQL's partitions, each
    /// of which may be empty), or nil when it has no such list (SQLite): the months are then
    /// walked from the first event's on. On PostgreSQL MIN(ts_us) over every partition would
    /// read each of them (a BRIN index has no minimum).
    func monthsListedWithEvents() throws -> [PeriodMonth]?
    /// The rows of `select` (events, with a `ts_us` column) one at a time, none kept, the fastest
    /// way the store streams a month: SQLite in time order through its time index (the statement
    /// gets `ORDER BY ts_us`, which costs it no sort); PostgreSQL a COPY in the partition's own
    /// order (sorting would make the server hold the month).
    func streamEventRows(_ select: String, _ body: ([String?]) throws -> Void) throws
    /// The rows of `select` one at a time while the same connection writes between them:
    /// PostgreSQL through a cursor, a page at a time (a plain result holds every row in memory,
    /// and a COPY keeps the connection from writing until it ends); SQLite's statement steps
    /// beside the writes.
    func rowsWhileWriting(_ select: String, _ body: ([String?]) throws -> Void) throws
    /// Removes an archived month's events, keeping their request ids as seen: PostgreSQL
    /// detaches and drops the month's partition (its ids stay in the set); SQLite moves the ids
    /// to `archived_request_ids`, which a trigger consults before any insert, and deletes the
    /// rows. Inside the caller's transaction.
    func removeArchivedEvents(of month: PeriodMonth) throws
    /// Before an archived month's events go back (inside the restore's transaction):
    /// PostgreSQL makes the month's partition; SQLite turns the archived-id trigger off, which
    /// would take the returning events for archived duplicates.
    func beginRestore(of month: PeriodMonth) throws
    /// After they are back: SQLite forgets their ids as archived and turns the trigger on
    /// again; PostgreSQL's set never let them go.
    func endRestore(of month: PeriodMonth) throws
    /// Drops the places kept for months before `before` that hold no event (PostgreSQL: a
    /// load of duplicates only, or one rolled back, made a partition for an archived or empty
    /// month); returns their months. SQLite keeps no place per month: none.
    func dropEmptyEventMonths(before: PeriodMonth) throws -> [PeriodMonth]
    /// After an archive: SQLite gives the freed pages back to the file system (VACUUM);
    /// PostgreSQL's DROP already did.
    func reclaimSpace() throws
    /// The ids of `entries` of `dictionary` (`UsageKeyResolver.ids`), made where missing.
    /// SQLite's load is the one writer and numbers new entries itself, inside its transaction;
    /// PostgreSQL's loads run side by side, so ids come from the sequence and an entry another
    /// load made first wins.
    func dictionaryIDs(of entries: [[String]], in dictionary: NameDictionary, new: Bool) throws -> [Int64]

    // Schema 14's conversion of the events already stored (`EventLayoutMigration`).

    /// Whether an event keeps its row id through a conversion: SQLite's rowid is the events'
    /// order of arrival, which a load reads its stored rows back by (rowid above the last
    /// before it); PostgreSQL's events have none.
    var keepsEventRowIDs: Bool { get }
    /// Whether event counts are stored in 32-bit columns (PostgreSQL's, to keep rows narrow):
    /// a larger count cannot be converted. SQLite's integers take any count.
    var storesCountsIn32Bits: Bool { get }
    /// The table of request ids kept apart from the events, and its name in schema 13:
    /// PostgreSQL's set of every id (the only unique key across partitions), SQLite's ids of
    /// archived events (the others are in the events' own unique index).
    var keptRequestIDs: (table: String, schema13Table: String) { get }
    /// After request ids of archived events are stored: SQLite makes the trigger that skips an
    /// insert of one of them (made by the first archive, so a store that never archives pays
    /// nothing for it); PostgreSQL's set is the events' unique key already.
    func guardArchivedRequestIDs() throws
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

    /// `upsert` as multi-row INSERT … ON CONFLICT DO UPDATE statements, a few hundred rows each.
    func upsertInStatements(into table: String, columns: [String], rows: [[SQLParam]], key: [String], adding: [String]) throws {
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
