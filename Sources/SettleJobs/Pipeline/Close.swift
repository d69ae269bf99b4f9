import SettleCore
import SettleFormats
import SettleStore
import SettleThreads

/// `settle close --period P`: the month-end, under one lock: usage brought up to date, the
/// invoices of every earlier month settled (late data adjusted, periods that have since ended
/// issued), P's invoices issued, seller payouts, and the finance workbook.
///
/// Running it again issues only what is still due: issued documents never change, and a
/// customer whose period had not ended on the issue date is issued by a later close.
public struct Close: Job {
    public var month: PeriodMonth
    public var issueDate: UTCDay?

    public init(month: PeriodMonth, issueDate: UTCDay? = nil) {
        self.month = month
        self.issueDate = issueDate
    }

    public struct Report: JobReport, Sendable {
        public init() {}
        public var runRecord: RunRecord?
        public var aggregate: Aggregate.Report?
        /// Earlier months: adjustments and invoices issued now.
        public var earlier: [IssueInvoices.Report] = []
        public var invoices = IssueInvoices.Report()
        public var payouts = ComputePayouts.Report()
        public var finance = FinanceReport.Report()
        public var findings: [String] = []
        public var outputs: [String] = []
        public var status: ExitStatus { findings.isEmpty ? .ok : .findings }
    }

    public var name: String { "close" }

    public func parameters(env: JobEnvironment, startedAt: Timestamp) -> [String: String] {
        ["period": month.description, "issue_date": (issueDate ?? startedAt.day).description]
    }

    public func run(store: any SettleStore, env: JobEnvironment, catalog: Catalog, runID: String, startedAt: Timestamp) throws -> (Report, JobRun.Outcome) {
        let report = try perform(store: store, env: env, catalog: catalog, issueDate: issueDate ?? startedAt.day, runID: runID)
        return (report, JobRun.Outcome(status: report.status, outputs: report.outputs,
                                       message: report.findings.isEmpty ? nil : report.findings.joined(separator: "; ")))
    }

    func perform(store: any SettleStore, env: JobEnvironment, catalog: Catalog, issueDate: UTCDay, runID: String) throws -> Report {
        var report = Report()
        // Days ingested but not yet aggregated (a nightly that has not run since) count too.
        let pending = try store.pending.days(.aggregate, through: issueDate)
        if !pending.isEmpty {
            let a = try Aggregate(days: pending).compute(store: store, env: env, catalog: catalog)
            report.aggregate = a
            if let f = a.findings { report.findings.append(f) }
        }
        let earlier = Set(try store.invoiceLedger.issuedMonths() + store.periods.summedMonths()).filter { $0 < month }.sorted()
        for m in earlier {
            let job = IssueInvoices(month: m, finalize: true, adjust: true, issueDate: issueDate)
            let (r, outputs) = try job.perform(store: store, env: env, catalog: catalog, runID: runID)
            report.earlier.append(r)
            if !r.issued.isEmpty || !r.adjustments.isEmpty { report.outputs += outputs }
            if let f = r.findings { report.findings.append("\(m): \(f)") }
        }
        // Read once and handed on: the month's usage lines (invoices, then the workbook) and its
        // issued documents (read back as their files are written, then payouts and workbook).
        env.progress.update("close \(month): reading the month's usage", done: 0, total: nil, unit: "steps")
        let summaries = try store.periods.periodsStarting(in: month)
        // Needs nothing else: written while invoices are computed and issued on the other core.
        let usageSummary = FinanceReport.startUsageSummary(summaries, month: month, outDir: env.outDir)
        var (invoices, invoiceOutputs, invoiceSummary) = try IssueInvoices(month: month, finalize: true, adjust: true, issueDate: issueDate)
            .performLeavingSummary(store: store, env: env, catalog: catalog, runID: runID, summaries: summaries)
        let issued = invoices.documents
        invoices.documents = IssuedMonth()
        report.invoices = invoices
        report.outputs += invoiceOutputs
        if let f = invoices.findings { report.findings.append(f) }
        let (payouts, payoutOutputs) = try ComputePayouts(month: month).perform(store: store, env: env, catalog: catalog, issued: issued)
        report.payouts = payouts
        report.outputs += payoutOutputs
        if let f = payouts.findings { report.findings.append(f) }
        let (finance, financeOutputs) = try FinanceReport(month: month)
            .perform(store: store, env: env, catalog: catalog, runID: runID, drafts: invoices.drafts, issued: issued, summaries: summaries,
                     usageSummary: usageSummary)
        report.finance = finance
        report.outputs += financeOutputs
        report.outputs += try invoiceSummary.wait()
        return report
    }
}
