#if canImport(Glibc)
import Glibc
#endif
import Logging
import SettleCore
import SettleFormats
import SettleStore

/// `settle archive [--before P]`: the events of closed months out of the store, into
/// `archive/usage-YYYY-MM.jsonl.zst`, one file per month, recorded with its SHA-256 and counts.
///
/// A month goes in three steps, so that a kill at any moment leaves each of its events either
/// in the store or in a complete, recorded file, never both counted and never neither:
/// 1. its events (and, if the month was archived before and late events came since, the old
///    file's) are written to `usage-YYYY-MM.jsonl.zst.new` and synced; nothing is recorded;
/// 2. one transaction records the file and removes the month's events, keeping their ids;
/// 3. the `.new` file is renamed into place.
/// A run begins by finishing what a killed run left between 2 and 3 (a `.new` file whose
/// checksum the store records is put in place; any other `.new` file is removed).
public struct ArchiveEvents: Job {
    public var before: PeriodMonth?

    public init(before: PeriodMonth? = nil) { self.before = before }

    public struct Result: JobResult, Sendable {
        public init() {}
        public var runRecord: RunRecord?
        public var archived: [ArchiveRecord] = []
        /// Months due but kept, and why (periods not issued, daily rows not current).
        public var kept: [(month: PeriodMonth, why: String)] = []
        /// The first month left in the store whatever its periods.
        public var firstKept = PeriodMonth(year: 1970, month: 1)
        public var status: ExitStatus { kept.isEmpty ? .ok : .findings }
        public var findings: String? {
            guard !kept.isEmpty else { return nil }
            return kept.map { "\($0.month) kept in the store: \($0.why)" }.joined(separator: "; ")
        }
    }

    public var name: String { "archive" }

    public func parameters(env: JobEnvironment, prepared: Catalog, startedAt: Timestamp) -> [String: String] {
        before.map { ["before": $0.description] } ?? [:]
    }

    public func run(store: any SettleStore, env: JobEnvironment, prepared catalog: Catalog, runID: String, startedAt: Timestamp) throws -> (Result, JobRun.Outcome) {
        var result = Result()
        let dir = env.config.archive.dir
        try FileSystem.createDirectory(dir)
        try Self.finishInterrupted(store: store, dir: dir)
        let thisMonth = PeriodMonth(containing: startedAt.day)
        if let before, before > thisMonth {
            throw ArchiveRefused("--before \(before) would archive this month (\(thisMonth)), whose events are still coming; name \(thisMonth) or an earlier month")
        }
        result.firstKept = ArchivePlan.firstKept(today: startedAt.day, keepMonths: env.config.archive.keepMonths, before: before)
        let book = PriceBook(rows: catalog.prices, tierMultipliers: env.config.tierMultipliers)
        for month in try store.archive.monthsWithEvents(before: result.firstKept) {
            let usage = try store.archive.usage(in: month)
            // Periods holding this month's days start at most a month before it.
            let issued = try store.archive.issuedPeriods(startingFrom: month.previous.firstDay, to: month.lastDay)
            let unissued = ArchivePlan.unissuedPeriods(usage: usage, billingDay: { catalog.customers[$0]?.billingDay }, issued: issued)
            guard unissued.isEmpty else {
                result.kept.append((month, "\(unissued.count) billing period(s) with usage in it not issued yet ("
                                    + unissued.prefix(3).map { "\($0.customerID) from \($0.start)" }.joined(separator: ", ")
                                    + (unissued.count > 3 ? ", …" : "") + "); close them, then archive again"))
                continue
            }
            // Once archived, the month's figures come from its daily rows alone: they must be
            // current (split as the price book says now) and count every event.
            let current = try store.periods.currentDays(from: month.firstDay, to: month.lastDay, stretches: { book.changes(within: $0) },
                                                        bands: book.bands)
            do {
                result.archived.append(try archive(month, store: store, env: env, dir: dir, runID: runID, at: startedAt, current: current))
            } catch let refused as ArchiveRefused {
                result.kept.append((month, refused.description))
            }
        }
        try store.archive.dropEmptyPartitions(before: result.firstKept)
        if !result.archived.isEmpty {
            env.progress.update("archive: reclaiming the store's space", done: 0, total: nil, unit: "")
            try store.archive.reclaimSpace()
        }
        env.progress.finish()
        return (result, JobRun.Outcome(status: result.status, outputs: result.archived.map(\.path), message: result.findings))
    }

    static func path(_ month: PeriodMonth, dir: String) -> String { "\(dir)/usage-\(month).jsonl.zst" }

