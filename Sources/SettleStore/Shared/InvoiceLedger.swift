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
        public init(invoice: Invoice, series: String, creditUses: [CreditUse] = [], render: @escaping (Invoice) throws -> String) {
            self.invoice = invoice
            self.series = series
            self.creditUses = creditUses
            self.render = render
        }
    }

    /// Numbers and stores every document in order, all or none, with what the credit ledger
    /// changed (`credit`: the accounts the run touched); a credit note's total goes on account.
    /// Returns the documents numbered.
    ///
    /// Documents are rendered and stored a chunk at a time inside the one transaction, so a
    /// month of document text is never held at once.
    public func issue(_ docs: [Issue], credit: [CreditAccount] = [], runID: String, at time: Timestamp) throws -> [Invoice] {
        let issued = try store(docs, credit: credit, runID: runID, at: time)
        // A month-end adds tens of thousands of rows to a table the planner last saw without
        // them: PostgreSQL then read each page of the month's documents (`forEachDocument`)
        // by a bitmap scan and a sort of the rest of the month, 2.5 s at 100,000 customers.
        if docs.count >= 10_000 {
            try sql.refreshStatistics(of: "invoices", columns: ["number", "series", "year", "seq", "kind", "customer_id", "period",
                                                                "period_start"])
        }
        return issued
    }

    private func store(_ docs: [Issue], credit: [CreditAccount], runID: String, at time: Timestamp) throws -> [Invoice] {
        try sql.inTransaction {
            var documentUses: [CreditUse] = []
            var creditNotes: [CreditEntry] = []
            // The last number of each series and year is read once inside the transaction; the
            // job lock keeps any other writer out until it commits.
            var last: [String: Int64] = [:]
            var out: [Invoice] = []
            out.reserveCapacity(docs.count)
            let sink = sql.rowSink(into: "invoices", columns: ["number", "series", "year", "seq", "kind", "customer_id", "period", "period_start",
                                                                "credits_applied", "document", "finalized_at", "run_id", "credit_recorded"])
            let finalizedAt = time.description
            for doc in docs {
                var inv = doc.invoice
                let year = Int64(inv.issueDate.date.year)
                let key = "\(doc.series)|\(year)"
                if last[key] == nil {
                    last[key] = try sql.fetch("SELECT COALESCE(MAX(seq), 0) FROM invoices WHERE series = ? AND year = ?",
                                              [.text(doc.series), .int(year)])[0].int(0)
                }
                let seq = last[key]! + 1
                last[key] = seq
                let digits = String(seq)
                inv.number = "\(doc.series)-\(year)-\(String(repeating: "0", count: max(0, 6 - digits.count)))\(digits)"
                try sink.append([.text(inv.number!), .text(doc.series), .int(year), .int(seq), .text(inv.kind.rawValue), .text(inv.customerID),
                                 .text(inv.period.description), .text(inv.period.firstDay.description), .decimal(inv.creditsApplied),
                                 .text(try doc.render(inv)), .text(finalizedAt), .text(runID), .int(1)])
                for var u in doc.creditUses {
                    u.source = inv.number ?? ""
                    documentUses.append(u)
                }
                if let back = CreditEntry.creditBack(of: inv) { creditNotes.append(back) }
                out.append(inv)
            }
            try sink.flush()
            try CreditLedger(sql).write(credit, documentUses: documentUses, creditNotes: creditNotes, runID: runID)
            return out
        }
    }

    /// The months that have issued documents, oldest first.
    public func issuedMonths() throws -> [PeriodMonth] {
        try sql.fetch("SELECT DISTINCT period FROM invoices ORDER BY period", []).compactMap { PeriodMonth($0.text(0)) }
    }

    /// Calls `body` with each stored document of a period in number order, a page at a time,
    /// so a month of 100,000 invoices is never in memory at once.
    public func forEachDocument(period: PeriodMonth, _ body: (_ number: String, _ customerID: String, _ document: String) throws -> Void) throws {
        var after: (String, Int64, Int64) = ("", 0, 0)
        while true {
            let page = try sql.fetch("""
                SELECT number, customer_id, document, series, year, seq FROM invoices
                WHERE period = ? AND (series, year, seq) > (?, ?, ?)
                ORDER BY series, year, seq LIMIT 1000
                """, [.text(period.description), .text(after.0), .int(after.1), .int(after.2)])
            for r in page {
                try body(r.text(0), r.text(1), r.text(2))
                after = (r.text(3), r.int(4), r.int(5))
            }
            if page.count < 1000 { return }
        }
    }
}
