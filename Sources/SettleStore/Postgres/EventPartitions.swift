import SettleCore

/// usage_events' monthly partitions: one per UTC calendar month, named
/// `usage_events_YYYY_MM`, created the first time a load meets a month without one.
///
/// A partition is made on a connection of its own, committed at once, as a plain table then
/// attached: `ATTACH PARTITION` takes a SHARE UPDATE EXCLUSIVE lock on the parent, which does
/// not wait for the loads writing into it (`CREATE TABLE … PARTITION OF` would take an ACCESS
/// EXCLUSIVE one and wait for every one of them, the load asking included). Two processes
/// meeting the same new month serialise on a transaction advisory lock, and the second finds
/// the partition there.
final class EventPartitions {
    private let url: String
    private var attached: Set<PeriodMonth>

    init(db: PGConnection, url: String) throws {
        self.url = url
        attached = Set(try Self.list(db).map(\.month))
    }

    static func name(_ month: PeriodMonth) -> String {
        "usage_events_\(month.year)_\(month.month < 10 ? "0" : "")\(month.month)"
    }

    /// The partition's range of `ts_us`: [first instant of the month, first of the next).
    static func bounds(_ month: PeriodMonth) -> (from: Int64, to: Int64) {
        (month.firstDay.start.microseconds, month.next.firstDay.start.microseconds)
    }

    /// The months that have a partition, with the partition's name.
    static func list(_ db: PGConnection) throws -> [(month: PeriodMonth, table: String)] {
        let rows = try db.query("""
            SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
            WHERE i.inhparent = 'usage_events'::regclass ORDER BY c.relname
            """)
        return (0..<rows.count).compactMap { r in
            guard let table = rows.text(r, 0), table.hasPrefix("usage_events_") else { return nil }
            let suffix = String(table.dropFirst("usage_events_".count).map { $0 == "_" ? "-" : $0 })
            return PeriodMonth(suffix).map { ($0, table) }
        }
    }

    /// Makes sure `month` has its partition.
    func ensure(_ month: PeriodMonth) throws {
        if !attached.contains(month) { try create(month) }
    }

    private func create(_ month: PeriodMonth) throws {
        // A connection for this alone, closed at once: a load meets a new month rarely.
        let db = try PGConnection(url: url, applicationName: "settle partitions")
        let name = Self.name(month), (from, to) = Self.bounds(month)
        do {
            try create(name, from: from, to: to, on: db)
        } catch let error as StoreError {
            throw StoreError("cannot create the partition \(name) for events of \(month): \(error.description); settle's database role needs CREATE on its schema",
                             detail: error.detail, sqlState: error.sqlState)
        }
        attached.insert(month)
    }

    private func create(_ name: String, from: Int64, to: Int64, on db: PGConnection) throws {
        try db.transaction {
            try db.query("SELECT pg_advisory_xact_lock($1::int, hashtext(current_database() || '.' || current_schema() || '.partition'))",
                         [String(PostgresStore.lockClass + 2)])
            let present = try db.query("""
                SELECT EXISTS (SELECT 1 FROM pg_inherits WHERE inhrelid = to_regclass($1) AND inhparent = 'usage_events'::regclass)
                """, [name]).text(0, 0) == "t"
            if !present {
                try db.execute("""
                    CREATE TABLE IF NOT EXISTS \(name) (LIKE usage_events INCLUDING DEFAULTS);
                    ALTER TABLE usage_events ATTACH PARTITION \(name) FOR VALUES FROM (\(from)) TO (\(to));
                    """)
            }
        }
    }
}
