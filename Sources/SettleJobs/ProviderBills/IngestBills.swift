import SettleCore
import SettleFormats
import SettleStore

/// `settle ingest bills PATH...`: provider usage and cost reports into the store.
///
/// Each file is one transaction holding its lines (summed per day, model, tier and token type),
/// its quarantined records and its tally. A file stored before (same SHA-256) changes nothing:
/// its records count as duplicates. A different file for the same provider and day is a newer
/// report and replaces the older one when reconciling; both stay stored.
public struct IngestBills: Job {
    public var paths: [String]
    public var format: BillFileFormat?
    public var options: BillReadOptions
    /// Inbox files as nightly found them, by path: remembered with the file's load.
    public var inbox: [String: InboxEntry] = [:]

    public init(paths: [String], format: BillFileFormat? = nil, options: BillReadOptions = BillReadOptions()) {
        self.paths = paths
        self.format = format
        self.options = options
    }

    public struct Result: JobResult, Sendable {
        public init() {}
        public var runRecord: RunRecord?
        public var inputs: [InputTally] = []
        public var quarantineFiles: [String] = []
        public var quarantineReasons: [String: Int] = [:]
        /// Provider and days each file covered, for the summary line.
        public var coverage: [String: String] = [:]
        public var quarantined: Int { inputs.reduce(0) { $0 + $1.quarantined } }
        public var status: ExitStatus { quarantined > 0 ? .findings : .ok }
    }

    /// Every file, checked readable as its format before anything is written (exit 65).
    public func plan() throws -> [BillFileReader] {
        return try FileSystem.inputFiles(paths).map { try BillFileReader.open(path: $0, format: format, options: options) }
    }

    public var name: String { "ingest-bills" }
    /// No catalog: a load needs only its files, checked readable before the lock.
    public func prepare(env: JobEnvironment) throws -> [BillFileReader] { try plan() }
    public func parameters(env: JobEnvironment, prepared: [BillFileReader], startedAt: Timestamp) -> [String: String] {
        ["paths": paths.joined(separator: " ")]
    }

    public func run(store: any SettleStore, env: JobEnvironment, prepared readers: [BillFileReader], runID: String, startedAt: Timestamp) throws -> (Result, JobRun.Outcome) {
        let result = try run(readers, store: store, env: env, runID: runID)
        return (result, JobRun.Outcome(status: result.status, inputs: result.inputs, outputs: result.quarantineFiles))
    }

    /// Loads `readers` (from `plan()`) one transaction each, in order. The caller holds the lock.
    public func run(_ readers: [BillFileReader], store: any SettleStore, env: JobEnvironment, runID: String) throws -> Result {
        var result = Result()
        for reader in readers {
            try ingest(reader, store: store, env: env, runID: runID, into: &result)
            env.progress.update("ingest bills", done: Int64(result.inputs.count), total: Int64(readers.count), unit: "files")
        }
        env.progress.finish()
        return result
    }

    /// Sums of one report, per cell; in a dictionary because CUR and FOCUS give a row per hour.
    struct Sums {
        /// The rate a line in another currency was converted at: one per cell, since a cell is one
        /// charge day or period and the rate is that day's.
        var lines: [BillLine.Key: (quantity: Int64?, cost: ExactDecimal?, rate: ExchangeRate?)] = [:]

        mutating func add(_ line: BillLine, path: String) throws {
            var v = lines[line.key] ?? (nil, nil, nil)
            if let r = line.exchangeRate { v.rate = r }
            if let q = line.quantity {
                let (sum, overflow) = (v.quantity ?? 0).addingReportingOverflow(q)
                guard !overflow else { throw InputFileError(path: path, "the quantities of \(line.model) on \(line.day) add up beyond any real bill") }
                v.quantity = sum
            }
            if let c = line.cost { v.cost = (v.cost ?? .zero) + c }
            lines[line.key] = v
        }

        var sorted: [BillLine] {
            lines.sorted { $0.key < $1.key }.map { k, v in
                var line = BillLine(provider: k.provider, day: k.day, through: k.through, model: k.model, tier: k.tier, tokenType: k.tokenType,
                                    quantity: v.quantity, cost: v.cost, correction: k.correction, band: k.band)
                line.exchangeRate = v.rate
                return line
            }
        }
    }

    func ingest(_ reader: BillFileReader, store: any SettleStore, env: JobEnvironment, runID: String, into result: inout Result) throws {
        let load = try store.providerBills.beginLoad(runID: runID, path: reader.path, format: reader.formatName)
        let quarantine = QuarantineFile(outDir: env.outDir, sourcePath: reader.path)
        var sums = Sums()
        var quarantined: [QuarantinedRowRecord] = []
        var read = 0, records = 0, skipped = 0
        var skippedBy: [String: Int] = [:]
        do {
            let summary = try reader.forEachRecord { record in
                read += 1
                switch record {
                case .lines(let lines):
                    records += 1
                    for line in lines { try sums.add(line, path: reader.path) }
                case .quarantined(let q):
                    quarantined.append(QuarantinedRowRecord(source: q.source, line: q.line, reason: q.reason, raw: q.raw))
                    result.quarantineReasons[q.code, default: 0] += 1
                    try quarantine.append(source: q.source, line: q.line, reason: q.reason, raw: q.raw)
                case .skipped(let service):
                    skipped += 1
                    skippedBy[service, default: 0] += 1
                }
            }
            let lines = sums.sorted
            let tally = BillTally(sha256: summary.sha256, bytes: summary.bytes, read: read, records: records,
                                  quarantined: quarantined.count, skipped: skipped, skippedBy: skippedBy)
            let counts = try load.commit(lines: lines, quarantined: quarantined, tally: tally, inbox: inbox[reader.path])
            if let path = try quarantine.finish(sourcePath: reader.path, sha256: summary.sha256) { result.quarantineFiles.append(path) }
            result.inputs.append(InputTally(path: reader.path, sha256: summary.sha256, format: reader.formatName, bytes: summary.bytes,
                                            read: read, accepted: counts.accepted, duplicates: counts.duplicates,
                                            quarantined: quarantined.count, skipped: skipped, skippedBy: skippedBy))
            if let first = lines.map(\.day).min(), let last = lines.map(\.lastDay).max() {
                let providers = Set(lines.map(\.provider)).sorted().joined(separator: ", ")
                result.coverage[reader.path] = first == last ? "\(providers) \(first)" : "\(providers) \(first)…\(last)"
            }
        } catch {
            load.rollback()
            quarantine.discard()
            throw error
        }
    }
}
