import SettleCore
import SettleFormats
import SettleStore
import SettleWorkbook
import Logging
import SettleThreads

/// `settle invoice --period P`: every customer's invoice for the billing period that starts in
/// month P, as drafts, or issued with `--finalize`; `--adjust` settles late data on issued ones.
///
/// Built from the period summaries `settle aggregate` keeps (run it over the period first;
/// `settle close` does). Issued invoices are stored as the JSON text that was written, and their
/// files are always written from that text: an issued invoice never changes.
public struct IssueInvoices {
    public var month: PeriodMonth
    public var customer: String?
    public var finalize: Bool
    public var adjust: Bool
    /// `--adjust --catalog`: issued periods also take the plan fees and tax rate of the
    /// customer versions now in force (a back-dated version); without it they keep their own.
    public var applyCatalog: Bool
    public var issueDate: UTCDay?
    public var dryRun: Bool

    public init(month: PeriodMonth, customer: String? = nil, finalize: Bool = false, adjust: Bool = false, applyCatalog: Bool = false,
                issueDate: UTCDay? = nil, dryRun: Bool = false) {
        self.month = month
        self.customer = customer
        self.finalize = finalize
        self.adjust = adjust
        self.applyCatalog = applyCatalog
        self.issueDate = issueDate
        self.dryRun = dryRun
    }

    public struct Report: Sendable {
        public var runRecord: RunRecord?
        public var issued: [Invoice] = []
        public var drafts: [Invoice] = []
        public var adjustments: [Invoice] = []
        public var folder = ""
        public var unpricedCustomers: [String] { drafts.filter { !$0.unpriced.isEmpty }.map(\.customerID) }
        /// Customers whose period had not ended by the issue date: left as drafts, not findings.
        public var openPeriods: [String] = []
        /// Every issued document of the period once this run has written them, as read back
        /// from the store (filled by `perform`).
        public var documents = IssuedMonth()
        /// Credit that documents issued before the ledger existed applied and that no entry of
        /// credits.csv covers any more.
        public var uncoveredCredit = ExactDecimal.zero
        public var status: ExitStatus { findings == nil ? .ok : .findings }
        public var findings: String? {
            var out: [String] = []
            if !unpricedCustomers.isEmpty { out.append("not finalized, usage without a price: \(unpricedCustomers.joined(separator: ", "))") }
            if uncoveredCredit > .zero {
                out.append("earlier invoices applied \(uncoveredCredit.formatted(places: 2)) of credit that credits.csv no longer holds")
            }
            return out.isEmpty ? nil : out.joined(separator: "; ")
        }
    }

    public func execute(store: any SettleStore, env: JobEnvironment) throws -> Report {
        let catalog = try CatalogLoader.load(config: env.config)
        if dryRun { return try compute(store: store, env: env, catalog: catalog, runID: "dry-run") }
        var run = JobRun(job: "invoice", parameters: ["period": month.description, "customer": customer ?? "",
                                                     "finalize": String(finalize), "adjust": String(adjust), "catalog": String(applyCatalog),
                                                     "issue_date": issueDate?.description ?? "", "database": store.displayURL],
                         startedAt: env.clock())
        let runID = run.runID
        var report = Report()
        report.runRecord = try run.execute(store: store, env: env) { _ in
            let (done, outputs) = try perform(store: store, env: env, catalog: catalog, runID: runID)
            report = done
            return JobRun.Outcome(status: report.status, outputs: outputs, message: report.findings)
        }
        return report
    }

    /// Issues what is due and writes the period's folder. The caller holds the lock.
    /// `summaries`: the month's period summaries when the caller has read them already.
    public func perform(store: any SettleStore, env: JobEnvironment, catalog: Catalog, runID: String,
                        summaries: PeriodSummaries? = nil) throws -> (Report, [String]) {
        let (report, outputs, summary) = try performLeavingSummary(store: store, env: env, catalog: catalog, runID: runID, summaries: summaries)
        return (report, outputs + (try summary.wait()))
    }

