import SettleCore

/// A month whose events are in an archive file, as the store records it.
public struct ArchiveRecord: Sendable, Equatable {
    public var month: PeriodMonth
    public var path: String
    public var sha256: String
    public var events: Int64
    public var bytes: Int64
    /// The month's first event: periods are summed from the first event on, archived or not.
    public var firstEvent: Timestamp
    public var archivedAt: Timestamp
    public var runID: String

    public init(month: PeriodMonth, path: String, sha256: String, events: Int64, bytes: Int64, firstEvent: Timestamp,
                archivedAt: Timestamp, runID: String) {
        self.month = month
        self.path = path
        self.sha256 = sha256
        self.events = events
        self.bytes = bytes
        self.firstEvent = firstEvent
        self.archivedAt = archivedAt
        self.runID = runID
    }
}

/// Work that needs the events of an archived month (a rebuild from events, a trial counted
/// event by event): exit 1, naming the archive to restore.
public struct ArchivedEventsNeeded: Error, Sendable, CustomStringConvertible {
    public var month: PeriodMonth
    public var path: String
    public var why: String
    public var description: String {
        "\(why) needs the events of \(month), which are archived in \(path); put them back with `settle archive --restore \(month)` and run this again"
    }
}

/// Closed months' events moved out of the store and back (`settle archive`), the same SQL on
/// both stores except for how a month's events leave and come back (`SQLExecutor`):
/// PostgreSQL detaches and drops the month's partition; SQLite deletes the rows and keeps their
/// request ids in `archived_request_ids`, which a trigger consults before any insert, so an
/// archived event loaded again is still a duplicate (PostgreSQL's `request_ids` set is never
/// archived).
public final class EventArchive {
    let sql: any SQLExecutor

    init(_ sql: any SQLExecutor) { self.sql = sql }

    static let columns = ["request_id", "ts_us", "customer_id", "provider", "model", "input_tokens", "cached_input_tokens",
                          "cache_write_tokens", "cache_write_1h_tokens", "output_tokens", "requests", "tier", "status", "api_key_id",
                          "upstream_account", "service_id", "latency_ms", "reported_cost"]
    /// An event's columns as the named view gives them (`event`).
    static let eventColumns = StoredColumns("usage_events_named", columns)

    static let recordColumns = StoredColumns("archives", ["month", "path", "sha256", "events", "bytes", "first_ts_us", "archived_at", "run_id"])

    public func records() throws -> [ArchiveRecord] {
        try sql.rows(Self.recordColumns, "FROM archives ORDER BY month") { row -> ArchiveRecord in
            let month = try row.month()
            let path = try row.text()
            let sha256 = try row.text()
            let events = try row.int()
            let bytes = try row.int()
            let firstEvent = try row.int()
            let archivedAt = try row.time()
            let runID = try row.text()
            return ArchiveRecord(month: month, path: path, sha256: sha256, events: events, bytes: bytes,
                                 firstEvent: Timestamp(microseconds: firstEvent), archivedAt: archivedAt, runID: runID)
        }
    }

    public func record(_ month: PeriodMonth) throws -> ArchiveRecord? { try records().first { $0.month == month } }

    /// Whether any of `days` lies in an archived month.
    public func covers(_ days: ClosedRange<UTCDay>) throws -> Bool {
        !(try sql.fetch("SELECT 1 FROM archives WHERE month >= ? AND month <= ? LIMIT 1",
                        [.text(PeriodMonth(containing: days.lowerBound).description), .text(PeriodMonth(containing: days.upperBound).description)]).isEmpty)
    }

    /// Throws `ArchivedEventsNeeded` when any of `days` lies in an archived month.
    public func requireEvents(of days: ClosedRange<UTCDay>, for why: String) throws {
        let first = PeriodMonth(containing: days.lowerBound), last = PeriodMonth(containing: days.upperBound)
        let archived = StoredColumns("archives", ["month", "path"])
        if let (month, path) = try sql.rows(archived, "FROM archives WHERE month >= ? AND month <= ? ORDER BY month LIMIT 1",
                                            [.text(first.description), .text(last.description)], { row -> (PeriodMonth, String) in
            let month = try row.month()
            let path = try row.text()
            return (month, path)
        }).first {
            throw ArchivedEventsNeeded(month: month, path: path, why: why)
        }
    }

