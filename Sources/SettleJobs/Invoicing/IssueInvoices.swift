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
public struct IssueInvoices: Job {
    public var month: PeriodMonth
    public var customer: String?
    public var finalize: Bool
    public var adjust: Bool
    /// `--adjust --catalog`: issued periods also take the plan fees and tax rate of the
    /// customer versions now in force (a back-dated version); without it they keep their own.
    public var applyCatalog: Bool
    public var issueDate: UTCDay?
    public var dryRun: Bool
    /// Customers read, computed, issued and handed on at a time: a month-end at a million
    /// customers holds a thousand customers' summaries and documents, not a million (tests
    /// make it small to cross many chunks).
    var chunkSize = 1_000
    /// Whether the result keeps every document (`issued`, `adjustments`, `drafts`,
    /// `openPeriods`) besides their counts: `settle invoice` lists some; close keeps counts only.
    var keepsDocuments = true

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

    public struct Result: JobResult, Sendable {
        public init() {}
        public var runRecord: RunRecord?
        /// The documents, when the job keeps them (`keepsDocuments`); the counts always.
        public var issued: [Invoice] = []
        public var drafts: [Invoice] = []
        public var adjustments: [Invoice] = []
        public var issuedCount = 0
        public var adjustmentCount = 0
        public var draftCount = 0
        /// What the documents issued by this run total.
        public var issuedTotal = ExactDecimal.zero
        public var folder = ""
        /// Customers with a draft held by usage without a price.
        public var unpricedCustomers: [String] = []
        /// Customers with a draft held because their tax cannot be decided, and why.
        public var untaxedCustomers: [(customerID: String, why: String)] = []
        /// Customers invoiced in another currency than the base, and theirs (the credit statement
        /// names it).
        public var customerCurrencies: [String: String] = [:]
        /// Customers with a draft held because there is no exchange rate for their currency, and why.
        public var unconvertedCustomers: [(customerID: String, why: String)] = []
        /// Customers whose period had not ended by the issue date: left as drafts, not findings
        /// (kept with the documents; counted always).
        public var openPeriods: [String] = []
        public var openPeriodCount = 0
        /// What the period's issued documents add up to once this run has written them, as read
        /// back from the store (filled by `perform`).
        public var documents = IssuedMonth()
        /// Credit that documents issued before the ledger existed applied and that no entry of
        /// credits.csv covers any more.
        public var uncoveredCredit = ExactDecimal.zero
        /// Credit that the drafts of this run would use, per customer (the statement's `pending`).
        public var pendingCredit: [String: ExactDecimal] = [:]
        /// What the credit ledger took in from credits.csv on this run and did not store (a run
        /// that issues nothing leaves the stored ledger where issued documents put it, so that a
        /// later issue date still finds the credit of its own day): the statement shows it.
        public var unstoredCredit: (entries: [CreditEntry], uses: [CreditUse]) = ([], [])
        public var status: ExitStatus { findings == nil ? .ok : .findings }
        public var findings: String? {
            var out: [String] = []
            if !unpricedCustomers.isEmpty { out.append("not finalized, usage without a price: \(unpricedCustomers.joined(separator: ", "))") }
            if let first = untaxedCustomers.first {
                out.append("not finalized, tax cannot be decided: \(untaxedCustomers.map(\.customerID).joined(separator: ", ")) (\(first.customerID): \(first.why))")
            }
            if let first = unconvertedCustomers.first {
                out.append("not finalized, no exchange rate: \(unconvertedCustomers.map(\.customerID).joined(separator: ", ")) (\(first.customerID): \(first.why))")
            }
            if uncoveredCredit > .zero {
                out.append("earlier invoices applied \(uncoveredCredit.formatted(places: 2)) of credit that credits.csv no longer holds")
            }
            return out.isEmpty ? nil : out.joined(separator: "; ")
        }
    }

    /// A chunk of customers as invoicing saw them, in catalog order, for the finance workbook
    /// (close and `settle report` build it a chunk at a time).
    public struct Chunk {
        public var customers: ArraySlice<CustomerHistory>
        public var summaries: PeriodSummaries
        /// Each customer's invoice of the period (kind invoice): issued, by this run or before,
        /// else its draft.
        public var invoices: [String: Invoice]
        /// Drafts of every kind.
        public var drafts: Int
    }

