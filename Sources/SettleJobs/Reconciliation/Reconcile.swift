import SettleCore
import SettleFormats
import SettleStore
import SettleWorkbook
import Logging

/// `settle reconcile --date D | --from D --to D`: the gateway against the providers' bills,
/// stored per cell and written as `reconciliation/LABEL/reconciliation.csv`, `summary.csv` and
/// `.xlsx`. A provider's charge period longer than a day (a FOCUS month) is reconciled with its
/// last day, and written to its own folder `reconciliation/FIRST_LAST/`.
///
/// Recomputed from stored data every time, so a rerun after a late bill gives the same cells
/// as if it had been on time, and the same bytes for the same data.
public struct Reconcile: Job {
    public var from: UTCDay
    public var to: UTCDay

    public init(from: UTCDay, to: UTCDay) {
        self.from = from
        self.to = to
    }

    public struct Result: JobResult, Sendable {
        public init() {}
        public var runRecord: RunRecord?
        public var cells: [ReconciliationCell] = []
        public var summaries: [ReconciliationSummary] = []
        public var providers: [String] = []
        public var folder = ""
        /// The day, or FROM_TO.
        public var label = ""
        /// The folders of the charge periods that ended in the range, one per period.
        public var periodFolders: [String] = []
        public var notMatched: Int { cells.filter { $0.status != .matched }.count }
        public var status: ExitStatus { notMatched > 0 ? .findings : .ok }

        /// One finding per day or period with cells that are not matched: `2026-10-31: 3 of 40
        /// reconciliation cells not matched`, `2026-10-01…2026-10-31: …`.
        public var findings: [String] {
            var bySpan: [ChargeSpan: (all: Int, off: Int)] = [:]
            for c in cells {
                let span = ChargeSpan(first: c.day, last: c.lastDay)
                bySpan[span, default: (0, 0)].all += 1
                if c.status != .matched { bySpan[span, default: (0, 0)].off += 1 }
            }
            return bySpan.sorted { $0.key < $1.key }.compactMap { span, n in
                guard n.off > 0 else { return nil }
                let name = span.isOneDay ? span.first.description : "\(span.first)…\(span.last)"
                return "\(name): \(n.off) of \(n.all) reconciliation cells not matched"
            }
        }
    }

    /// `2026-10-25` for one day, `2026-10-25_2026-10-31` for a range.
    public var label: String { from == to ? from.description : "\(from)_\(to)" }

    public var name: String { "reconcile" }

    public func parameters(env: JobEnvironment, prepared: Catalog, startedAt: Timestamp) -> [String: String] { ["from": from.description, "to": to.description] }

    public func run(store: any SettleStore, env: JobEnvironment, prepared catalog: Catalog, runID: String, startedAt: Timestamp) throws -> (Result, JobRun.Outcome) {
        let (result, outputs) = try perform(store: store, env: env, catalog: catalog, runID: runID)
        let message = result.notMatched > 0 ? "\(result.notMatched) of \(result.cells.count) cells not matched" : nil
        return (result, JobRun.Outcome(status: result.status, outputs: outputs, message: message))
    }

    /// Computes, stores and writes the cells; then the days stop being pending. A kill before
    /// that leaves them pending, and nightly does them again. The caller holds the lock.
    public func perform(store: any SettleStore, env: JobEnvironment, catalog: Catalog, runID: String) throws -> (Result, [String]) {
        var result = try compute(store: store, env: env, catalog: catalog)
        try store.reconciliation.replaceReconciliation(from: from, to: to, cells: result.cells, runID: runID)
        CrashPoint.reach("reconcile:stored")
        let (outputs, periodFolders) = try write(result.cells, outDir: env.outDir, currency: env.config.currency)
        CrashPoint.reach("reconcile:written")
        result.folder = "\(env.outDir)/reconciliation/\(label)"
        result.periodFolders = periodFolders
        result.label = label
        try store.pending.clear(.reconcile, days: UTCDay.days(from: from, through: to))
        return (result, outputs)
    }