    /// Calendar months before `before` that hold events in the store, oldest first.
    public func monthsWithEvents(before: PeriodMonth) throws -> [PeriodMonth] {
        if let listed = try sql.monthsListedWithEvents() {
            return try listed.filter { $0 < before }.filter { try hasEvents($0) }
        }
        let first = StoredColumns("usage_events", ["MIN(ts_us)"])
        guard let lowest = try sql.rows(first, "FROM usage_events", [], { try $0.optionalInt() })[0] else { return [] }
        var month = PeriodMonth(containing: Timestamp(microseconds: lowest).day)
        var out: [PeriodMonth] = []
        while month < before {
            if try hasEvents(month) { out.append(month) }
            month = month.next
        }
        return out
    }

    func hasEvents(_ month: PeriodMonth) throws -> Bool {
        !(try sql.fetch("SELECT 1 FROM usage_events WHERE ts_us >= ? AND ts_us < ? LIMIT 1",
                        [.int(month.firstDay.start.microseconds), .int(month.next.firstDay.start.microseconds)]).isEmpty)
    }

    /// Each customer's first and last day with answered requests in `month`, from the daily
    /// rows (a customer with errors only and no fee is never invoiced: nothing to wait for).
    public func usage(in month: PeriodMonth) throws -> [ArchivePlan.Usage] {
        let span = StoredColumns("usage_daily", ["customer_id", "MIN(day)", "MAX(day)"])
        return try sql.rows(span, "FROM usage_daily WHERE day >= ? AND day <= ? AND status = 'ok' GROUP BY customer_id",
                            [.text(month.firstDay.description), .text(month.lastDay.description)]) { row -> ArchivePlan.Usage in
            let customerID = try row.text()
            let firstDay = try row.day()
            let lastDay = try row.day()
            return ArchivePlan.Usage(customerID: customerID, firstDay: firstDay, lastDay: lastDay)
        }
    }

    /// (customer, period start) of every invoice issued for a period starting in `from`…`to`.
    public func issuedPeriods(startingFrom from: UTCDay, to: UTCDay) throws -> Set<IssuedPeriod> {
        let issued = StoredColumns("invoices", ["customer_id", "period_start"])
        return Set(try sql.rows(issued, "FROM invoices WHERE kind = 'invoice' AND period_start >= ? AND period_start <= ?",
                                [.text(from.description), .text(to.description)]) { row -> IssuedPeriod in
            let customerID = try row.text()
            let start = try row.day()
            return IssuedPeriod(customerID: customerID, start: start)
        })
    }

    /// Every stored event of `month`, in the store's order, one at a time.
    public func forEachEvent(in month: PeriodMonth, _ body: (UsageEvent) throws -> Void) throws {
        let from = month.firstDay.start.microseconds, to = month.next.firstDay.start.microseconds
        let columns = Self.eventColumns
        try sql.streamEventRows(columns.select("FROM usage_events_named WHERE ts_us >= \(from) AND ts_us < \(to)")) { values in
            var row = columns.reader(values)
            try body(try Self.event(&row))
        }
    }

    /// The next `columns` of a row as an event. A count is never NULL here (the named view
    /// reads PostgreSQL's NULL cache counts as 0); the names an event may lack, its latency and
    /// its reported cost may be.
    static func event(_ row: inout StoredRow) throws -> UsageEvent {
        let requestID = try row.text()
        let ts = try row.int()
        let customerID = try row.text()
        let provider = try row.text()
        let model = try row.text()
        let input = try row.int()
        let cached = try row.int()
        let cacheWrite = try row.int()
        let cacheWrite1h = try row.int()
        let output = try row.int()
        let requests = try row.int()
        let tier = try row.value(Tier.self)
        let status = try row.value(EventStatus.self)
        let apiKeyID = try row.optionalText()
        let upstreamAccount = try row.optionalText()
        let serviceID = try row.optionalText()
        let latencyMs = try row.optionalInt()
        let reportedCost = try row.decimal()
        var e = UsageEvent(requestID: requestID, timestamp: Timestamp(microseconds: ts), customerID: customerID, provider: provider,
                           model: model, inputTokens: input, cachedInputTokens: cached, cacheWriteTokens: cacheWrite,
                           cacheWrite1hTokens: cacheWrite1h, outputTokens: output, requests: requests, tier: tier, status: status,
                           apiKeyID: apiKeyID, upstreamAccount: upstreamAccount, serviceID: serviceID, latencyMs: latencyMs)
        e.reportedCost = reportedCost
        return e
    }