    public var name: String { "invoice" }
    public func parameters(env: JobEnvironment, prepared: Catalog, startedAt: Timestamp) -> [String: String] {
        ["period": month.description, "customer": customer ?? "", "finalize": String(finalize), "adjust": String(adjust),
         "catalog": String(applyCatalog), "issue_date": issueDate?.description ?? ""]
    }

    public func dryRun(store: any SettleStore, env: JobEnvironment, prepared catalog: Catalog) throws -> Result? {
        dryRun ? try compute(store: store, env: env, catalog: catalog, runID: "dry-run") : nil
    }

    public func run(store: any SettleStore, env: JobEnvironment, prepared catalog: Catalog, runID: String, startedAt: Timestamp) throws -> (Result, JobRun.Outcome) {
        // Periods summed with other terms than they have now are summed again first.
        _ = try StalePeriods.sumAgain(months: [month], store: store, env: env, catalog: catalog, through: issueDate ?? env.clock().day)
        let (result, outputs) = try perform(store: store, env: env, catalog: catalog, runID: runID)
        return (result, JobRun.Outcome(status: result.status, outputs: outputs, message: result.findings))
    }

    /// Issues what is due and writes the period's folder. The caller holds the lock.
    public func perform(store: any SettleStore, env: JobEnvironment, catalog: Catalog, runID: String) throws -> (Result, [String]) {
        let (result, outputs, workbook) = try performLeavingWorkbook(store: store, env: env, catalog: catalog, runID: runID)
        return (result, outputs + (try workbook.wait()))
    }

    /// As `perform`, but the period's workbook is still being written, on a thread of its own,
    /// when it returns: close writes the payouts and the finance workbook meanwhile. `wait()`
    /// gives the paths of the index and the workbook.
    ///
    /// `onChunk`: each chunk of customers once computed and issued (close's finance workbook);
    /// `onDocument`: each issued document of the period, lines and all, as it is read back in
    /// number order to write its files (close's payouts).
    func performLeavingWorkbook(store: any SettleStore, env: JobEnvironment, catalog: Catalog, runID: String,
                                onChunk: ((Chunk) throws -> Void)? = nil,
                                onDocument: ((Invoice) throws -> Void)? = nil) throws -> (Result, [String], BackgroundWork<[String]>) {
        let drafts = DraftOutput(issuer: issuer(env.config))
        var result = try compute(store: store, env: env, catalog: catalog, runID: runID, drafts: drafts, onChunk: onChunk)
        let (outputs, workbook) = try write(&result, drafts: drafts, store: store, env: env, onDocument: onDocument)
        return (result, outputs, workbook)
    }

    var issuer: (SettleConfig) -> InvoiceDocument.Issuer { { $0.invoices.issuer } }