    /// As `perform`, but the period's index and workbook are still being written, on a thread
    /// of their own, when it returns: close writes the payouts and the finance workbook
    /// meanwhile. `wait()` gives their paths.
    public func performLeavingSummary(store: any SettleStore, env: JobEnvironment, catalog: Catalog, runID: String,
                                      summaries: PeriodSummaries? = nil) throws -> (Report, [String], BackgroundWork<[String]>) {
        var report = try compute(store: store, env: env, catalog: catalog, runID: runID, summaries: summaries)
        let (outputs, summary) = try write(&report, store: store, env: env)
        return (report, outputs, summary)
    }

    var issuer: (SettleConfig) -> InvoiceDocument.Issuer {
        { InvoiceDocument.Issuer(name: $0.invoices.issuerName, address: $0.invoices.issuerAddress, taxID: $0.invoices.issuerTaxID) }
    }

    func compute(store: any SettleStore, env: JobEnvironment, catalog: Catalog, runID: String, summaries: PeriodSummaries? = nil) throws -> Report {
        var report = Report()
        report.folder = "\(env.outDir)/invoices/\(month)"
        let config = env.config
        let rules = InvoiceRules(currency: config.currency, paymentTermsDays: config.invoices.paymentTermsDays,
                                 volumeDiscounts: config.volumeDiscounts, services: catalog.services, plans: config.plans)
        let date = issueDate ?? env.clock().day
        let ledger = store.invoiceLedger
        var accounts = try creditAccounts(store: store, catalog: catalog, creditsFile: config.catalog.credits, through: date, report: &report)
        var thisMonth: [String: [String]] = [:]
        try ledger.forEachDocument(period: month) { _, customerID, document in thisMonth[customerID, default: []].append(document) }
        var toIssue: [InvoiceLedger.Issue] = []
        let issuer = self.issuer(config)
        let summaries = try summaries ?? store.periods.periodsStarting(in: month)
        let label = "invoice \(month): computing"
        let customers = catalog.customers.all.filter { customer == nil || $0.id == customer }
        for (i, c) in customers.enumerated() {
            if i % 256 == 0 { env.progress.update(label, done: Int64(i), total: Int64(customers.count), unit: "customers") }
            let period = BillingPeriod(month: month, billingDay: c.billingDay)
            let issuedHere = thisMonth[c.id] ?? []
            let summary = summaries[PeriodKey(customerID: c.id, periodStart: period.firstDay)]
            guard let now = rules.invoice(customer: c, period: period, usage: summary?.lines ?? [], trials: summary?.trials ?? [],
                                          issueDate: date, evenIfEmpty: !issuedHere.isEmpty) else { continue }
            var account = accounts[c.id] ?? CreditAccount(customerID: c.id)
            if !issuedHere.isEmpty {
                guard adjust else { continue }
                // Parsed only where it matters: --adjust compares with what was issued.
                let thisPeriod = issuedHere.compactMap { InvoiceDocument.parse($0) }
                if var a = rules.adjustment(of: thisPeriod, now: now, applyingCatalog: applyCatalog, issueDate: date) {
                    if a.unpriced.isEmpty {
                        let uses = account.apply(to: &a)
                        accounts[c.id] = account
                        toIssue.append(InvoiceLedger.Issue(invoice: a, series: a.kind == .creditNote ? config.invoices.creditNotePrefix : config.invoices.numberPrefix,
                                                           creditUses: uses, render: { InvoiceDocument.json($0, issuer: issuer) }))
                    } else {
                        env.logger.debug("\(c.id) \(period.firstDay): the adjustment stays a draft: usage without a price in force")
                        account.apply(to: &a)
                        report.drafts.append(a)
                    }
                }
                continue
            }
            var inv = now
            if finalize && now.isFinalizable && period.endDay > date {
                // A period still running on the issue date would be invoiced short: it stays a draft.
                env.logger.debug("\(c.id) stays a draft: its period ends \(period.endDay), after the issue date \(date)")
                report.openPeriods.append(c.id)
                account.apply(to: &inv)
                report.drafts.append(inv)
            } else if finalize && now.isFinalizable {
                let uses = account.apply(to: &inv)
                accounts[c.id] = account
                toIssue.append(InvoiceLedger.Issue(invoice: inv, series: config.invoices.numberPrefix, creditUses: uses,
                                                   render: { InvoiceDocument.json($0, issuer: issuer) }))
            } else {
                if finalize { env.logger.debug("\(c.id) stays a draft: usage without a price in force (\(now.unpriced.map { "\($0.provider) \($0.model)" }.joined(separator: ", ")))") }
                // A draft shows the credit it would use, and uses none.
                account.apply(to: &inv)
                report.drafts.append(inv)
            }
        }
        if dryRun {
            for doc in toIssue {
                if doc.invoice.kind == .invoice { report.issued.append(doc.invoice) } else { report.adjustments.append(doc.invoice) }
            }
            return report
        }
        env.progress.update("invoice \(month): issuing \(toIssue.count) documents", done: 0, total: nil, unit: "documents")
        // The ledger moves on with the documents it pays: a run that issues nothing (drafts, a
        // close with nothing due) stores none of its catch-up, so its issue date never moves
        // the ledger past a later run's.
        let changed = accounts.values.filter { !$0.recorded.isEmpty || !$0.uses.isEmpty || !$0.changedRemainders.isEmpty }
            .sorted { $0.customerID < $1.customerID }
        if !toIssue.isEmpty {
            for inv in try ledger.issue(toIssue, credit: changed, runID: runID, at: env.clock()) {
                if inv.kind == .invoice { report.issued.append(inv) } else { report.adjustments.append(inv) }
            }
        }
        return report
    }

