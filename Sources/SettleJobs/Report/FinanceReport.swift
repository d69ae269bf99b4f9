import SettleCore
import SettleFormats
import SettleStore
import SettleWorkbook
import SettleThreads

/// `settle report --period P`: `reports/P/usage-summary.csv` (every priced usage line of the
/// billing periods that start in P) and `reports/P/finance-P.xlsx`.
///
/// Read-only on the store, and written from stored data only, so the same data gives the same
/// bytes: the workbook's creation time is the end of the month, not the clock.
public struct FinanceReport: Job {
    public var month: PeriodMonth

    public init(month: PeriodMonth) { self.month = month }

    public struct Report: JobReport, Sendable {
        public init() {}
        public var runRecord: RunRecord?
        public var folder = ""
        public var figures: FinanceFigures?
    }

    public var name: String { "report" }

    public func parameters(env: JobEnvironment, startedAt: Timestamp) -> [String: String] { ["period": month.description] }

    public func run(store: any SettleStore, env: JobEnvironment, catalog: Catalog, runID: String, startedAt: Timestamp) throws -> (Report, JobRun.Outcome) {
        let (report, outputs) = try perform(store: store, env: env, catalog: catalog, runID: runID)
        return (report, JobRun.Outcome(status: .ok, outputs: outputs))
    }

    /// Gathers and writes. The month's drafts, issued documents and period summaries are passed
    /// by a caller (close) that has them already; whatever is nil is read or computed here.
    /// `usageSummary`: the usage summary already being written (close starts it as soon as it
    /// has read the month, while a core is free). The caller holds the lock.
    public func perform(store: any SettleStore, env: JobEnvironment, catalog: Catalog, runID: String, drafts: [Invoice]? = nil,
                        issued: IssuedMonth? = nil, summaries: PeriodSummaries? = nil,
                        usageSummary: BackgroundWork<String>? = nil) throws -> (Report, [String]) {
        var report = Report()
        let folder = "\(env.outDir)/reports/\(month)"
        report.folder = folder
        env.progress.update("report: reading the month", done: 0, total: 4, unit: "steps")
        let summaries = try summaries ?? store.periods.periodsStarting(in: month)
        let totals = try store.periods.totals(startingIn: month)
        let issued = try issued ?? IssueInvoices.read(month: month, store: store, env: env, label: "report: reading invoices")
        env.progress.update("report: invoices", done: 1, total: 4, unit: "steps")
        let drafts = try drafts ?? IssueInvoices(month: month, dryRun: true)
            .compute(store: store, env: env, catalog: catalog, runID: runID, summaries: summaries).drafts
        let (first, last) = FinanceFigures.days(of: month)
        env.progress.update("report: reconciliation and service quality", done: 2, total: 4, unit: "steps")
        let daily = try store.periods.dailyRows(from: first, to: last)
        let latency = try store.periods.latencyHistogram(from: first, to: last)
        let cells = try store.reports.reconciliationCells(from: first, to: last)
        let alerts = try store.alertLedger.all().filter { $0.period.description == month.description }
        let periods = summaries.sorted { $0.key < $1.key }.map { key, v in (customerID: key.customerID, lines: v.lines, trials: v.trials) }
        let figures = FinanceFigures(
            month: month, currency: env.config.currency, customers: catalog.customers, plans: env.config.plans, totals: totals,
            issued: issued.documents, drafts: drafts.map { var d = $0; d.lines = []; return d }, issuedByLineKind: issued.byLineKind,
            margin: MarginBook(periods: periods, services: catalog.services), reconciliation: ReconciliationSummary.of(cells),
            alerts: alerts, serviceQuality: ServiceQuality.rows(daily: daily, latency: latency),
            daily: DailyUsage.of(daily, from: first, to: last),
            credits: CreditStatement.rows(entries: try store.creditLedger.entries(), uses: try store.creditLedger.uses(), month: month),
            chargeAudit: ChargeAudit.configured(env.config, catalog: catalog).cells(daily))
        report.figures = figures

        env.progress.update("report: writing", done: 3, total: 4, unit: "steps")
        // A million lines of CSV on one core while the workbook is built on the other.
        let usage = usageSummary ?? Self.startUsageSummary(summaries, month: month, outDir: env.outDir)
        let xlsxPath = "\(folder)/finance-\(month).xlsx"
        try FinanceWorkbook.make(figures, created: last.adding(days: 1).start).write(to: xlsxPath)
        let csvPath = try usage.wait()
        env.progress.finish()
        return (report, [csvPath, xlsxPath])
    }

    static let usageSummaryColumns = ["customer_id", "period", "period_start", "provider", "model", "tier", "token_type", "service_id",
                                      "quantity", "error_quantity", "unit_price", "amount", "upstream_cost", "band"]

    /// Writes `reports/MONTH/usage-summary.csv` on a thread of its own; `wait()` gives its path.
    public static func startUsageSummary(_ summaries: PeriodSummaries, month: PeriodMonth, outDir: String) -> BackgroundWork<String> {
        BackgroundWork {
            let path = "\(outDir)/reports/\(month)/usage-summary.csv"
            let csv = try AtomicFileWriter(path: path)
            try writeUsageSummary(summaries) { try csv.write($0) }
            try csv.commit()
            return path
        }
    }

    /// One row per summary line, in customer and line order; `unit_price` per token (per
    /// request for request lines), exact; `amount` rounded to cents as on the invoice. Handed
    /// out some customers at a time: a month has a million lines.
    static func writeUsageSummary(_ summaries: PeriodSummaries, _ emit: (String) throws -> Void) throws {
        var out = CSVText.record(usageSummaryColumns)
        for (key, v) in summaries.sorted(by: { $0.key < $1.key }) {
            let customer = key.customerID
            let period = PeriodMonth(year: key.periodStart.date.year, month: key.periodStart.date.month).description
            let start = key.periodStart.description
            for l in v.lines {
                CSVText.append([customer, period, start, l.provider, l.model, l.tier.rawValue,
                                l.tokenType.rawValue, l.serviceID, String(l.quantity), String(l.errorQuantity),
                                l.unitPrice.map { $0.normalized.description } ?? "", l.charge.map { $0.formatted(places: 2) } ?? "",
                                l.upstreamCost.map { $0.formatted(places: 2) } ?? "", PriceBands.label(l.band)], to: &out)
            }
            if out.utf8.count >= 1 << 16 {
                try emit(out)
                out = ""
            }
        }
        try emit(out)
    }
}