    /// Computes every customer's invoice, a chunk of customers at a time, and (unless a dry
    /// run) issues what is due in one transaction: numbered in customer order, all or none.
    /// `drafts`: where the drafts go to be written once the documents are committed.
    func compute(store: any SettleStore, env: JobEnvironment, catalog: Catalog, runID: String, drafts out: DraftOutput? = nil,
                 onChunk: ((Chunk) throws -> Void)? = nil) throws -> Result {
        var result = Result()
        result.folder = "\(env.outDir)/invoices/\(month)"
        let config = env.config
        var rules = InvoiceRules(currency: config.currency, paymentTermsDays: config.invoices.paymentTermsDays,
                                 volumeDiscounts: config.volumeDiscounts, services: catalog.services, plans: config.plans)
        rules.adopt(config, vatRates: catalog.vatRates, exchangeRates: catalog.exchangeRates)
        for id in catalog.customers.ids {
            if let c = catalog.customers[id]?.versions.last?.currency, c != config.currency { result.customerCurrencies[id] = c }
        }
        let date = issueDate ?? env.clock().day
        let ledger = store.invoiceLedger
        // Numbers follow time: checked when a document is about to be issued, so that a rerun
        // with its old --issue-date that finds nothing due still writes its files (a dry run,
        // such as rerun's look at drift, issues nothing and is never refused).
        var dateChecked = false
        func checkIssueDate() throws {
            guard !dateChecked else { return }
            try IssueDateRule.check(date, latest: try ledger.latestIssueDate(), today: env.clock().day)
            dateChecked = true
        }
        let termsBook = IssuedTermsBook(store: store, config: config, catalog: catalog)
        var accounts = try creditAccounts(store: store, catalog: catalog, creditsFile: config.catalog.credits, through: date, result: &result)
        let issuer = self.issuer(config)
        let label = "invoice \(month): computing"
        let customers = catalog.customers.all.filter { customer == nil || $0.id == customer }
        // Documents this run issues are never read back while it runs (each customer is in one
        // chunk), so a month's first close asks for none: inside the issuing transaction the
        // store has no statistics for the rows it is adding, and PostgreSQL would scan them.
        let periodHasDocuments = try ledger.hasDocuments(period: month)

        // An account is kept only where there is credit: one per customer would be a
        // customer-sized table for nothing.
        func keep(_ account: CreditAccount, _ uses: [CreditUse]) {
            if !uses.isEmpty || accounts[account.customerID] != nil { accounts[account.customerID] = account }
        }

        func chunks(_ session: InvoiceLedger.IssueSession?) throws -> [CreditAccount] {
            var start = customers.startIndex
            while start < customers.endIndex {
                let chunk = customers[start..<min(start + max(chunkSize, 1), customers.endIndex)]
                start = chunk.endIndex
                env.progress.update(label, done: Int64(chunk.startIndex), total: Int64(customers.count), unit: "customers")
                let ids = chunk.map(\.id)
                let summaries = try store.periods.periodsStarting(in: month, customers: ids)
                let stored = periodHasDocuments ? try ledger.documents(period: month, customers: ids) : [:]
                // The terms the chunk's issued periods were issued on, by period start.
                var frozen: [String: IssuedTermsBook.Frozen] = [:]
                var issuedByStart: [UTCDay: [String]] = [:]
                for c in chunk where !(stored[c.id] ?? []).isEmpty {
                    issuedByStart[BillingPeriod(month: month, billingDay: c.billingDay).firstDay, default: []].append(c.id)
                }
                for (start, issuedIDs) in issuedByStart {
                    frozen.merge(try termsBook.terms(periodStart: start, customers: issuedIDs)) { a, _ in a }
                }
                if let session { try termsBook.keepCatalogs(in: session) }
                var toIssue: [InvoiceLedger.Issue] = []
                var invoices: [String: Invoice] = [:]
                var chunkDrafts = 0
                func keepDraft(_ inv: Invoice) {
                    chunkDrafts += 1
                    if inv.kind != .creditNote && inv.creditsApplied > .zero { result.pendingCredit[inv.customerID, default: .zero] += inv.creditsApplied }
                    result.draftCount += 1
                    if !inv.unpriced.isEmpty { result.unpricedCustomers.append(inv.customerID) }
                    if let why = inv.taxProblem { result.untaxedCustomers.append((inv.customerID, why)) }
                    if let why = inv.rateProblem { result.unconvertedCustomers.append((inv.customerID, why)) }
                    if keepsDocuments { result.drafts.append(inv) }
                    out?.add(inv)
                    if onChunk != nil, inv.kind == .invoice, invoices[inv.customerID] == nil { invoices[inv.customerID] = inv }
                }
                for c in chunk {
                    let period = BillingPeriod(month: month, billingDay: c.billingDay)
                    let issuedHere = stored[c.id] ?? []
                    // Parsed only where it matters: --adjust compares with what was issued, and
                    // the finance workbook shows the issued invoice.
                    let thisPeriod = issuedHere.isEmpty || (!adjust && onChunk == nil) ? [] : try issuedHere.map(StoredDocuments.read)
                    if onChunk != nil, let issued = thisPeriod.first(where: { $0.kind == .invoice }) { invoices[c.id] = issued }
                    let summary = summaries[PeriodKey(customerID: c.id, periodStart: period.firstDay)]
                    // An issued period is priced with its frozen terms, never today's catalog;
                    // only --catalog applies a back-dated version, and only that.
                    var priced = (customer: c, rules: rules, usage: summary?.lines ?? [], applying: applyCatalog)
                    var newTerms: IssuedTermsLedger.Stored?
                    var frozenTerms = frozen[c.id]
                    if frozenTerms == nil, !issuedHere.isEmpty {
                        // Issued by an earlier release, before terms were stored: frozen from now
                        // on with the catalog as it is on this run, and priced like any issued period.
                        let f = IssuedTermsBook.Frozen(terms: IssuedTerms(customer: c, catalog: termsBook.today), digest: termsBook.todayDigest)
                        if let session, let number = try thisPeriodNumber(issuedHere) {
                            try session.freeze(customerID: c.id, periodStart: period.firstDay, document: number, terms: termsBook.freezing(c))
                        }
                        frozenTerms = f
                    }
                    if let f = frozenTerms {
                        priced = (f.terms.customer, termsBook.rules(f, config: config), priced.usage, false)
                        if applyCatalog, let history = f.terms.backdated(c, in: period) {
                            // Re-priced from the period's daily rows with the corrected versions.
                            let corrected = termsBook.corrected(f, customer: history, plans: config.plans)
                            let rows = try store.periods.dailyRows(from: period.firstDay, to: period.lastDay, customers: [c.id])
                            let lines = termsBook.summarizer(corrected).summarize(customer: history, period: period, rows: rows,
                                                                                  trials: summary?.trials ?? [],
                                                                                  asOf: rows.map(\.day).max() ?? period.lastDay).lines
                            priced = (history, termsBook.rules(corrected, config: config), lines, true)
                            newTerms = termsBook.freezing(corrected)
                            if let session { try termsBook.keepCatalogs(in: session) }
                        }
                    }
                    // An issued period keeps the rate its invoice was converted at (frozen terms).
                    let frozenRate = thisPeriod.first(where: { $0.kind == .invoice })?.exchangeRate
                    guard let now = priced.rules.invoice(customer: priced.customer, period: period, usage: priced.usage, trials: summary?.trials ?? [],
                                                         issueDate: date, evenIfEmpty: !issuedHere.isEmpty, frozenRate: frozenRate) else { continue }
                    var account = accounts[c.id] ?? CreditAccount(customerID: c.id)
                    if !issuedHere.isEmpty {
                        guard adjust else { continue }
                        if var a = priced.rules.adjustment(of: thisPeriod, now: now, applyingCatalog: priced.applying, issueDate: date) {
                            if IssueDecision.ofAdjustment(a) == .issue {
                                let uses = account.apply(to: &a)
                                keep(account, uses)
                                toIssue.append(InvoiceLedger.Issue(invoice: a, series: InvoiceNumber.series(of: a.kind, invoicePrefix: config.invoices.numberPrefix,
                                                                                               creditNotePrefix: config.invoices.creditNotePrefix),
                                                                   creditUses: uses, terms: newTerms, render: { InvoiceDocument.json($0, issuer: issuer) }))
                            } else {
                                env.logger.debug("\(c.id) \(period.firstDay): the adjustment stays a draft: usage without a price in force")
                                account.apply(to: &a)
                                keepDraft(a)
                            }
                        }
                        continue
                    }
                    var inv = now
                    switch IssueDecision.of(now, finalize: finalize, issueDate: date) {
                    case .issue:
                        let uses = account.apply(to: &inv)
                        keep(account, uses)
                        toIssue.append(InvoiceLedger.Issue(invoice: inv, series: config.invoices.numberPrefix, creditUses: uses,
                                                           terms: termsBook.freezing(c), render: { InvoiceDocument.json($0, issuer: issuer) }))
                    case .draftPeriodOpen:
                        env.logger.debug("\(c.id) stays a draft: its period ends \(period.endDay), after the issue date \(date)")
                        result.openPeriodCount += 1
                        if keepsDocuments { result.openPeriods.append(c.id) }
                        // A draft shows the credit it would use, and uses none.
                        account.apply(to: &inv)
                        keepDraft(inv)
                    case .draftUnpriced, .draft:
                        if finalize { env.logger.debug("\(c.id) stays a draft: usage without a price in force (\(now.unpriced.map { "\($0.provider) \($0.model)" }.joined(separator: ", ")))") }
                        account.apply(to: &inv)
                        keepDraft(inv)
                    }
                }
                func count(_ inv: Invoice) {
                    if inv.kind == .invoice {
                        result.issuedCount += 1
                        if keepsDocuments { result.issued.append(inv) }
                    } else {
                        result.adjustmentCount += 1
                        if keepsDocuments { result.adjustments.append(inv) }
                    }
                    result.issuedTotal += inv.total
                }
                if !toIssue.isEmpty && !dryRun { try checkIssueDate() }
                if let session {
                    try session.issue(toIssue) { inv, _ in
                        count(inv)
                        if onChunk != nil, inv.kind == .invoice { invoices[inv.customerID] = inv }
                    }
                } else {
                    // A dry run shows what would be issued, unnumbered.
                    for doc in toIssue { count(doc.invoice) }
                }
                try onChunk?(Chunk(customers: chunk, summaries: summaries, invoices: invoices, drafts: chunkDrafts))
            }
            // The ledger moves on with the documents it pays: a run that issues nothing (drafts,
            // a close with nothing due) stores none of its catch-up (`InvoiceLedger.issuing`).
            return accounts.values.filter { !$0.recorded.isEmpty || !$0.uses.isEmpty || !$0.changedRemainders.isEmpty }
                .sorted { $0.customerID < $1.customerID }
        }
        var changed: [CreditAccount] = []
        if dryRun {
            changed = try chunks(nil)
        } else {
            let issued = try ledger.issuing(runID: runID, at: env.clock()) { session in
                changed = try chunks(session)
                return changed
            }
            if issued > 0 { changed = [] }
        }
        result.unstoredCredit = (changed.flatMap(\.recorded), changed.flatMap(\.uses))
        return result
    }

