import Foundation
import Logging
import SettleCore
import SettleFormats
import SettleStore
import SettleThreads

/// `settle ingest usage PATH...`: gateway usage files into the store, losing nothing and
/// counting nothing twice.
///
/// Each file is one transaction: its events, its quarantined rows and its tally commit
/// together, so a run killed mid-file leaves the store as it was before that file, and running
/// again completes the work. One thread reads and decodes (and hands the store ready-to-load
/// batches), one hashes, and one writes, so both cores stay busy.
public struct IngestUsage: Job {
    public var paths: [String]
    public var format: UsageFileFormat?
    public var litellm: LiteLLMOptions
    /// Sources other than files: a query against the gateway's database.
    public var sources: [any UsageSource]
    /// Inbox files as nightly found them, by path: remembered with the file's load.
    public var inbox: [String: InboxEntry] = [:]

    public init(paths: [String], format: UsageFileFormat? = nil, litellm: LiteLLMOptions = LiteLLMOptions()) {
        self.paths = paths
        self.format = format
        self.litellm = litellm
        self.sources = []
    }

    public init(sources: [any UsageSource]) {
        self.paths = []
        self.format = nil
        self.litellm = LiteLLMOptions()
        self.sources = sources
    }

    public struct Result: JobResult, Sendable {
        public init() {}
        public var runRecord: RunRecord?
        public var inputs: [InputTally] = []
        public var quarantineFiles: [String] = []
        /// Quarantined rows per reason code (`not_json`, `missing_field`, …), for the summary.
        public var quarantineReasons: [String: Int] = [:]
        public var quarantined: Int { inputs.reduce(0) { $0 + $1.quarantined } }
        public var accepted: Int { inputs.reduce(0) { $0 + $1.accepted } }
        public var duplicates: Int { inputs.reduce(0) { $0 + $1.duplicates } }
        public var read: Int { inputs.reduce(0) { $0 + $1.read } }
        public var status: ExitStatus { quarantined > 0 ? .findings : .ok }
    }

    /// Lists the files (directories expanded) and checks that each can be read as its format,
    /// before anything is written: an unreadable file stops the run with exit 65 up front.
    public func plan() throws -> [any UsageSource] {
        let files = try FileSystem.inputFiles(paths)
        let readers: [any UsageSource] = try files.map { path throws(InputFileError) in
            try UsageFileReader.open(path: path, format: format, litellm: litellm)
        }
        return readers + sources
    }

    public var name: String { "ingest-usage" }
    /// Loads run side by side on PostgreSQL: the request-id set decides between them.
    public var lockMode: LockMode { .shared }
    /// No catalog: a load needs only its files, checked readable before the lock.
    public func prepare(env: JobEnvironment) throws -> [any UsageSource] { try plan() }

    public func parameters(env: JobEnvironment, prepared sources: [any UsageSource], startedAt: Timestamp) -> [String: String] {
        ["paths": (paths + sources.map(\.name)).joined(separator: " ")]
    }

    public func run(store: any SettleStore, env: JobEnvironment, prepared sources: [any UsageSource], runID: String, startedAt: Timestamp) throws -> (Result, JobRun.Outcome) {
        let result = try run(sources, store: store, env: env, runID: runID)
        return (result, JobRun.Outcome(status: result.status, inputs: result.inputs, outputs: result.quarantineFiles))
    }

    /// Loads `sources` (from `plan()`) one transaction each, in order. The caller holds the lock.
    public func run(_ sources: [any UsageSource], store: any SettleStore, env: JobEnvironment, runID: String) throws -> Result {
        var result = Result()
        let summing = Self.daySumming(env: env)
        for reader in sources {
            let (tally, quarantineFile, reasons) = try ingestRetrying(reader, store: store, env: env, runID: runID, summing: summing)
            result.inputs.append(tally)
            result.quarantineReasons.merge(reasons, uniquingKeysWith: +)
            if let quarantineFile { result.quarantineFiles.append(quarantineFile) }
        }
        env.progress.finish()
        return result
    }

    /// What the decoding thread hands to the writing thread: events packed for binding, the
    /// rows to quarantine, and how many rows that was.
    private struct Batch: Sendable {
        var events: UsageEventBatch
        var quarantined: [QuarantinedRow]
        var rows: Int
    }


    /// The loads sum each day's new events into its daily rows, split where the price book
    /// changes a price, so aggregate need not read the day back. Without a readable price book
    /// (ingest does not require one) the days are left for aggregate to roll up.
    static func daySumming(env: JobEnvironment) -> DaySumming? {
        guard let path = env.config.catalog.prices, let rows = try? CatalogLoader.prices(path) else { return nil }
        let book = PriceBook(rows: rows, tierMultipliers: env.config.tierMultipliers)
        return DaySumming(stretches: { book.changes(within: $0) }, bands: book.bands, now: env.clock())
    }

