#if canImport(Glibc)
import Glibc
#endif
import SettleCore
import SettleFormats
import SettleStore

/// The life of one run: lock, record start, work, record end, write `runs/RUN_ID.json`.
///
/// The lock comes first, so a second run exits 75 before it touches anything. Runs that a
/// killed process left `running` are marked `interrupted` once the lock is ours, because
/// holding the lock proves their process is gone.
public struct JobRun {
    public let job: String
    public let runID: String
    public var record: RunRecord

    public init(job: String, parameters: [String: String], startedAt: Timestamp) {
        self.job = job
        self.runID = JobRun.makeID(job: job, at: startedAt)
        self.record = RunRecord(runID: runID, job: job, startedAt: startedAt, parameters: parameters)
    }

    /// `20261122T031502Z-ingest-3f9a04c1`: sortable, and unique: 32 random bits, because many
    /// runs of one job can start in one second (a replayed clock, a script of reruns), and 16
    /// bits collided there one time in a few thousand.
    static func makeID(job: String, at t: Timestamp) -> String {
        let compact = t.description.prefix(19).filter { $0 != "-" && $0 != ":" }
        var rng = SystemRandomNumberGenerator()
        let suffix = String(UInt32.random(in: 0...UInt32.max, using: &rng), radix: 16)
        return "\(compact)Z-\(job)-\(String(repeating: "0", count: 8 - suffix.count))\(suffix)"
    }

    /// What the work reports back.
    public struct Outcome {
        public var status: ExitStatus
        public var inputs: [InputTally]
        public var outputs: [String]
        public var message: String?

        public init(status: ExitStatus, inputs: [InputTally] = [], outputs: [String] = [], message: String? = nil) {
            self.status = status
            self.inputs = inputs
            self.outputs = outputs
            self.message = message
        }
    }

    /// Marks the runs a killed process left `running` as interrupted and removes the temporary
    /// files they left under out/. Only a killed run leaves any, so the walk of out/ (two
    /// hundred thousand files per month-end close) is done only when one is found. The caller
    /// holds the lock.
    public static func markInterruptedRuns(store: any SettleStore, env: JobEnvironment) throws {
        if try store.markInterruptedRuns(finishedAt: env.clock()) > 0 {
            FileSystem.removeStaleTemporaries(under: env.outDir)
        }
    }

    /// Runs `work` under the lock. Errors are recorded as a failed run and rethrown. A run
    /// that holds the lock `.shared` leaves other runs' records alone: the other holders are
    /// alive, and only an exclusive holder knows that every `running` run is gone.
    public mutating func execute(
        store: any SettleStore, env: JobEnvironment, lock mode: LockMode = .exclusive, _ work: (inout RunRecord) throws -> Outcome
    ) throws -> RunRecord {
        let lock = try store.acquireLock(job: job, runID: runID, mode: mode)
        defer { lock.release() }
        if lock.mode == .exclusive { try Self.markInterruptedRuns(store: store, env: env) }
        try store.recordRunStart(record)
        do {
            let outcome = try work(&record)
            record.status = outcome.status.runStatus
            record.exitCode = outcome.status.rawValue
            record.inputs = outcome.inputs
            record.outputs = outcome.outputs
            record.message = outcome.message
        } catch {
            let status = ExitStatus(failure: error)
            record.status = status.runStatus
            record.exitCode = status.rawValue
            record.message = "\(error)"
            record.finishedAt = env.clock()
            try? store.recordRunEnd(record)
            _ = try? RunRecordFile.write(record, outDir: env.outDir)
            throw error
        }
        record.finishedAt = env.clock()
        try store.recordRunEnd(record)
        _ = try RunRecordFile.write(record, outDir: env.outDir)
        return record
    }
}