    /// The number of the period's invoice among its stored documents.
    func thisPeriodNumber(_ documents: [InvoiceLedger.StoredDocument]) throws -> String? {
        try documents.first { try StoredDocuments.read($0).kind == .invoice }?.number
    }

    /// The credit ledger brought up to the issue date (`StoredCreditLedger`).
    func creditAccounts(store: any SettleStore, catalog: Catalog, creditsFile: String?, through date: UTCDay,
                        result: inout Result) throws -> [String: CreditAccount] {
        let (accounts, uncovered) = try StoredCreditLedger.caughtUp(store: store, catalog: catalog, creditsFile: creditsFile, through: date)
        result.uncoveredCredit = uncovered
        return accounts
    }

    /// The period's folder: every issued document of the period (from its stored text), the
    /// drafts, index.csv and credits.csv; stale drafts removed. The documents are read back a
    /// page at a time and nothing of them is kept but their sums (`IssuedMonth`) and their rows
    /// of the workbook, which is written in the background from its temporary files.
    func write(_ result: inout Result, drafts: DraftOutput, store: any SettleStore, env: JobEnvironment,
               onDocument: ((Invoice) throws -> Void)?) throws -> ([String], BackgroundWork<[String]>) {
        let folder = result.folder
        var outputs: [String] = []
        var issued = IssuedMonth()
        var workbook = drafts.workbook
        // A month's first folder is written whole beside its place and renamed into it.
        let staged = try StagedFolder(folder)
        let into = staged.path
        // Files are written on a thread of their own while the next documents are read and parsed.
        let files = FileBatchWriter(staged: staged.isStaged)
        // Files not there yet are written without looking first (a first close creates them all).
        let existing = staged.isStaged ? [] : FileSystem.names(in: folder)
        // Drafts there now that this run does not write again are removed once it is done.
        // (By the name without .json or .csv, each with its files.)
        var staleDrafts: [String: [String]] = [:]
        if customer == nil, !staged.isStaged, let paths = try? FileSystem.files(under: "\(folder)/drafts") {
            for path in paths {
                let name = path.split(separator: "/").last.map(String.init) ?? path
                let base = name.hasSuffix(".json") ? String(name.dropLast(5)) : name.hasSuffix(".csv") ? String(name.dropLast(4)) : name
                staleDrafts[base, default: []].append(path)
            }
        }
        do {
            let index = try AtomicFileWriter(path: "\(into)/index.csv")
            try index.write(CSVText.record(InvoiceDocument.indexColumns))
            try store.invoiceLedger.forEachDocument(period: month) { number, _, document in
                let n = issued.count
                if n % 256 == 0 { env.progress.update("invoice \(month): writing", done: Int64(n), total: nil, unit: "documents") }
                let inv = try StoredDocuments.read(document, number: number)
                // The number's prefix comes from settle.toml: encoded like any id.
                let name = SafeFileName.encode(number)
                try files.write(document, to: "\(into)/\(name).json", mayExist: existing.contains("\(name).json"))
                try files.write(to: "\(into)/\(name).csv", mayExist: existing.contains("\(name).csv")) { InvoiceDocument.csv(inv) }
                try index.write(CSVText.record(InvoiceDocument.indexRow(inv)))
                try onDocument?(inv)
                issued.add(inv)
                workbook.add(inv)
            }
            try drafts.forEach { name, json, csv in
                try files.write(json, to: "\(into)/drafts/\(name).json")
                try files.write(csv, to: "\(into)/drafts/\(name).csv")
                staleDrafts[name] = nil
            }
            let statement = CreditStatement.rows(entries: try store.creditLedger.entries() + result.unstoredCredit.entries,
                                                 uses: try store.creditLedger.uses() + result.unstoredCredit.uses, month: month,
                                                 pending: result.pendingCredit,
                                                 currency: { [currencies = result.customerCurrencies] in currencies[$0] ?? env.config.currency })
            try files.write(Self.creditsCSV(statement), to: "\(into)/credits.csv", mayExist: existing.contains("credits.csv"))
            try files.finish()
            try index.commit()
            env.progress.update("invoice \(month): flushing the files to disk", done: 0, total: nil, unit: "steps")
            CrashPoint.reach("invoice:files-written")
            try staged.commit()
        } catch {
            try? files.finish()
            staged.discard()
            throw error
        }
        result.documents = issued
        outputs.append("\(folder)/ (\(issued.count) issued documents, credits.csv)")
        if drafts.count > 0 { outputs.append("\(folder)/drafts/ (\(drafts.count) drafts)") }
        for path in staleDrafts.values.joined() { FileSystem.remove(path) }
        let created = (issueDate ?? env.clock().day).start
        let currency = env.config.currency, path = "\(folder)/invoices-\(month).xlsx"
        let book = try workbook.make(currency: currency, created: created)
        let summary = BackgroundWork<[String]> {
            try book.write(to: path)
            return ["\(folder)/index.csv", path]
        }
        // One flush for the batch of invoice files instead of one per file (a staged folder
        // was flushed before it was moved into place).
        if !staged.isStaged { FileSystem.syncFileSystem(of: folder) }
        env.progress.finish()
        return (outputs, summary)
    }

