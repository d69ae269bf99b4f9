import SettleCore

/// The database behind settle: SQLite by default, PostgreSQL in production. Jobs speak only
/// to this protocol, so every behaviour holds on both and the tests run against both.
public protocol SettleStore: AnyObject {
    /// The database URL with any password removed: safe for logs and run records.
    var displayURL: String { get }

    /// Brings the schema to the newest version; returns the versions it applied.
    @discardableResult
    func migrate() throws -> [Int]

    /// The schema version in the database (0 when empty).
    func schemaVersion() throws -> Int

    /// Takes the settle lock for a writing job, or throws `LockHeld` naming the holder(s).
    /// Held until `release()` or until the process dies (kill -9 included). `.shared` is for
    /// loads that can run side by side (`settle ingest usage` on PostgreSQL, where the
    /// request-id set decides between them); a store with one writer takes it exclusively.
    func acquireLock(job: String, runID: String, mode: LockMode) throws -> any StoreLock

    /// Starts the unit of work that loads one usage input file. With `summing`, the load keeps
    /// the daily rows of the days it stores events on up to date (`LoadRollup`); without, it
    /// leaves those days for aggregate to roll up from their events.
    func beginUsageLoad(runID: String, path: String, format: String, summing: DaySumming?) throws -> any UsageLoad

    /// Provider bills: their lines and the files they came from.
    var providerBills: ProviderBillLedger { get }
    /// The gateway's totals reconciliation compares, and the cells it found.
    var reconciliation: ReconciliationLedger { get }
    /// Daily usage rows and billing-period summaries.
    var periods: UsagePeriods { get }
    /// Alerts and their webhook deliveries.
    var alertLedger: AlertLedger { get }
    /// Issued invoices, credit notes and supplementary invoices.
    var invoiceLedger: InvoiceLedger { get }
    var creditLedger: CreditLedger { get }
    /// Payments taken in, what each paid, and the reminders sent.
    var payments: PaymentLedger { get }
    /// The accounting journal, month by month.
    var journal: JournalLedger { get }
    /// The terms each issued period is priced with.
    var issuedTerms: IssuedTermsLedger { get }
    /// The charge audit's totals per day and model.
    var audits: AuditLedger { get }
    /// Days a step still has to recompute, and inbox files already taken in.
    var pending: PendingWork { get }

    /// The job-run history. `recordRunStart`, `recordRunEnd`, `markInterruptedRuns` (runs left
    /// `running` by a process that died; call with the lock held) and `runs(last:)` (newest
    /// first) speak to it.
    var runLedger: RunLedger { get }
    /// Closed months' events in archive files (`settle archive`).
    var archive: EventArchive { get }

    /// Facts for tests, the demo and finance reports.
    func eventCount() throws -> Int
    func quarantineCount() throws -> Int
    func usageTotals() throws -> [UsageTotal]
    /// The sum of the sources' own cost figures (LiteLLM's spend), exactly, for comparison.
    func reportedCostTotal() throws -> ExactDecimal
}

/// How a job holds the settle lock: alone, or beside other holders of the shared lock.
public enum LockMode: Sendable {
    /// No other run at all: jobs that need a stable view of the store.
    case exclusive
    /// Beside other shared holders, never beside an exclusive one.
    case shared
}

extension SettleStore {
    public func acquireLock(job: String, runID: String) throws -> any StoreLock {
        try acquireLock(job: job, runID: runID, mode: .exclusive)
    }
}

/// A held lock; release it when the job ends (it is also released when the process dies).
public protocol StoreLock: AnyObject {
    func release()
    /// How the lock is held: a store with one writer holds every lock exclusively.
    var mode: LockMode { get }
}

extension StoreLock {
    public var mode: LockMode { .exclusive }
}

/// The writes of one usage input file, all committed together or not at all.
public protocol UsageLoad: AnyObject {
    /// Adds events in order; a request_id seen before (ever, or earlier in this file) is a duplicate.
    func append(_ batch: UsageEventBatch) throws
    func quarantine(_ row: QuarantinedRowRecord) throws
    /// Stores the file's tally and commits. Returns the accepted and duplicate counts. When any
    /// event was new, `days` (those the file's events fall on) are marked for reconcile and
    /// aggregate in the same transaction; `inbox` remembers the file as taken in.
    func commit(sha256: String, bytes: Int64, read: Int, quarantined: Int, days: [UTCDay], inbox: InboxEntry?) throws -> (accepted: Int, duplicates: Int)
    func rollback()
    /// A preparer for this load's batches, if the store has work to hand off to the decoding
    /// thread; nil otherwise.
    func makeBatchPreparer() -> (any UsageBatchPreparer)?
}

