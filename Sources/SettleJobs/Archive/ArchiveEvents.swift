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

    public struct Report: JobReport, Sendable {
        public init() {}
        public var runRecord: RunRecord?
        public var archived: [ArchiveRecord] = []
        /// Months due but kept: billing periods with usage in them are not issued yet.
        public var kept: [(month: PeriodMonth, unissued: [IssuedPeriod])] = []
        /// The first month left in the store whatever its periods.
        public var firstKept = PeriodMonth(year: 1970, month: 1)
        public var status: ExitStatus { kept.isEmpty ? .ok : .findings }
        public var findings: String? {
            guard !kept.isEmpty else { return nil }
            return kept.map { k in
                "\(k.month) kept in the store: \(k.unissued.count) billing period(s) with usage in it not issued yet ("
                    + k.unissued.prefix(3).map { "\($0.customerID) from \($0.start)" }.joined(separator: ", ")
                    + (k.unissued.count > 3 ? ", …" : "") + "); close them, then archive again"
            }.joined(separator: "; ")
        }
    }

    public var name: String { "archive" }

    public func parameters(env: JobEnvironment, startedAt: Timestamp) -> [String: String] {
        before.map { ["before": $0.description] } ?? [:]
    }

    public func run(store: any SettleStore, env: JobEnvironment, catalog: Catalog, runID: String, startedAt: Timestamp) throws -> (Report, JobRun.Outcome) {
        var report = Report()
        let dir = env.config.archive.dir
        try FileSystem.createDirectory(dir)
        try Self.finishInterrupted(store: store, dir: dir)
        report.firstKept = ArchivePlan.firstKept(today: startedAt.day, keepMonths: env.config.archive.keepMonths, before: before)
        for month in try store.archive.monthsWithEvents(before: report.firstKept) {
            let usage = try store.archive.usage(in: month)
            // Periods holding this month's days start at most a month before it.
            let issued = try store.archive.issuedPeriods(startingFrom: month.previous.firstDay, to: month.lastDay)
            let unissued = ArchivePlan.unissuedPeriods(usage: usage, billingDay: { catalog.customers[$0]?.billingDay }, issued: issued)
            guard unissued.isEmpty else {
                report.kept.append((month, unissued))
                continue
            }
            report.archived.append(try archive(month, store: store, env: env, dir: dir, runID: runID, at: startedAt))
        }
        if !report.archived.isEmpty {
            env.progress.update("archive: reclaiming the store's space", done: 0, total: nil, unit: "")
            try store.archive.reclaimSpace()
        }
        env.progress.finish()
        return (report, JobRun.Outcome(status: report.status, outputs: report.archived.map(\.path), message: report.findings))
    }

    static func path(_ month: PeriodMonth, dir: String) -> String { "\(dir)/usage-\(month).jsonl.zst" }

    func archive(_ month: PeriodMonth, store: any SettleStore, env: JobEnvironment, dir: String, runID: String, at now: Timestamp) throws -> ArchiveRecord {
        let final = Self.path(month, dir: dir)
        let staging = final + ".new"
        let writer = try ZstdFileWriter(path: staging)
        var events: Int64 = 0, fromStore: Int64 = 0
        var first = Int64.max
        do {
            if let earlier = try store.archive.record(month) {
                // Late events came for a month archived before: the new file holds both.
                let read = try ZstdLineReader.forEachLine(path: earlier.path) { line, _ in
                    var bytes = [UInt8](line)
                    bytes.append(0x0A)
                    try writer.write(bytes)
                    events += 1
                }
                guard read.sha256 == earlier.sha256, events == earlier.events else {
                    throw ArchiveFileError(path: earlier.path, "does not match its record (SHA-256 \(earlier.sha256), \(earlier.events) events): it changed since it was archived; put the recorded file back before archiving \(month) again")
                }
                first = earlier.firstEvent.microseconds
            }
            try store.archive.forEachEvent(in: month) { e in
                try writer.write(ArchivedEvent.line(e))
                events += 1
                fromStore += 1
                first = min(first, e.timestamp.microseconds)
                if fromStore % 100_000 == 0 {
                    env.progress.update("archive \(month)", done: fromStore, total: nil, unit: "events")
                }
            }
        } catch {
            writer.discard()
            throw error
        }
        let (sha, bytes) = try writer.finish()
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
            throw ArchiveFileError(path: staging, "cannot rename to \(final): \(String(cString: strerror(errno)))")
        }
        FileSystem.syncFileSystem(of: final)
    }

    /// What a killed run left between recording a file and renaming it into place.
    static func finishInterrupted(store: any SettleStore, dir: String) throws {
        let records = try store.archive.records()
        for name in FileSystem.names(in: dir).sorted() where name.hasPrefix("usage-") && name.hasSuffix(".jsonl.zst.new") {
            let staging = "\(dir)/\(name)"
            let final = String(staging.dropLast(".new".count))
            let month = PeriodMonth(String(name.dropFirst("usage-".count).prefix(7)))
            let read = try? ZstdLineReader.forEachLine(path: staging) { _, _ in }
            if let month, let record = records.first(where: { $0.month == month }), record.path == final, read?.sha256 == record.sha256 {
                try putInPlace(staging, as: final)
            } else {
                FileSystem.remove(staging)
            }
        }
    }
}