    func archive(_ month: PeriodMonth, store: any SettleStore, env: JobEnvironment, dir: String, runID: String, at now: Timestamp,
                 current: Set<UTCDay>) throws -> ArchiveRecord {
        let final = Self.path(month, dir: dir)
        let staging = final + ".new"
        let writer = try ZstdFileWriter(path: staging)
        var events: Int64 = 0, fromStore: Int64 = 0
        var first = Int64.max
        var perDay: [UTCDay: Int64] = [:]
        let earlier = try store.archive.record(month)
        do {
            if let earlier {
                // Late events came for a month archived before: the new file holds both.
                let read = try ZstdLineReader.forEachLine(path: earlier.path) { line, number in
                    let event = try ArchivedEvent.event(line, lineNumber: number, path: earlier.path)
                    perDay[event.timestamp.day, default: 0] += 1
                    var bytes = [UInt8](line)
                    bytes.append(0x0A)
                    try writer.write(bytes)
                    events += 1
                }
                guard read.sha256 == earlier.sha256, events == earlier.events else {
                    throw FileSystemError(path: earlier.path, "does not match its record (SHA-256 \(earlier.sha256), \(earlier.events) events): it changed since it was archived; put the recorded file back before archiving \(month) again")
                }
                first = earlier.firstEvent.microseconds
            }
            try store.archive.forEachEvent(in: month) { e in
                try writer.write(ArchivedEvent.line(e))
                perDay[e.timestamp.day, default: 0] += 1
                events += 1
                fromStore += 1
                first = min(first, e.timestamp.microseconds)
                if fromStore % 100_000 == 0 {
                    env.progress.update("archive \(month)", done: fromStore, total: nil, unit: "events")
                }
            }
            let counted = try store.archive.dailyEventCounts(in: month)
            let wrong = Set(perDay.keys).union(counted.keys).sorted().filter { day in
                let n = perDay[day] ?? 0
                return (counted[day] ?? 0) != n || (n > 0 && !current.contains(day))
            }
            if let firstWrong = wrong.first, let lastWrong = wrong.last {
                let days = wrong.prefix(3).map(\.description).joined(separator: ", ") + (wrong.count > 3 ? ", …" : "")
                let rebuild = "settle aggregate --from \(firstWrong) --to \(lastWrong) --rebuild"
                let todo = earlier == nil ? "run \(rebuild), then archive again"
                    : "run settle archive --restore \(month), then \(rebuild), then archive again"
                throw ArchiveRefused("the daily rows of \(wrong.count) day(s) (\(days)) do not count all their events, or were summed at other prices; \(todo)")
            }
        } catch {
            writer.discard()
            throw error
        }
        let (sha, bytes) = try writer.finish()
        // The file's name on disk before the store says the events are in it.
        FileSystem.syncFileSystem(of: staging)
        CrashPoint.reach("archive:written")
        let record = ArchiveRecord(month: month, path: final, sha256: sha, events: events, bytes: bytes,
                                   firstEvent: Timestamp(microseconds: first), archivedAt: now, runID: runID)
        try store.archive.commit(record, storedEvents: fromStore)
        CrashPoint.reach("archive:committed")
        try Self.putInPlace(staging, as: final)
        env.logger.info("archive: \(month): \(fromStore) events out of the store, \(events) in \(final) (\(bytes) bytes)")
        return record
    }

    static func putInPlace(_ staging: String, as final: String) throws {
        guard rename(staging, final) == 0 else {
            throw FileSystemError(path: staging, "cannot rename to \(final): \(String(cString: strerror(errno)))")
        }
        FileSystem.syncFileSystem(of: final)
    }

    /// What a killed run left between recording a file and renaming it into place: a `.new`
    /// file whose SHA-256 the store records for its month is put where the record says; any
    /// other `.new` file (a write that never got recorded) is removed. A file that cannot be
    /// read stops the run: it may be the only copy of its month.
    static func finishInterrupted(store: any SettleStore, dir: String) throws {
        let records = try store.archive.records()
        for name in FileSystem.names(in: dir).sorted() where name.hasPrefix("usage-") && name.hasSuffix(".jsonl.zst.new") {
            let staging = "\(dir)/\(name)"
            let month = PeriodMonth(String(name.dropFirst("usage-".count).prefix(7)))
            let sha = try FileSHA256.of(path: staging)
            if let record = records.first(where: { $0.month == month && $0.sha256 == sha }) {
                try putInPlace(staging, as: record.path)
            } else {
                FileSystem.remove(staging)
            }
        }
    }
}

/// A month `settle archive` leaves in the store, or a request it refuses; the message says why.
struct ArchiveRefused: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
