import SettleCore
import SettleFormats
import SettleStore
import SettleWorkbook

/// `settle report --period P`: `reports/P/usage-summary.csv` (every priced usage line of the
/// billing periods that start in P) and `reports/P/finance-P.xlsx`.
///
/// Read-only on the store, and written from stored data only, so the same data gives the same
/// bytes: the workbook's creation time is the end of the month, not the clock.
public struct FinanceReport {
    public var month: PeriodMonth

    public init(month: PeriodMonth) { self.month = month }

    public struct Report: Sendable {
        public var runRecord: RunRecord?
        public var folder = ""
        public var figures: FinanceFigures?
    }

    public func execute(store: SettleStore, env: JobEnvironment) throws -> Report {
        let catalog = try CatalogLoader.load(config: env.config)
        var run = JobRun(job: "report", parameters: ["period": month.description, "database": store.displayURL], startedAt: env.clock())
        let runID = run.runID
        var report = Report()
        report.runRecord = try run.execute(store: store, env: env) { _ in
            let (done, outputs) = try perform(store: store, env: env, catalog: catalog, runID: runID, drafts: nil)
            report = done
            return JobRun.Outcome(status: .ok, outputs: outputs)
        }
        return report
    }

    /// Gathers and writes. `drafts`: the month's drafts when the caller (close) has them; else
    /// they are computed. The caller holds the lock.
    public func perform(store: SettleStore, env: JobEnvironment, catalog: Catalog, runID: String, drafts: [Invoice]?) throws -> (Report, [String]) {
        var report = Report()
        let folder = "\(env.outDir)/reports/\(month)"
        report.folder = folder
        env.progress.update("report: reading the month", done: 0, total: 4, unit: "steps")
        let monthStart = BillingPeriod(month: month, billingDay: 1).firstDay
        let summaries = try store.periods.periodsStarting(from: monthStart, to: monthStart.adding(days: 27))
        let totals = try store.periods.totals(startingIn: month)

        var issued: [Invoice] = []
        var byKind: [InvoiceLine.Kind: ExactDecimal] = [:]
        try store.invoiceLedger.forEachDocument(period: month) { _, _, document in
            guard var inv = InvoiceDocument.parse(document) else { return }
            for l in inv.lines { byKind[l.kind, default: .zero] += l.amount }
            inv.lines = []
            issued.append(inv)
        }
        env.progress.update("report: invoices", done: 1, total: 4, unit: "steps")
        let drafts = try drafts ?? IssueInvoices(month: month, dryRun: true).compute(store: store, env: env, catalog: catalog, runID: runID).drafts
        let (first, last) = FinanceFigures.days(of: month)
        env.progress.update("report: reconciliation and service quality", done: 2, total: 4, unit: "steps")
        let daily = try store.periods.dailyRows(from: first, to: last)
        let latency = try store.periods.latencyHistogram(from: first, to: last)
        let cells = try store.reports.reconciliationCells(from: first, to: last)
        let alerts = try store.alertLedger.all().filter { $0.period.description == month.description }
        let periods = summaries.keys.sorted().map { key in
            (customerID: String(key.prefix { $0 != "|" }), lines: summaries[key]!.lines, trials: summaries[key]!.trials)
        }
        let figures = FinanceFigures(
            month: month, currency: env.config.currency, customers: catalog.customers, plans: env.config.plans, totals: totals,
            issued: issued, drafts: drafts.map { var d = $0; d.lines = []; return d }, issuedByLineKind: byKind,
            margin: MarginBook(periods: periods, services: catalog.services), reconciliation: ReconciliationSummary.of(cells),
            alerts: alerts, serviceQuality: ServiceQuality.rows(daily: daily, latency: latency),
            daily: DailyUsage.of(daily, from: first, to: last))
        report.figures = figures

        env.progress.update("report: writing", done: 3, total: 4, unit: "steps")
        let csvPath = "\(folder)/usage-summary.csv"
        try FileSystem.writeAtomically(Self.usageSummaryCSV(summaries), to: csvPath)
        let xlsxPath = "\(folder)/finance-\(month).xlsx"
        try FinanceWorkbook.make(figures, created: last.adding(days: 1).start).write(to: xlsxPath)
        env.progress.finish()
        return (report, [csvPath, xlsxPath])
    }

    static let usageSummaryColumns = ["customer_id", "period", "period_start", "provider", "model", "tier", "token_type", "service_id",
                                      "quantity", "error_quantity", "unit_price", "amount", "upstream_cost"]

    /// One row per summary line, in customer and line order; `unit_price` per token (per
    /// request for request lines), exact; `amount` rounded to cents as on the invoice.
    static func usageSummaryCSV(_ summaries: [String: (lines: [UsageSummaryLine], trials: [TrialUse], start: UTCDay)]) -> String {
        var out = CSVText.record(usageSummaryColumns)
        for key in summaries.keys.sorted() {
            let v = summaries[key]!
            let customer = String(key.prefix { $0 != "|" })
            let period = PeriodMonth(year: v.start.date.year, month: v.start.date.month)
            for l in v.lines {
                out += CSVText.record([customer, period.description, v.start.description, l.provider, l.model, l.tier.rawValue,
                                       l.tokenType.rawValue, l.serviceID, String(l.quantity), String(l.errorQuantity),
                                       l.unitPrice.map { $0.normalized.description } ?? "", l.charge.map { $0.formatted(places: 2) } ?? "",
                                       l.upstreamCost.map { $0.formatted(places: 2) } ?? ""])
            }
        }
        return out
    }
}
