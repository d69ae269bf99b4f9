import SettleCore

/// Issued invoices, the same SQL on both stores. Issuing is one transaction for the whole batch:
/// numbers are taken in order from the highest issued in the series and year, so a failed run
/// leaves no gap and a finalized invoice is never written twice.
public final class InvoiceLedger {
    let sql: any SQLExecutor

    init(_ sql: any SQLExecutor) { self.sql = sql }

    /// A document to issue: the invoice (number filled in here) and how to render it once numbered.
    public struct Issue {
        public var invoice: Invoice
        public var series: String
        public var render: (Invoice) throws -> String
        /// The credit the document applies, entry by entry (`CreditAccount.apply`).
        public var creditUses: [CreditUse]
        /// The terms the period is priced with from now on (`IssuedTermsLedger`): set by an
        /// invoice, and by an adjustment that applied a back-dated version; nil keeps them.
        public var terms: IssuedTermsLedger.Stored?
        public init(invoice: Invoice, series: String, creditUses: [CreditUse] = [], terms: IssuedTermsLedger.Stored? = nil,
                    render: @escaping (Invoice) throws -> String) {
            self.invoice = invoice
            self.series = series
            self.creditUses = creditUses
            self.terms = terms
            self.render = render
        }
    }

    /// Numbers and stores every document in order, all or none, with what the credit ledger
    /// changed (`credit`: the accounts the run touched); a credit note's total goes on account.
    /// Returns the documents numbered.
    public func issue(_ docs: [Issue], credit: [CreditAccount] = [], runID: String, at time: Timestamp) throws -> [Invoice] {
        var out: [Invoice] = []
        try issuing(runID: runID, at: time) { session in
            out = try session.issue(docs)
            return credit
        }
        return out
    }

    /// One issuing run, all or none: `body` numbers and stores documents a chunk at a time
    /// through the session (so a month of a million documents is never held at once), and
    /// returns the credit accounts the run changed, stored with them. A run that issues
    /// nothing stores nothing, its credit catch-up included, so its issue date never moves the
    /// ledger past a later run's. Returns how many documents were issued.
    @discardableResult
    public func issuing(runID: String, at time: Timestamp, _ body: (IssueSession) throws -> [CreditAccount]) throws -> Int {
        let issued = try sql.inTransaction {
            let session = IssueSession(sql: sql, runID: runID, finalizedAt: time.description)
            let credit = try body(session)
            try session.sink.flush()
            try session.termsSink.flush()
            for r in session.replacedTerms {
                _ = try sql.perform("UPDATE issued_terms SET document = ?, customer_terms = ?, catalog_digest = ? WHERE customer_id = ? AND period_start = ?", r)
            }
            guard session.count > 0 else { return 0 }
            try CreditLedger(sql).write(credit, documentUses: session.documentUses, creditNotes: session.creditNotes, runID: runID)
            return session.count
        }
        // A month-end adds tens of thousands of rows to a table the planner last saw without
        // them: PostgreSQL then read each page of the month's documents (`forEachDocument`)
        // by a bitmap scan and a sort of the rest of the month, 2.5 s at 100,000 customers.
        if issued >= 10_000 {
            try sql.refreshStatistics(of: "invoices", columns: ["number", "series", "year", "seq", "kind", "customer_id", "period",
                                                                "period_start"])
        }
        return issued
    }

    /// Documents numbered and stored inside an open issuing transaction (`issuing`).
    public final class IssueSession {
        let sql: any SQLExecutor
        let runID: String
        let finalizedAt: String
        /// The last number of each series and year, read once inside the transaction; the job
        /// lock keeps any other writer out until it commits.
        private var last: [InvoiceNumber.Sequence: Int64] = [:]
        fileprivate var documentUses: [CreditUse] = []
        fileprivate var creditNotes: [CreditEntry] = []
        /// What this run's credit notes settled of each invoice, not yet stored.
        private var settledNow: [String: ExactDecimal] = [:]
        /// Documents issued so far.
        public private(set) var count = 0
        /// One sink for the whole run, so that its statements are all of one size (SQLite keeps
        /// each distinct statement prepared).
        fileprivate let sink: RowSink

