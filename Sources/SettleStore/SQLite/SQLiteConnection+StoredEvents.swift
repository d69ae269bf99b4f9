import SettleCore

/// SQLite's side of the stored events (`SQLExecutor`): one table whose unique index on the
/// request id is the set of ids seen. An archived month's rows are deleted and their ids kept
/// in `archived_request_ids`, which a trigger consults before any insert, so an archived event
/// loaded again is still a duplicate.
extension SQLiteConnection {
    var zeroCountsAsNull: Bool { false }

    func prepareEventMonth(_ month: PeriodMonth) throws {}

    func monthsListedWithEvents() throws -> [PeriodMonth]? { nil }

    func streamEventRows(_ select: String, _ body: ([String?]) throws -> Void) throws {
        // In time order through the time index (no sort of the month in memory).
        try forEachRow(select + " ORDER BY ts_us", []) { r in
            try body((0..<r.columnCount).map { r.isNull($0) ? nil : r.text($0) })
        }
    }

    func rowsWhileWriting(_ select: String, _ body: ([String?]) throws -> Void) throws {
        try fetchEach(select, [], body)
    }

    func removeArchivedEvents(of month: PeriodMonth) throws {
        let from = month.firstDay.start.microseconds, to = month.next.firstDay.start.microseconds
        try perform(Self.archivedIDTrigger, [])
        try perform("""
            INSERT OR IGNORE INTO archived_request_ids(request_id)
            SELECT request_id FROM usage_events WHERE ts_us >= ? AND ts_us < ?
            """, [.int(from), .int(to)])
        try perform("DELETE FROM usage_events WHERE ts_us >= ? AND ts_us < ?", [.int(from), .int(to)])
    }

    func beginRestore(of month: PeriodMonth) throws {
        try perform("DROP TRIGGER IF EXISTS usage_events_archived", [])
    }

    func endRestore(of month: PeriodMonth) throws {
        let from = month.firstDay.start.microseconds, to = month.next.firstDay.start.microseconds
        try perform("DELETE FROM archived_request_ids WHERE request_id IN (SELECT request_id FROM usage_events WHERE ts_us >= ? AND ts_us < ?)",
                    [.int(from), .int(to)])
        try perform(Self.archivedIDTrigger, [])
    }

    func dropEmptyEventMonths(before: PeriodMonth) throws -> [PeriodMonth] { [] }

    /// VACUUM copies what stays into a temporary database: on disk, not in memory.
    func reclaimSpace() throws {
        try execute("PRAGMA temp_store=FILE; VACUUM; PRAGMA temp_store=MEMORY")
    }

    var keepsEventRowIDs: Bool { true }

    var storesCountsIn32Bits: Bool { false }

    var keptRequestIDs: (table: String, schema13Table: String) { ("archived_request_ids", "archived_request_ids_v13") }

    func guardArchivedRequestIDs() throws {
        try perform(Self.archivedIDTrigger, [])
    }

    /// An event whose id is archived is skipped by any insert, as a duplicate. Made by the first
    /// archive run, so a store that never archives pays nothing for it.
    static let archivedIDTrigger = """
        CREATE TRIGGER IF NOT EXISTS usage_events_archived BEFORE INSERT ON usage_events
        WHEN EXISTS (SELECT 1 FROM archived_request_ids WHERE request_id = NEW.request_id)
        BEGIN SELECT RAISE(IGNORE); END
        """
}
