import SettleCore
import SettleFormats
import SettleStore

/// `settle archive --restore YYYY-MM`: an archived month's events back into the store, after
/// the file is checked against its record (SHA-256 and count). One transaction: a mismatch or
/// a kill leaves the store and the record as they were. The file is removed once its events
/// are back; a later archive writes it anew.
public struct RestoreEvents: Job {
    public var month: PeriodMonth

    public init(month: PeriodMonth) { self.month = month }

    public struct Result: JobResult, Sendable {
        public init() {}
        public var runRecord: RunRecord?
        public var restored: Int64 = 0
        public var path = ""
    }

    public var name: String { "archive-restore" }

    public func parameters(env: JobEnvironment, prepared: Catalog, startedAt: Timestamp) -> [String: String] { ["restore": month.description] }

    public func run(store: any SettleStore, env: JobEnvironment, prepared catalog: Catalog, runID: String, startedAt: Timestamp) throws -> (Result, JobRun.Outcome) {
        var result = Result()
        try ArchiveEvents.finishInterrupted(store: store, dir: env.config.archive.dir)
        guard let record = try store.archive.record(month) else {
            throw FileSystemError(path: ArchiveEvents.path(month, dir: env.config.archive.dir),
                                   "the store records no archive of \(month) (settle runs lists what ran); nothing to restore")
        }
        result.path = record.path
        guard FileSystem.exists(record.path) else {
            throw FileSystemError(path: record.path, "the store records \(record.events) events of \(month) in this file (SHA-256 \(record.sha256)), and it is not there; put it back and restore again")
        }
        result.restored = try store.archive.restore(month) { add in
            var count: Int64 = 0
            let read = try ZstdLineReader.forEachLine(path: record.path) { line, number in
                try add(try ArchivedEvent.event(line, lineNumber: number, path: record.path))
                count += 1
                if count % 100_000 == 0 { env.progress.update("restore \(month)", done: count, total: record.events, unit: "events") }
            }
            guard read.sha256 == record.sha256, count == record.events else {
                throw FileSystemError(path: record.path, "does not match its record: SHA-256 \(read.sha256) and \(count) events, recorded \(record.sha256) and \(record.events); the file changed since it was archived, and nothing was restored")
            }
        }
        CrashPoint.reach("archive-restore:committed")
        FileSystem.remove(record.path)
        env.progress.finish()
        return (result, JobRun.Outcome(status: .ok, outputs: [], message: "\(result.restored) events of \(month) back in the store from \(record.path)"))
    }
}