        init(sql: any SQLExecutor, runID: String, finalizedAt: String) {
            self.sql = sql
            self.runID = runID
            self.finalizedAt = finalizedAt
            sink = sql.rowSink(into: "invoices", columns: ["number", "series", "year", "seq", "kind", "customer_id", "period", "period_start",
                                                            "credits_applied", "document", "finalized_at", "run_id", "credit_recorded",
                                                            "issue_date", "currency", "due_date", "amount_due", "adjusts"])
            termsSink = sql.rowSink(into: "issued_terms", columns: ["customer_id", "period_start", "document", "customer_terms",
                                                                     "catalog_digest"])
        }

        fileprivate let termsSink: RowSink
        /// Terms of periods issued earlier that this run replaces (a `--catalog` adjustment).
        fileprivate var replacedTerms: [[SQLParam]] = []
        private var catalogs = Set<String>()

        /// Keeps a catalog's terms (once per digest) for the documents that name it.
        public func keepCatalog(digest: String, body: String) throws {
            guard catalogs.insert(digest).inserted else { return }
            _ = try sql.perform("INSERT INTO catalog_terms(digest, body) VALUES (?, ?) ON CONFLICT (digest) DO NOTHING",
                                [.text(digest), .text(body)])
        }

        /// Freezes the terms of a period issued before terms were stored (a store of an earlier
        /// release): from now on it is priced with the catalog as it is on this run.
        public func freeze(customerID: String, periodStart: UTCDay, document: String, terms: IssuedTermsLedger.Stored) throws {
            try termsSink.append([.text(customerID), .text(periodStart.description), .text(document), .text(terms.customer),
                                  .text(terms.catalogDigest)])
        }

        /// The last number issued in a series and year (0 before the first).
        static let lastSeqColumns = StoredColumns("invoices", ["COALESCE(MAX(seq), 0)"])

        /// Numbers and stores `docs` in order; returns them numbered, each with its stored text.
        @discardableResult
        public func issue(_ docs: [Issue]) throws -> [Invoice] {
            var out: [Invoice] = []
            try issue(docs) { inv, _ in out.append(inv) }
            return out
        }

        /// As `issue`, handing each numbered document and its stored text to `body`.
        public func issue(_ docs: [Issue], _ body: (Invoice, String) throws -> Void) throws {
            for doc in docs {
                var inv = doc.invoice
                let sequence = InvoiceNumber.sequence(series: doc.series, issueDate: inv.issueDate)
                let year = Int64(sequence.year)
                let seq = try (last[sequence] ?? sql.rows(Self.lastSeqColumns, "FROM invoices WHERE series = ? AND year = ?",
                                                          [.text(doc.series), .int(year)], { try $0.int() })[0]) + 1
                last[sequence] = seq
                let number = InvoiceNumber.text(sequence, seq: seq)
                inv.number = number
                let text = try doc.render(inv)
                try sink.append([.text(number), .text(doc.series), .int(year), .int(seq), .text(inv.kind.rawValue), .text(inv.customerID),
                                 .text(inv.period.description), .text(inv.period.firstDay.description), .decimal(inv.creditsApplied),
                                 .text(text), .text(finalizedAt), .text(runID), .int(1), .text(inv.issueDate.description),
                                 .text(inv.currency), .text(inv.dueDate.description), .decimal(inv.amountDue), .text(inv.adjusts ?? "")])
                if let terms = doc.terms {
                    if inv.kind == .invoice {
                        try freeze(customerID: inv.customerID, periodStart: inv.period.firstDay, document: number, terms: terms)
                    } else {
                        replacedTerms.append([.text(number), .text(terms.customer), .text(terms.catalogDigest), .text(inv.customerID),
                                              .text(inv.period.firstDay.description)])
                    }
                }
                for var u in doc.creditUses {
                    u.source = number
                    documentUses.append(u)
                }
                if let back = CreditEntry.creditBack(of: inv) {
                    creditNotes.append(back)
                    // FINANCE.md, "Payments and receivables": the note's credit settles what is
                    // open of the invoice it corrects; the rest stays on account.
                    if let adjusted = inv.adjusts {
                        let open = try PaymentLedger(sql).openAmount(of: adjusted) - (settledNow[adjusted] ?? .zero)
                        let settled = CreditEntry.settlement(by: back, open: open)
                        if settled > .zero {
                            settledNow[adjusted, default: .zero] += settled
                            documentUses.append(CreditUse(customerID: inv.customerID, entryReference: number, kind: .settled,
                                                          day: inv.issueDate, amount: settled, source: adjusted))
                        }
                    }
                }
                count += 1
                try body(inv, text)
            }
        }
    }