    /// The credit ledger brought up to the issue date from credits.csv (`CreditCatchUp`); a
    /// row it cannot take is bad configuration (78) naming the line.
    func creditAccounts(store: any SettleStore, catalog: Catalog, creditsFile: String?, through date: UTCDay,
                        report: inout Report) throws -> [String: CreditAccount] {
        var accounts = try store.creditLedger.accounts()
        let earlier = try store.creditLedger.earlierDocuments().map { d -> CreditCatchUp.EarlierDocument in
            guard let inv = InvoiceDocument.parse(d.document) else {
                throw StoreError("issued document \(d.number) cannot be read back, so the credit it applied cannot be entered in the credit ledger: was the database edited by hand, or written by a newer settle?")
            }
            return CreditCatchUp.EarlierDocument(number: d.number, customerID: d.customerID, issueDate: inv.issueDate,
                                                 periodEnd: inv.period.endDay, creditsApplied: d.creditsApplied)
        }
        do {
            report.uncoveredCredit = try CreditCatchUp.run(&accounts, catalog: catalog.credits, earlier: earlier, through: date)
        } catch {
            throw ConfigError(file: creditsFile ?? "credits.csv", line: error.line, key: error.key, error.message)
        }
        return accounts
    }

    /// The period's folder: every issued document of the period (from its stored text), the
    /// drafts, index.csv and the workbook; stale drafts removed. The index and the workbook
    /// need only the documents' totals and no store: they are written in the background.
    func write(_ report: inout Report, store: any SettleStore, env: JobEnvironment) throws -> ([String], BackgroundWork<[String]>) {
        let folder = report.folder
        var outputs: [String] = []
        var issued = IssuedMonth()
        // A month's first folder is written whole beside its place and renamed into it.
        let staged = try StagedFolder(folder)
        let into = staged.path
        // Files are written on a thread of their own while the next documents are read and parsed.
        let files = FileBatchWriter(staged: staged.isStaged)
        // Files not there yet are written without looking first (a first close creates them all).
        let existing = staged.isStaged ? [] : FileSystem.names(in: folder)
        do {
            try store.invoiceLedger.forEachDocument(period: month) { number, _, document in
                let n = issued.documents.count
                if n % 256 == 0 { env.progress.update("invoice \(month): writing", done: Int64(n), total: nil, unit: "documents") }
                guard let inv = InvoiceDocument.parse(document) else { return }
                try files.write(document, to: "\(into)/\(number).json", mayExist: existing.contains("\(number).json"))
                try files.write(to: "\(into)/\(number).csv", mayExist: existing.contains("\(number).csv")) { InvoiceDocument.csv(inv) }
                issued.add(inv)
            }
            try writeDrafts(report, into: into, files: files, env: env)
            let statement = CreditStatement.rows(entries: try store.creditLedger.entries(), uses: try store.creditLedger.uses(), month: month)
            try files.write(Self.creditsCSV(statement), to: "\(into)/credits.csv", mayExist: existing.contains("credits.csv"))
            try files.finish()
            env.progress.update("invoice \(month): flushing the files to disk", done: 0, total: nil, unit: "steps")
            CrashPoint.reach("invoice:files-written")
            try staged.commit()
        } catch {
            try? files.finish()
            staged.discard()
            throw error
        }
        report.documents = issued
        let all = issued.documents
        outputs.append("\(folder)/ (\(all.count) issued documents, credits.csv)")
        let draftNames = Set(report.drafts.filter { customer == nil || $0.customerID == customer }.map(Self.draftName))
        if !draftNames.isEmpty { outputs.append("\(folder)/drafts/ (\(draftNames.count) drafts)") }
        if customer == nil, !staged.isStaged, let stale = try? FileSystem.files(under: "\(folder)/drafts") {
            for path in stale {
                let name = String(path.split(separator: "/").last!)
                let base = name.hasSuffix(".json") ? String(name.dropLast(5)) : name.hasSuffix(".csv") ? String(name.dropLast(4)) : name
                if !draftNames.contains(base) { FileSystem.remove(path) }
            }
        }
        let created = (issueDate ?? env.clock().day).start
        let rows = all + report.drafts.map { var d = $0; d.lines = []; return d }
        let currency = env.config.currency, workbook = "\(folder)/invoices-\(month).xlsx"
        let summary = BackgroundWork<[String]> {
            var index = CSVText.record(InvoiceDocument.indexColumns)
            for inv in all { CSVText.append(InvoiceDocument.indexRow(inv), to: &index) }
            try FileSystem.writeAtomically(index, to: "\(folder)/index.csv")
            try InvoicesWorkbook.make(rows, currency: currency, created: created).write(to: workbook)
            return ["\(folder)/index.csv", workbook]
        }
        // One flush for the batch of invoice files instead of one per file (a staged folder
        // was flushed before it was moved into place).
        if !staged.isStaged { FileSystem.syncFileSystem(of: folder) }
        env.progress.finish()
        return (outputs, summary)
    }