    /// `credits.csv`: the month's credit statement (`CreditStatement`), each customer's money in
    /// its currency's decimals, and the currency last.
    static func creditsCSV(_ rows: [CreditStatementRow]) -> String {
        var out = CSVText.record(CreditStatementRow.columns + ["currency"])
        for r in rows { CSVText.append([r.customerID] + r.cells.map { $0.formatted(currency: r.currency.isEmpty ? "USD" : r.currency) } + [r.currency], to: &out) }
        return out
    }

    /// `drafts/NAME.json`: the customer id through `SafeFileName` (catalog data never leads out
    /// of the folder), and the kind for an adjustment (`cus_0001-credit_note`).
    static func draftName(_ draft: Invoice) -> String {
        let customer = SafeFileName.encode(draft.customerID)
        return draft.kind == .invoice ? customer : "\(customer)-\(draft.kind.rawValue)"
    }

}

extension IssueInvoices {
    /// Sums the period's issued documents, read back from the store a page at a time, handing
    /// each to `each` (the payouts or the workbook run on their own; close passes what its
    /// write read).
    static func read(month: PeriodMonth, store: any SettleStore, env: JobEnvironment, label: String,
                     each: (Invoice) throws -> Void = { _ in }) throws -> IssuedMonth {
        var issued = IssuedMonth()
        try store.invoiceLedger.forEachDocument(period: month) { number, _, document in
            let n = issued.count
            if n % 256 == 0 { env.progress.update(label, done: Int64(n), total: nil, unit: "documents") }
            let inv = try StoredDocuments.read(document, number: number)
            try each(inv)
            issued.add(inv)
        }
        return issued
    }
}