    /// The latest issue date of any stored document: the next one may not be earlier (numbers
    /// follow time, PRODUCT.md "Billing").
    public func latestIssueDate() throws -> UTCDay? {
        // MAX over no document is NULL: none issued yet.
        let latest = StoredColumns("invoices", ["MAX(issue_date)"])
        return try sql.rows(latest, "FROM invoices WHERE issue_date <> ''", [], { try $0.optionalDay() })[0]
    }

    /// The months that have issued documents, oldest first.
    public func issuedMonths() throws -> [PeriodMonth] {
        let periods = StoredColumns("invoices", ["period"])
        return try sql.fetch("SELECT DISTINCT \(periods.list) FROM invoices ORDER BY period", []).map { values -> PeriodMonth in
            var row = periods.reader(values)
            return try row.month()
        }
    }

    static let documentColumns = StoredColumns("invoices", ["customer_id", "number", "document"])

    /// The stored documents of `customers` for a period, each customer's in number order: a
    /// month-end reads a month's documents a thousand customers at a time.
    public func documents(period: PeriodMonth, customers: [String]) throws -> [String: [StoredDocument]] {
        guard !customers.isEmpty else { return [:] }
        let (only, ids) = UsagePeriods.customerFilter(customers)
        var out: [String: [StoredDocument]] = [:]
        // Number order, in the store's own collation as `forEachDocument`; sorted by an
        // expression so that the planner finds the rows through the customers' index instead
        // of walking the month's number index (every document of the month, for each chunk).
        try sql.eachRow(Self.documentColumns, "FROM invoices WHERE period = ?\(only) ORDER BY series || '', year, seq",
                        [.text(period.description)] + ids) { row in
            let customerID = try row.text()
            let number = try row.text()
            let document = try row.text()
            out[customerID, default: []].append(StoredDocument(number: number, document: document))
        }
        return out
    }

    /// An issued document as stored: its number (the row) and its JSON text.
    public struct StoredDocument: Sendable, Hashable {
        public var number: String
        public var document: String
    }

    /// One stored document by its number; nil for a number not issued.
    public func document(number: String) throws -> StoredDocument? {
        try sql.rows(StoredColumns("invoices", ["number", "document"]), "FROM invoices WHERE number = ?", [.text(number)]) { row -> StoredDocument in
            let number = try row.text()
            let document = try row.text()
            return StoredDocument(number: number, document: document)
        }.first
    }

    /// Whether any document of the period is stored: a month's first close reads none back.
    public func hasDocuments(period: PeriodMonth) throws -> Bool {
        try !sql.fetch("SELECT 1 FROM invoices WHERE period = ? LIMIT 1", [.text(period.description)]).isEmpty
    }

    /// A document, then its place in number order (where the next page starts).
    static let pageColumns = StoredColumns("invoices", ["number", "customer_id", "document", "series", "year", "seq"])

    /// Calls `body` with each stored document of a period in number order, a page at a time,
    /// so a month of 100,000 invoices is never in memory at once.
    public func forEachDocument(period: PeriodMonth, _ body: (_ number: String, _ customerID: String, _ document: String) throws -> Void) throws {
        var after: (String, Int64, Int64) = ("", 0, 0)
        while true {
            let page = try sql.fetch(Self.pageColumns.select("""
                FROM invoices
                WHERE period = ? AND (series, year, seq) > (?, ?, ?)
                ORDER BY series, year, seq LIMIT 1000
                """), [.text(period.description), .text(after.0), .int(after.1), .int(after.2)])
            for values in page {
                var row = Self.pageColumns.reader(values)
                let number = try row.text()
                let customerID = try row.text()
                let document = try row.text()
                let series = try row.text()
                let year = try row.int()
                let seq = try row.int()
                try body(number, customerID, document)
                after = (series, year, seq)
            }
            if page.count < 1000 { return }
        }
    }
}
