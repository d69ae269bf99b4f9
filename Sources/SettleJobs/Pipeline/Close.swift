import SettleCore
import Logging
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
    /// Customers invoiced and gathered for the workbook at a time (`IssueInvoices.chunkSize`).
    var chunkSize = 1_000

    public init(month: PeriodMonth, issueDate: UTCDay? = nil) {
        self.month = month
        self.issueDate = issueDate
    }

    public struct Result: JobResult, Sendable {
        public init() {}
        public var runRecord: RunRecord?
        public var aggregate: Aggregate.Result?
        /// Earlier months: adjustments and invoices issued now.
        public var earlier: [IssueInvoices.Result] = []
        public var invoices = IssueInvoices.Result()
        public var payouts = ComputePayouts.Result()
        public var finance = FinanceReport.Result()
        /// The PDFs rendered, one result per month.
        public var documents: [RenderDocuments.Result] = []
        /// The month's journal; nil when it could not be written yet (the month is not over).
        public var journal: WriteJournal.Result?
        public var site: WriteSite.Result?
        public var findings: [String] = []
        public var outputs: [String] = []
        public var status: ExitStatus { findings.isEmpty ? .ok : .findings }
    }

    public var name: String { "close" }

    public func parameters(env: JobEnvironment, prepared: Catalog, startedAt: Timestamp) -> [String: String] {
        ["period": month.description, "issue_date": (issueDate ?? startedAt.day).description]
    }

    public func run(store: any SettleStore, env: JobEnvironment, prepared catalog: Catalog, runID: String, startedAt: Timestamp) throws -> (Result, JobRun.Outcome) {
        let result = try perform(store: store, env: env, catalog: catalog, issueDate: issueDate ?? startedAt.day, runID: runID)
        return (result, JobRun.Outcome(status: result.status, outputs: result.outputs,
                                       message: result.findings.isEmpty ? nil : result.findings.joined(separator: "; ")))
    }

    func perform(store: any SettleStore, env: JobEnvironment, catalog: Catalog, issueDate: UTCDay, runID: String) throws -> Result {
        var result = Result()
        // Days ingested but not yet aggregated (a nightly that has not run since) count too.
        let pending = try store.pending.days(.aggregate, through: issueDate)
        if !pending.isEmpty {
            let a = try Aggregate(days: pending).compute(store: store, env: env, catalog: catalog)
            result.aggregate = a
            if let f = a.findings { result.findings.append(f) }
        }
        let earlier = Set(try store.invoiceLedger.issuedMonths() + store.periods.summedMonths()).filter { $0 < month }.sorted()
        // Periods summed with other terms than they have now (a catalog edit of an open period,
        // a price added for usage that had none, a back-dated version applied): summed again.
        if let a = try StalePeriods.sumAgain(months: earlier + [month], store: store, env: env, catalog: catalog, through: issueDate) {
            if result.aggregate == nil { result.aggregate = a }
            if let f = a.findings, !result.findings.contains(f) { result.findings.append(f) }
        }
        for m in earlier {
            var job = IssueInvoices(month: m, finalize: true, adjust: true, issueDate: issueDate)
            job.keepsDocuments = false
            job.chunkSize = chunkSize
            let (r, outputs) = try job.perform(store: store, env: env, catalog: catalog, runID: runID)
            result.earlier.append(r)
            if r.issuedCount + r.adjustmentCount > 0 { result.outputs += outputs }
            if let f = r.findings { result.findings.append("\(m): \(f)") }
        }
        // One pass over the month's customers, a chunk at a time, feeds the invoices and the
        // finance workbook; one pass over its issued documents, as their files are written,
        // feeds the payouts and the sums. Nothing per customer is held.
        let finance = try FinanceReport.Gathering(month: month, env: env, catalog: catalog)
        let payouts = PayoutStatements(services: catalog.services)
        var job = IssueInvoices(month: month, finalize: true, adjust: true, issueDate: issueDate)
        job.keepsDocuments = false
        job.chunkSize = chunkSize
        let (invoices, invoiceOutputs, invoiceWorkbook) = try job.performLeavingWorkbook(
            store: store, env: env, catalog: catalog, runID: runID,
            onChunk: { try finance.add($0, store: store) }, onDocument: { payouts.add($0) })
        result.invoices = invoices
        result.outputs += invoiceOutputs
        if let f = invoices.findings { result.findings.append(f) }
        let (paid, payoutOutputs) = try ComputePayouts(month: month).perform(store: store, env: env, catalog: catalog, gathered: payouts)
        result.payouts = paid
        result.outputs += payoutOutputs
        if let f = paid.findings { result.findings.append(f) }
        let (figures, financeOutputs) = try FinanceReport(month: month)
            .finish(finance, issued: invoices.documents, store: store, env: env, catalog: catalog, credit: invoices)
        result.finance = figures
        result.outputs += financeOutputs
        result.outputs += try invoiceWorkbook.wait()
        // The quarter's One-Stop Shop lines, with the documents this close issued.
        if let oss = try OneStopShopReport(month: month).write(store: store, env: env) { result.outputs.append(oss) }
        // The month's journal, once the month is over and no later one is written.
        do {
            let journal = try WriteJournal(month: month).perform(store: store, env: env, catalog: catalog, runID: runID, today: env.clock().day)
            result.journal = journal
            result.outputs += journal.files
            if let f = journal.findings { result.findings.append("journal: \(f)") }
        } catch let e as JournalMonthError {
            env.logger.notice("close: no journal for \(month): \(e)")
        }
        // The site, for the month closed, as of the issue date.
        let site = try WriteSite(month: month, asOf: issueDate).perform(store: store, env: env, catalog: catalog, day: issueDate)
        result.site = site
        result.outputs.append(site.folder)
        // The PDFs customers and sellers receive, of every month this close issued documents
        // in (an adjustment of an earlier month included), and of the month closed.
        var rendered = zip(earlier, result.earlier).filter { $0.1.issuedCount + $0.1.adjustmentCount > 0 }.map(\.0)
        rendered.append(month)
        for m in rendered {
            let (documents, outputs) = try RenderDocuments(month: m).perform(store: store, env: env, catalog: catalog)
            result.documents.append(documents)
            result.outputs += outputs
        }
        return result
    }
}