/// What a load needs to sum its events per day as it stores them: where prices change inside
/// a day (the daily rows are split there), and the time to stamp the rows with.
public struct DaySumming: Sendable {
    public var stretches: @Sendable (UTCDay) -> [Timestamp]
    /// The price book's prompt-size bands: events are summed per band.
    public var bands: PriceBands
    public var now: Timestamp

    public init(stretches: @escaping @Sendable (UTCDay) -> [Timestamp], bands: PriceBands = .none, now: Timestamp) {
        self.stretches = stretches
        self.bands = bands
        self.now = now
    }
}

extension SettleStore {
    public func beginUsageLoad(runID: String, path: String, format: String) throws -> any UsageLoad {
        try beginUsageLoad(runID: runID, path: path, format: format, summing: nil)
    }
}

extension UsageLoad {
    /// A load outside nightly's inbox that marks no days (store tests).
    public func commit(sha256: String, bytes: Int64, read: Int, quarantined: Int) throws -> (accepted: Int, duplicates: Int) {
        try commit(sha256: sha256, bytes: bytes, read: read, quarantined: quarantined, days: [], inbox: nil)
    }
}

/// The writes of one provider bill file, all committed together or not at all. Bill files
/// are small next to usage logs (a day of a provider is a few hundred lines once summed), so the
/// job sums them in memory and hands them over at the end.
public protocol BillLoad: AnyObject {
    /// Stores the bill's lines, its quarantined rows and its tally, and commits. A file whose
    /// SHA-256 was stored before keeps its first copy: its records count as duplicates.
    /// A new bill marks its days for reconcile in the same transaction; `inbox` remembers the
    /// file as taken in.
    func commit(lines: [BillLine], quarantined: [QuarantinedRowRecord], tally: BillTally, inbox: InboxEntry?) throws -> (accepted: Int, duplicates: Int)
    func rollback()
}

/// What reading one bill file gave, before the store decides about duplicates.
public struct BillTally: Sendable {
    public var sha256: String
    public var bytes: Int64
    public var read: Int
    /// Records that gave lines.
    public var records: Int
    public var quarantined: Int
    /// Records not ours to reconcile (CUR rows of other AWS services, a cloud bill's compute).
    public var skipped: Int
    /// `skipped`, per service (FOCUS `ServiceName`, CUR product code).
    public var skippedBy: [String: Int]

    public init(sha256: String, bytes: Int64, read: Int, records: Int, quarantined: Int, skipped: Int, skippedBy: [String: Int] = [:]) {
        self.sha256 = sha256
        self.bytes = bytes
        self.read = read
        self.records = records
        self.quarantined = quarantined
        self.skipped = skipped
        self.skippedBy = skippedBy
    }
}

/// Store-specific work on a batch that can be done on the decoding thread, before the batch
/// reaches the writer (PostgreSQL: render COPY text). Used by that one thread only.
public protocol UsageBatchPreparer: AnyObject, Sendable {
    func prepare(_ batch: inout UsageEventBatch)
}

extension UsageLoad {
    public func makeBatchPreparer() -> (any UsageBatchPreparer)? { nil }

    public func append(_ event: UsageEvent) throws {
        var batch = UsageEventBatch(capacity: 1)
        batch.append(event)
        try append(batch)
    }
}

/// A quarantined row as the store keeps it.
public struct QuarantinedRowRecord: Sendable {
    public var source: String
    public var line: Int
    public var reason: String
    public var raw: String
    public init(source: String, line: Int, reason: String, raw: String) {
        self.source = source
        self.line = line
        self.reason = reason
        self.raw = raw
    }
}

/// Tokens per customer, provider and model: the figure two stores must agree on.
public struct UsageTotal: Sendable, Hashable {
    public var customerID: String
    public var provider: String
    public var model: String
    public var events: Int64
    public var inputTokens: Int64
    public var cachedInputTokens: Int64
    public var cacheWriteTokens: Int64
    public var outputTokens: Int64
    public var requests: Int64
    public var cacheWrite1hTokens: Int64 = 0
}