    /// A file's load again from its start when the server rolled it back for crossing another
    /// load (a deadlock over request ids both hold): the rolled-back load left nothing behind.
    func ingestRetrying(_ reader: any UsageSource, store: any SettleStore, env: JobEnvironment, runID: String,
                        summing: DaySumming?) throws -> (InputTally, String?, [String: Int]) {
        var attempt = 1
        while true {
            do {
                return try ingest(reader, store: store, env: env, runID: runID, summing: summing)
            } catch let error as StoreError where error.isTransient && attempt == Self.attempts {
                throw StoreError("\(reader.name): loaded \(attempt) times, and each time the database rolled it back because another load crossed it (\(error.description)); ingest it again when fewer loads run at once, or load these files one after another",
                                 detail: error.detail, sqlState: error.sqlState)
            } catch let error as StoreError where error.isTransient {
                env.logger.notice("ingest: \(reader.name): \(error.description); loading the file again (attempt \(attempt + 1) of \(Self.attempts))")
                // A random pause, so two loads that crossed do not cross again in step.
                usleep(UInt32.random(in: 50_000...(250_000 * UInt32(attempt))))
                attempt += 1
            }
        }
    }

    static let attempts = 8

    func ingest(_ reader: any UsageSource, store: any SettleStore, env: JobEnvironment, runID: String,
                summing: DaySumming?) throws -> (InputTally, String?, [String: Int]) {
        let load = try store.beginUsageLoad(runID: runID, path: reader.name, format: reader.format, summing: summing)
        let quarantine = QuarantineFile(outDir: env.outDir, sourcePath: reader.name)
        let batchSize = 8192
        let preparer = load.makeBatchPreparer()
        // The file is decoded on a thread of its own while this one stores the last batch.
        let decoding = Producer<Batch, (LineReader.Summary, [UTCDay])>(capacity: 8, stackSize: 1 << 20) { send in
            func fresh() -> Batch { Batch(events: UsageEventBatch(capacity: batchSize), quarantined: [], rows: 0) }
            var batch = fresh()
            // The UTC days the file's events fall on, for nightly's pending work; events come
            // roughly in time order, so the set is touched only when the day changes.
            var days = Set<Int64>()
            var lastDay = Int64.min
            let summary = try reader.forEachRow { row in
                switch row {
                case .event(let event, _):
                    let day = Timestamp.dayOrdinal(event.timestamp.microseconds)
                    if day != lastDay { days.insert(day); lastDay = day }
                    batch.events.append(event)
                case .quarantined(let q): batch.quarantined.append(q)
                }
                batch.rows += 1
                if batch.rows == batchSize {
                    preparer?.prepare(&batch.events)
                    try send(batch)
                    batch = fresh()
                }
            }
            if batch.rows > 0 {
                preparer?.prepare(&batch.events)
                try send(batch)
            }
            return (summary, days.sorted().map { UTCDay(ordinal: Int($0)) })
        }

        var read = 0
        var quarantined = 0
        var reasons: [String: Int] = [:]
        let started = WallClock.monotonic()
        let summary: LineReader.Summary, days: [UTCDay]
        do {
            while let batch = decoding.next() {
                read += batch.rows
                try load.append(batch.events)
                for q in batch.quarantined {
                    quarantined += 1
                    reasons[q.code, default: 0] += 1
                    try load.quarantine(QuarantinedRowRecord(source: q.source, line: q.line, reason: q.reason, raw: q.raw))
                    try quarantine.append(source: q.source, line: q.line, reason: q.reason, raw: q.raw)
                }
                let rate = Double(read) / max(WallClock.monotonic() - started, 0.001)
                env.progress.update("ingest \(reader.name) (\(Int(rate)) rows/s)", done: Int64(read), total: nil, unit: "rows")
            }
            do {
                (summary, days) = try decoding.finish()
            } catch let error as InputFileError {
                throw error
            } catch let error as StoreError {
                throw error
            } catch {
                // What stopped the decoding thread, its type kept: an unreadable file is 65, a
                // gateway database that cannot be reached 75; anything else names the input.
                throw InputFileError(path: reader.name, "\(error)")
            }
        } catch {
            decoding.cancel()
            load.rollback()
            quarantine.discard()
            throw error
        }
        let counts: (accepted: Int, duplicates: Int)
        do {
            counts = try load.commit(sha256: summary.sha256, bytes: summary.bytes, read: read, quarantined: quarantined, days: days,
                                     inbox: inbox[reader.name])
        } catch {
            quarantine.discard()
            throw error
        }
        CrashPoint.reach("ingest-usage:committed")
        let quarantinePath = try quarantine.finish(sourcePath: reader.name, sha256: summary.sha256)
        let tally = InputTally(path: reader.name, sha256: summary.sha256, format: reader.format, bytes: summary.bytes,
                               read: read, accepted: counts.accepted, duplicates: counts.duplicates, quarantined: quarantined)
        return (tally, quarantinePath, reasons)
    }
}