    /// Events per day of `month` as its daily rows count them: an archive holds a month only if
    /// the rows count every event it writes.
    public func dailyEventCounts(in month: PeriodMonth) throws -> [UTCDay: Int64] {
        var out: [UTCDay: Int64] = [:]
        let counts = StoredColumns("usage_daily", ["day", "SUM(events)"])
        try sql.eachRow(counts, "FROM usage_daily WHERE day >= ? AND day <= ? GROUP BY day",
                        [.text(month.firstDay.description), .text(month.lastDay.description)]) { row in
            let day = try row.day()
            out[day] = try row.int()
        }
        return out
    }

    /// Records `record` (replacing an earlier record of the month) and removes the month's
    /// events from the store, keeping their request ids, in one transaction. `expected` is how
    /// many of the month's events the archive file holds from the store: if the store holds
    /// another number now, nothing is done.
    public func commit(_ record: ArchiveRecord, storedEvents expected: Int64) throws {
        let from = record.month.firstDay.start.microseconds, to = record.month.next.firstDay.start.microseconds
        try sql.inTransaction {
            let count = StoredColumns("usage_events", ["COUNT(*)"])
            let stored = try sql.rows(count, "FROM usage_events WHERE ts_us >= ? AND ts_us < ?", [.int(from), .int(to)], { try $0.int() })[0]
            guard stored == expected else {
                throw StoreError("the store holds \(stored) events of \(record.month), not the \(expected) just written to \(record.path); run settle archive again")
            }
            try sql.perform("DELETE FROM archives WHERE month = ?", [.text(record.month.description)])
            try sql.perform("""
                INSERT INTO archives(month, path, sha256, events, bytes, first_ts_us, archived_at, run_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, [.text(record.month.description), .text(record.path), .text(record.sha256), .int(record.events), .int(record.bytes),
                      .int(record.firstEvent.microseconds), .text(record.archivedAt.description), .text(record.runID)])
            try sql.removeArchivedEvents(of: record.month)
        }
    }

    /// PostgreSQL: drops the partitions of months before `before` that hold no event (a load
    /// of duplicates only, or one rolled back, made them for an archived or empty month).
    /// Returns their months. SQLite has no partitions.
    @discardableResult
    public func dropEmptyPartitions(before: PeriodMonth) throws -> [PeriodMonth] {
        try sql.dropEmptyEventMonths(before: before)
    }

    /// SQLite gives the freed pages back to the file system (PostgreSQL's DROP already did).
    public func reclaimSpace() throws {
        try sql.reclaimSpace()
    }

    /// Puts `events` (an archive file's, read and checked by the caller) back into the store
    /// and forgets the record, in one transaction. Their ids stay in the set: they are the
    /// same events.
    public func restore(_ month: PeriodMonth, events: (_ add: (UsageEvent) throws -> Void) throws -> Void) throws -> Int64 {
        try sql.inTransaction {
            // SQLite's trigger would take these events for archived duplicates: off while they
            // go back, then their ids leave the archived set (all inside the transaction).
            try sql.beginRestore(of: month)
            let sink = StoredEventSink(sql)
            var count: Int64 = 0
            try events { e in
                try sink.append(e, inputID: 0)
                count += 1
            }
            try sink.flush()
            try sql.endRestore(of: month)
            try sql.perform("DELETE FROM archives WHERE month = ?", [.text(month.description)])
            return count
        }
    }
}
