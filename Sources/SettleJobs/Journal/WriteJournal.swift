import SettleCore
import SettleFormats
import SettleStore

/// `settle journal --period P` (and `close`): calendar month P's journal (FINANCE.md, "The
/// journal"): `ledger/P/journal.csv` and `trial-balance.csv`, in the accounting currency, and
/// with `--format` the same entries for Xero or QuickBooks Online.
///
/// The first run for a month books every event dated by its last day that no journal has
/// booked (`JournalRules`), stores the entries in one transaction, and writes the files; every
/// later run reads them back, so the files are the same bytes and a late event goes to the next
/// month (`JournalMonth`). The tie-outs compare the books with settle's own reports.
public struct WriteJournal: Job {
    public var month: PeriodMonth
    public var format: JournalFileFormat?

    public init(month: PeriodMonth, format: JournalFileFormat? = nil) {
        self.month = month
        self.format = format
    }

    public struct Result: JobResult, Sendable {
        public init() {}
        public var runRecord: RunRecord?
        public var written = false
        public var entries: [JournalLedger.StoredEntry] = []
        public var trialBalance: [TrialBalanceRow] = []
        public var tieOuts: [JournalTieOut] = []
        /// Events that could not be booked yet (no rate to the accounting currency), and why.
        public var notBooked: [String] = []
        public var late = 0
        /// Events dated before the first journal ever written, booked on its first day.
        public var broughtForward = 0
        public var files: [String] = []
        public var status: ExitStatus { notBooked.isEmpty && tieOuts.allSatisfy(\.holds) ? .ok : .findings }
        public var findings: String? {
            var out: [String] = []
            if !notBooked.isEmpty { out.append("\(notBooked.count) events not booked (no rate to the accounting currency)") }
            let off = tieOuts.filter { !$0.holds }
            if !off.isEmpty { out.append("\(off.count) tie-outs do not hold: \(off.map(\.name).joined(separator: ", "))") }
            return out.isEmpty ? nil : out.joined(separator: "; ")
        }
    }

    public var name: String { "journal" }

    public func parameters(env: JobEnvironment, prepared: Catalog, startedAt: Timestamp) -> [String: String] {
        var out = ["period": month.description]
        if let format { out["format"] = format.rawValue }
        return out
    }

    public func run(store: any SettleStore, env: JobEnvironment, prepared catalog: Catalog, runID: String, startedAt: Timestamp) throws -> (Result, JobRun.Outcome) {
        let result = try perform(store: store, env: env, catalog: catalog, runID: runID, today: startedAt.day)
        return (result, JobRun.Outcome(status: result.status, outputs: result.files, message: result.findings))
    }

    public func perform(store: any SettleStore, env: JobEnvironment, catalog: Catalog, runID: String, today: UTCDay) throws -> Result {
        var result = Result()
        let ledger = store.journal
        let accounting = env.config.invoices.accountingCurrency.isEmpty ? env.config.currency : env.config.invoices.accountingCurrency
        switch try JournalMonth.mode(of: month, written: try ledger.writtenMonths(), today: today) {
        case .readBack:
            break
        case .write:
            var book = try JournalBook(month: month, store: store, env: env, catalog: catalog, accounting: accounting)
            try book.gather()
            result.notBooked = book.notBooked
            result.late = book.late
            result.broughtForward = book.broughtForward
            try ledger.write(month: month, entries: book.entries, runID: runID, at: env.clock())
            result.written = true
        }
        result.entries = try ledger.entries(month: month)
        let before = try ledger.lines(before: month)
        let lines = result.entries.flatMap(\.entry.lines)
        result.trialBalance = TrialBalanceRow.of(before: before, month: lines)
        result.tieOuts = try JournalTieOuts.check(month: month, lines: before + lines, store: store, env: env, catalog: catalog,
                                                  accounting: accounting)
        result.files = try JournalFiles.write(month: month, entries: result.entries, trialBalance: result.trialBalance, accounting: accounting,
                                              settings: env.config.journal, format: format,
                                              customerName: { catalog.customers[$0]?.current.name ?? $0 }, outDir: env.outDir)
        return result
    }
}

/// The import formats `--format` writes beside journal.csv.
public enum JournalFileFormat: String, Sendable, CaseIterable {
    case xero
    case quickbooks
}
