import SettleCore
import SettleFormats
import SettleStore

/// `settle ingest payments PATH...`: Stripe's payments export and camt.053 bank statements
/// into the store, each payment posted as it is taken in (FINANCE.md, "Payments and
/// receivables").
///
/// Each file is one transaction: its new payments with what each did, the unmatched payments of
/// earlier files that match now, its quarantined records and its tally (read = accepted +
/// duplicates + quarantined + skipped). A payment id stored before is a duplicate, forever: a
/// file ingested twice changes nothing. Unmatched payments are written to
/// `payments/unmatched.csv` and make the run's findings (exit 3).
public struct IngestPayments: Job {
    public var paths: [String]
    /// Inbox files as nightly found them, by path: remembered with the file's load.
    public var inbox: [String: InboxEntry] = [:]

    public init(paths: [String]) { self.paths = paths }

    public struct Result: JobResult, Sendable {
        public init() {}
        public var runRecord: RunRecord?
        public var inputs: [InputTally] = []
        public var quarantineFiles: [String] = []
        /// Payments of these files, and earlier unmatched ones, that were posted.
        public var posted: [PostedPayment] = []
        /// Payments of these files that match nothing.
        public var unmatched: [PostedPayment] = []
        public var unmatchedFile: String?
        public var quarantined: Int { inputs.reduce(0) { $0 + $1.quarantined } }
        public var status: ExitStatus { quarantined > 0 || !unmatched.isEmpty ? .findings : .ok }
        public var findings: String? {
            var out: [String] = []
            if quarantined > 0 { out.append("\(quarantined) payment records quarantined") }
            if !unmatched.isEmpty { out.append("\(unmatched.count) payments match no invoice (payments/unmatched.csv)") }
            return out.isEmpty ? nil : out.joined(separator: "; ")
        }
    }

    public struct Prepared {
        var catalog: Catalog
        var files: [PaymentFile]
    }

    public var name: String { "ingest-payments" }

    /// The catalog (customers, and their Stripe ids) and every file, read and checked before
    /// the lock: a file that is no payment file stops the run (65) before anything is stored.
    public func prepare(env: JobEnvironment) throws -> Prepared {
        let catalog = try CatalogLoader.load(config: env.config)
        return Prepared(catalog: catalog, files: try plan())
    }

    public func plan() throws -> [PaymentFile] {
        try FileSystem.inputFiles(paths).map { try PaymentFile.open(path: $0) }
    }

    public func parameters(env: JobEnvironment, prepared: Prepared, startedAt: Timestamp) -> [String: String] {
        ["paths": paths.joined(separator: " ")]
    }

    public func run(store: any SettleStore, env: JobEnvironment, prepared: Prepared, runID: String, startedAt: Timestamp) throws -> (Result, JobRun.Outcome) {
        let result = try run(prepared.files, store: store, env: env, catalog: prepared.catalog, runID: runID)
        return (result, JobRun.Outcome(status: result.status, inputs: result.inputs,
                                       outputs: result.quarantineFiles + (result.unmatchedFile.map { [$0] } ?? []), message: result.findings))
    }

    /// Loads `files` (from `plan()`) one transaction each, in order. The caller holds the lock.
    public func run(_ files: [PaymentFile], store: any SettleStore, env: JobEnvironment, catalog: Catalog, runID: String) throws -> Result {
        var result = Result()
        for file in files {
            try ingest(file, store: store, env: env, catalog: catalog, runID: runID, into: &result)
            env.progress.update("ingest payments", done: Int64(result.inputs.count), total: Int64(files.count), unit: "files")
        }
        env.progress.finish()
        if !files.isEmpty {
            result.unmatchedFile = try UnmatchedPaymentsFile.write(try store.payments.all(), outDir: env.outDir)
        }
        return result
    }

    func ingest(_ file: PaymentFile, store: any SettleStore, env: JobEnvironment, catalog: Catalog, runID: String,
                into result: inout Result) throws {
        let load = try store.payments.beginLoad(runID: runID, path: file.path, format: file.format.rawValue)
        let quarantine = QuarantineFile(outDir: env.outDir, sourcePath: file.path)
        do {
            var book = try StoredPaymentBook(load.ledger, catalog: catalog, base: env.config.currency)
            let matched = book.rematch()
            let ids = file.records.compactMap { r -> String? in if case .payment(let p) = r { return p.id } else { return nil } }
            var seen = try load.ledger.stored(ids)
            var new: [PostedPayment] = []
            var quarantined: [QuarantinedRowRecord] = []
            var duplicates = 0, skipped = 0
            var skippedBy: [String: Int] = [:]
            var payments: [Payment] = []
            for record in file.records {
                switch record {
                case .payment(let p):
                    payments.append(p)
                case .quarantined(let line, let reason):
                    quarantined.append(QuarantinedRowRecord(source: file.path, line: line, reason: reason, raw: ""))
                    try quarantine.append(source: file.path, line: line, reason: reason, raw: "")
                case .skipped(let why):
                    skipped += 1
                    skippedBy[why, default: 0] += 1
                }
            }
            // Posted oldest first (a statement lists newest first as often as not): the order
            // decides which open invoice a payment naming only its customer finds. A refund
            // (`ID/refund`) sorts after its charge on the same day.
            for p in payments.sorted(by: { ($0.date, $0.id) < ($1.date, $1.id) }) {
                guard seen.insert(p.id).inserted else { duplicates += 1; continue }
                new.append(book.post(p))
            }
            // A refund that came before the payment it refunds (in an earlier file) matches now.
            let matchedLate = book.rematch()
            let tally = PaymentTally(sha256: file.sha256, bytes: file.bytes, read: file.records.count, quarantined: quarantined.count,
                                     skipped: skipped, skippedBy: skippedBy)
            try load.commit(new: new, matched: matched + matchedLate, duplicates: duplicates, quarantined: quarantined, tally: tally, runID: runID,
                            inbox: inbox[file.path], beforeCommit: { CrashPoint.reach("payments:stored") })
            if let path = try quarantine.finish(sourcePath: file.path, sha256: file.sha256) { result.quarantineFiles.append(path) }
            result.inputs.append(InputTally(path: file.path, sha256: file.sha256, format: file.format.rawValue, bytes: file.bytes,
                                            read: file.records.count, accepted: new.count, duplicates: duplicates,
                                            quarantined: quarantined.count, skipped: skipped, skippedBy: skippedBy))
            result.posted += matched + new.filter(\.posting.isPosted) + matchedLate
            result.unmatched += new.filter { !$0.posting.isPosted }
        } catch {
            load.rollback()
            quarantine.discard()
            throw error
        }
    }
}