    /// The cells, from what the store holds now.
    func compute(store: any SettleStore, env: JobEnvironment, catalog: Catalog) throws -> Result {
        let providers = try env.config.reconcile.providers ?? store.providerBills.billedProviders()
        env.progress.update("reconcile: reading provider bills", done: 0, total: 3, unit: "steps")
        var stored = try store.providerBills.billLines(from: from, to: to)
        var bills = BillRestatement.current(stored)
        // A period that ends in the range is compared with the gateway's usage, and the
        // provider's day lines, of all its days.
        let first = min(from, ChargePeriods(bills.filter { providers.contains($0.provider) }).ending(in: from...to).first?.first ?? from)
        if first < from {
            stored = try store.providerBills.billLines(from: first, to: to)
            bills = BillRestatement.current(stored)
        }
        if env.logger.logLevel <= .debug {
            let replacements = BillRestatement.replacements(stored)
            let paths = try store.providerBills.billPaths(Set(replacements.flatMap { [$0.inForce] + $0.replaced }))
            func name(_ id: Int64) -> String { paths[id].map { "\($0) (bill \(id))" } ?? "bill \(id)" }
            for r in replacements {
                env.logger.debug("reconcile: \(r.provider) \(r.span.isOneDay ? r.span.first.description : "\(r.span.first)…\(r.span.last)") \(r.side.rawValue): \(name(r.inForce)) replaces \(r.replaced.map(name).joined(separator: ", "))")
            }
        }
        env.progress.update("reconcile: reading the gateway's totals", done: 1, total: 3, unit: "steps")
        let priceBook = PriceBook(rows: catalog.prices, tierMultipliers: env.config.tierMultipliers)
        let gateway = try store.reconciliation.gatewayTotals(from: first, to: to, stretches: { priceBook.changes(within: $0) }, bands: priceBook.bands)
        env.progress.update("reconcile: comparing", done: 2, total: 3, unit: "steps")
        let reconciler = Reconciler(priceBook: priceBook, settings: env.config.reconcile, aliases: env.config.aliases)
        var result = Result()
        result.providers = providers
        result.cells = reconciler.reconcile(days: from...to, providers: Set(providers), gateway: gateway, bills: bills,
                                            billsByPeriod: try store.providerBills.providersBillingByPeriod())
        result.summaries = ReconciliationSummary.of(result.cells)
        env.progress.finish()
        return result
    }

    /// The range's folder holds its one-day cells; each period that ended in the range gets a
    /// folder of its own (or shares the range's, when the range is that period).
    func write(_ cells: [ReconciliationCell], outDir: String, currency: String) throws -> (files: [String], periodFolders: [String]) {
        var folders: [String: [ReconciliationCell]] = [label: []]
        for c in cells {
            let name = c.through == nil ? label : ChargeSpan(first: c.day, last: c.lastDay).label
            folders[name, default: []].append(c)
        }
        var files: [String] = []
        for (name, own) in folders.sorted(by: { $0.key < $1.key }) {
            let folder = "\(outDir)/reconciliation/\(name)"
            let csv = "\(folder)/reconciliation.csv", summary = "\(folder)/summary.csv", xlsx = "\(folder)/reconciliation.xlsx"
            try FileSystem.writeAtomically(ReconciliationCSV.render(own), to: csv)
            try FileSystem.writeAtomically(ReconciliationCSV.renderSummary(ReconciliationSummary.of(own)), to: summary)
            try ReconciliationWorkbook.make(cells: own, currency: currency, created: to.adding(days: 1).start).write(to: xlsx)
            files += [csv, summary, xlsx]
        }
        let periodFolders = folders.keys.filter { $0 != label }.sorted().map { "\(outDir)/reconciliation/\($0)" }
        return (files, periodFolders)
    }
}