    /// `credits.csv`: the month's credit statement (`CreditStatement`), money with two decimals.
    static func creditsCSV(_ rows: [CreditStatementRow]) -> String {
        var out = CSVText.record(CreditStatementRow.columns)
        for r in rows { CSVText.append([r.customerID] + r.cells.map { $0.formatted(places: 2) }, to: &out) }
        return out
    }

    static func draftName(_ draft: Invoice) -> String {
        draft.kind == .invoice ? draft.customerID : "\(draft.customerID)-\(draft.kind.rawValue)"
    }

    /// The drafts of the period (of `customer`, when one is asked for) into `into/drafts`.
    private func writeDrafts(_ report: Report, into: String, files: FileBatchWriter, env: JobEnvironment) throws {
        let issuer = self.issuer(env.config)
        for draft in report.drafts where customer == nil || draft.customerID == customer {
            let name = Self.draftName(draft)
            try files.write(InvoiceDocument.json(draft, issuer: issuer), to: "\(into)/drafts/\(name).json")
            try files.write(InvoiceDocument.csv(draft), to: "\(into)/drafts/\(name).csv")
        }
    }
}

extension IssueInvoices {
    /// The period's issued documents read back from the store, for the payouts or the workbook
    /// run on their own (close passes what its write read).
    static func read(month: PeriodMonth, store: any SettleStore, env: JobEnvironment, label: String) throws -> IssuedMonth {
        var issued = IssuedMonth()
        try store.invoiceLedger.forEachDocument(period: month) { _, _, document in
            let n = issued.documents.count
            if n % 256 == 0 { env.progress.update(label, done: Int64(n), total: nil, unit: "documents") }
            if let inv = InvoiceDocument.parse(document) { issued.add(inv) }
        }
        return issued
    }
}
