import SettleCore
import SettleFormats
import SettleStore
import SettleWorkbook

/// `settle report --period P`: `reports/P/usage-summary.csv` (every priced usage line of the
/// billing periods that start in P) and `reports/P/finance-P.xlsx`.
///
/// Read-only on the store, and written from stored data only, so the same data gives the same
/// bytes: the workbook's creation time is the end of the month, not the clock.
public struct FinanceReport: Job {
    public var month: PeriodMonth
    /// Customers gathered at a time (`IssueInvoices.chunkSize`).
    var chunkSize = 1_000

    public init(month: PeriodMonth) { self.month = month }

    public struct Result: JobResult, Sendable {
        public init() {}
        public var runRecord: RunRecord?
        public var folder = ""
        public var figures: FinanceFigures?
    }

    public var name: String { "report" }

    public func parameters(env: JobEnvironment, prepared: Catalog, startedAt: Timestamp) -> [String: String] { ["period": month.description] }

    public func run(store: any SettleStore, env: JobEnvironment, prepared catalog: Catalog, runID: String, startedAt: Timestamp) throws -> (Result, JobRun.Outcome) {
        let (result, outputs) = try perform(store: store, env: env, catalog: catalog, runID: runID)
        return (result, JobRun.Outcome(status: .ok, outputs: outputs))
    }

    /// Gathers and writes: the month's customers a chunk at a time (drafts computed as a dry
    /// run would), then its issued documents read back. The caller holds the lock.
    public func perform(store: any SettleStore, env: JobEnvironment, catalog: Catalog, runID: String) throws -> (Result, [String]) {
        env.progress.update("report: reading the month", done: 0, total: 4, unit: "steps")
        let gathering = try Gathering(month: month, env: env, catalog: catalog)
        var drafts = IssueInvoices(month: month, dryRun: true)
        drafts.keepsDocuments = false
        drafts.chunkSize = chunkSize
        let computed = try drafts.compute(store: store, env: env, catalog: catalog, runID: runID) { try gathering.add($0, store: store) }
        env.progress.update("report: invoices", done: 1, total: 4, unit: "steps")
        let issued = try IssueInvoices.read(month: month, store: store, env: env, label: "report: reading invoices")
        return try finish(gathering, issued: issued, store: store, env: env, catalog: catalog, credit: computed)
    }

    /// Writes the usage summary and the workbook from what `gathering` gathered and the
    /// month's issued documents' sums, with the figures of the calendar month read here.
    /// `credit`: the invoicing run whose credit statement the "Credits" sheet repeats (the
    /// entries it took in without storing them, and what its drafts would use), so that the
    /// sheet and credits.csv agree.
    func finish(_ gathering: Gathering, issued: IssuedMonth, store: any SettleStore, env: JobEnvironment,
                catalog: Catalog, credit: IssueInvoices.Result) throws -> (Result, [String]) {
        var result = Result()
        let folder = "\(env.outDir)/reports/\(month)"
        result.folder = folder
        let (first, last) = FinanceFigures.days(of: month)
        env.progress.update("report: reconciliation and service quality", done: 2, total: 4, unit: "steps")
        let daily = try store.periods.dailyRows(from: first, to: last)
        let latency = try store.periods.latencyHistogram(from: first, to: last)
        let cells = try store.reconciliation.reconciliationCells(from: first, to: last)
        let alerts = try store.alertLedger.all().filter { $0.period.description == month.description }
        let audit = ChargeAudit.configured(env.config, catalog: catalog)
        let auditCells = audit.cells(daily)
        var figures = FinanceFigures(
            month: month, currency: env.config.currency, plans: env.config.plans, issued: issued, drafts: gathering.drafts,
            projectedOverLimit: gathering.workbook.projectedOverLimit, margin: gathering.margin,
            reconciliation: ReconciliationSummary.of(cells), alerts: alerts, serviceQuality: ServiceQuality.rows(daily: daily, latency: latency),
            daily: DailyUsage.of(daily, from: first, to: last),
            credits: CreditStatement.rows(entries: try store.creditLedger.entries() + credit.unstoredCredit.entries,
                                          uses: try store.creditLedger.uses() + credit.unstoredCredit.uses, month: month,
                                          pending: credit.pendingCredit,
                                          currency: { [currencies = credit.customerCurrencies] in currencies[$0] ?? env.config.currency }),
            chargeAudit: auditCells, chargeAuditSummary: audit.summary(auditCells))
        // Receivables: the month's invoices and every older one still open, as of the latest day
        // the store knows of (a payment, an issue date), at least the month's end; from the data,
        // so the same store gives the same sheet.
        let receivables = try store.payments.receivables(base: env.config.currency)
        let payments = try store.payments.all()
        let asOf = ([last] + payments.map(\.payment.date) + receivables.map(\.issueDate)).max() ?? last
        let ofMonth = try store.payments.invoiceNumbers(period: month)
        figures.receivablesAsOf = asOf
        figures.receivables = ReceivableBook.on(asOf, invoices: receivables, payments: payments, settlements: try store.payments.settlements())
            .filter { ofMonth.contains($0.number) || $0.open > .zero }
        result.figures = figures
        env.progress.update("report: writing", done: 3, total: 4, unit: "steps")
        let csvPath = try gathering.commitUsageSummary()
        let xlsxPath = "\(folder)/finance-\(month).xlsx"
        try gathering.workbook.make(figures, created: last.adding(days: 1).start).write(to: xlsxPath)
        env.progress.finish()
        return (result, [csvPath, xlsxPath])
    }

    static let usageSummaryColumns = ["customer_id", "period", "period_start", "provider", "model", "tier", "token_type", "service_id",
                                      "quantity", "error_quantity", "unit_price", "amount", "upstream_cost", "band"]
}
