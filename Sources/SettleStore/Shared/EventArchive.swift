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

    public func records() throws -> [ArchiveRecord] {
        try sql.fetch("SELECT month, path, sha256, events, bytes, first_ts_us, archived_at, run_id FROM archives ORDER BY month", [])
            .map { r in
                guard let month = PeriodMonth(r.text(0)) else { throw StoreError.unreadable("archives.month", r[0]) }
                return ArchiveRecord(month: month, path: r.text(1), sha256: r.text(2), events: r.int(3), bytes: r.int(4),
                                     firstEvent: Timestamp(microseconds: r.int(5)), archivedAt: try r.time(6, "archives.archived_at"),
                                     runID: r.text(7))
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
        if let r = try sql.fetch("SELECT month, path FROM archives WHERE month >= ? AND month <= ? ORDER BY month LIMIT 1",
                                 [.text(first.description), .text(last.description)]).first {
            throw ArchivedEventsNeeded(month: PeriodMonth(r.text(0)) ?? first, path: r.text(1), why: why)
        }
    }

    /// Calendar months before `before` that hold events in the store, oldest first.
    public func monthsWithEvents(before: PeriodMonth) throws -> [PeriodMonth] {
        if let listed = try sql.monthsListedWithEvents() {
            return try listed.filter { $0 < before }.filter { try hasEvents($0) }
        }
        guard let lowest = try sql.fetch("SELECT MIN(ts_us) FROM usage_events", [])[0].optionalInt(0) else { return [] }
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
        try sql.fetch("SELECT customer_id, MIN(day), MAX(day) FROM usage_daily WHERE day >= ? AND day <= ? AND status = 'ok' GROUP BY customer_id",
                      [.text(month.firstDay.description), .text(month.lastDay.description)]).map { r in
            ArchivePlan.Usage(customerID: r.text(0), firstDay: try r.day(1, "usage_daily.day"), lastDay: try r.day(2, "usage_daily.day"))
        }
    }

    /// (customer, period start) of every invoice issued for a period starting in `from`…`to`.
    public func issuedPeriods(startingFrom from: UTCDay, to: UTCDay) throws -> Set<IssuedPeriod> {
        Set(try sql.fetch("SELECT customer_id, period_start FROM invoices WHERE kind = 'invoice' AND period_start >= ? AND period_start <= ?",
                          [.text(from.description), .text(to.description)]).compactMap { r in
            UTCDay(r.text(1)).map { IssuedPeriod(customerID: r.text(0), start: $0) }
        })
    }

    /// Every stored event of `month`, in the store's order, one at a time.
    public func forEachEvent(in month: PeriodMonth, _ body: (UsageEvent) throws -> Void) throws {
        let from = month.firstDay.start.microseconds, to = month.next.firstDay.start.microseconds
        let select = "SELECT \(Self.columns.joined(separator: ", ")) FROM usage_events_named WHERE ts_us >= \(from) AND ts_us < \(to)"
        try sql.streamEventRows(select) { f in
            try body(try Self.event(f))
        }
    }

    static func event(_ f: [String?]) throws -> UsageEvent {
        guard f.count == columns.count, let id = f[0], let ts = f[1].flatMap({ Int64($0) }) else {
            throw StoreError("usage_events holds a row settle cannot read while archiving", detail: "\(f)")
        }
        func n(_ i: Int) -> Int64 { f[i].flatMap { Int64($0) } ?? 0 }
        guard let tier = Tier(rawValue: f[11] ?? "") else { throw StoreError.unreadable("usage_events.tier", f[11]) }
        guard let status = EventStatus(rawValue: f[12] ?? "") else { throw StoreError.unreadable("usage_events.status", f[12]) }
        var e = UsageEvent(requestID: id, timestamp: Timestamp(microseconds: ts), customerID: f[2] ?? "", provider: f[3] ?? "",
                           model: f[4] ?? "", inputTokens: n(5), cachedInputTokens: n(6), cacheWriteTokens: n(7), cacheWrite1hTokens: n(8),
                           outputTokens: n(9), requests: n(10), tier: tier, status: status, apiKeyID: f[13], upstreamAccount: f[14],
                           serviceID: f[15], latencyMs: f[16].flatMap { Int64($0) })
        e.reportedCost = f[17].flatMap { ExactDecimal($0) }
        return e
    }

    /// Events per day of `month` as its daily rows count them: an archive holds a month only if
    /// the rows count every event it writes.
    public func dailyEventCounts(in month: PeriodMonth) throws -> [UTCDay: Int64] {
        var out: [UTCDay: Int64] = [:]
        for r in try sql.fetch("SELECT day, SUM(events) FROM usage_daily WHERE day >= ? AND day <= ? GROUP BY day",
                               [.text(month.firstDay.description), .text(month.lastDay.description)]) {
            out[try r.day(0, "usage_daily.day")] = r.int(1)
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
            let stored = try sql.fetch("SELECT COUNT(*) FROM usage_events WHERE ts_us >= ? AND ts_us < ?", [.int(from), .int(to)])[0].int(0)
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
