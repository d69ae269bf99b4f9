import SettleCore

/// The journal as written, month by month (FINANCE.md, "The journal"), the same SQL on both
/// stores. A month is written once, with all its entries, in one transaction; afterwards it is
/// only read back, so its files come out the same every time, and what arrives later is booked
/// in a later month. Each entry keeps the event it books (`source`): no event is booked twice.
public final class JournalLedger {
    let sql: any SQLExecutor

    init(_ sql: any SQLExecutor) { self.sql = sql }

    /// The months written, oldest first.
    public func writtenMonths() throws -> [PeriodMonth] {
        try sql.rows(StoredColumns("journal_months", ["month"]), "FROM journal_months ORDER BY month", [], { try $0.month() })
    }

    /// Every event booked so far.
    public func bookedSources() throws -> Set<String> {
        Set(try sql.rows(StoredColumns("journal_lines", ["source"]), "FROM journal_lines WHERE line = 1", [], { try $0.text() }))
    }

    /// Issued documents dated by `day` that no journal has booked yet, in issue order.
    public func unbookedDocuments(issuedThrough day: UTCDay) throws -> [InvoiceLedger.StoredDocument] {
        try sql.rows(StoredColumns("invoices", ["number", "document"]), """
            FROM invoices WHERE issue_date <= ? AND NOT EXISTS (SELECT 1 FROM journal_lines j WHERE j.source = 'doc:' || invoices.number)
            ORDER BY issue_date, number
            """, [.text(day.description)]) { row -> InvoiceLedger.StoredDocument in
            let number = try row.text()
            let document = try row.text()
            return InvoiceLedger.StoredDocument(number: number, document: document)
        }
    }

    /// Documents issued on the days `from`…`through`, in issue order.
    public func documentsIssued(from: UTCDay, through: UTCDay) throws -> [InvoiceLedger.StoredDocument] {
        try sql.rows(StoredColumns("invoices", ["number", "document"]), "FROM invoices WHERE issue_date >= ? AND issue_date <= ? ORDER BY issue_date, number",
                     [.text(from.description), .text(through.description)]) { row -> InvoiceLedger.StoredDocument in
            let number = try row.text()
            let document = try row.text()
            return InvoiceLedger.StoredDocument(number: number, document: document)
        }
    }

    /// A stored entry with its number in its month.
    public struct StoredEntry: Sendable, Hashable {
        public var number: Int
        public var entry: JournalEntry
    }

    static let lineColumns = StoredColumns("journal_lines", ["month", "entry", "line", "source", "day", "memo", "account", "debit", "credit",
                                                             "document", "customer_id", "seller", "original_currency", "original_amount",
                                                             "exchange_rate"])

    /// The entries of `month`, in their order.
    public func entries(month: PeriodMonth) throws -> [StoredEntry] {
        var out: [StoredEntry] = []
        try sql.eachRow(Self.lineColumns, "FROM journal_lines WHERE month = ? ORDER BY entry, line", [.text(month.description)]) { row in
            let (number, source, day, memo, line) = try Self.line(&row)
            if out.last?.number != number {
                out.append(StoredEntry(number: number, entry: JournalEntry(source: source, date: day, memo: memo, lines: [])))
            }
            out[out.count - 1].entry.lines.append(line)
        }
        return out
    }

    /// Every line of the months before `month`: the opening balances.
    public func lines(before month: PeriodMonth) throws -> [JournalLine] {
        try sql.rows(Self.lineColumns, "FROM journal_lines WHERE month < ?", [.text(month.description)]) { row in try Self.line(&row).4 }
    }

    /// Lines of the entries whose source starts with `prefix` (what payouts and provider costs
    /// already booked, to book only the difference).
    public func lines(sourcePrefix prefix: String) throws -> [(source: String, line: JournalLine)] {
        try sql.rows(Self.lineColumns, "FROM journal_lines WHERE source LIKE ?", [.text(prefix + "%")]) { row -> (source: String, line: JournalLine) in
            let (_, source, _, _, line) = try Self.line(&row)
            return (source, line)
        }
    }

    static func line(_ row: inout StoredRow) throws -> (Int, String, UTCDay, String, JournalLine) {
        _ = try row.text()
        let number = try row.int()
        _ = try row.int()
        let source = try row.text()
        let day = try row.day()
        let memo = try row.text()
        let account = try row.value(JournalAccount.self)
        let debit = try row.money()
        let credit = try row.money()
        let document = try row.text()
        let customer = try row.text()
        let seller = try row.text()
        let currency = try row.text()
        let amount = try row.text()
        let rate = try row.text()
        var original: JournalLine.Original?
        if !currency.isEmpty {
            guard let a = ExactDecimal(amount) else { throw StoreError.unreadable("journal_lines.original_amount", amount) }
            original = JournalLine.Original(currency: currency, amount: a, rate: rate)
        }
        return (Int(number), source, day, memo, JournalLine(account: account, debit: debit, credit: credit, document: document, customerID: customer,
                                                        seller: seller, original: original))
    }

    /// Writes `month` with its entries, numbered in order, all or nothing.
    public func write(month: PeriodMonth, entries: [JournalEntry], runID: String, at time: Timestamp) throws {
        try sql.inTransaction {
            let rows = sql.rowSink(into: "journal_lines", columns: ["month", "entry", "line", "source", "day", "memo", "account", "debit", "credit",
                                                                    "document", "customer_id", "seller", "original_currency", "original_amount",
                                                                    "exchange_rate", "run_id"])
            for (n, e) in entries.enumerated() {
                for (i, l) in e.lines.enumerated() {
                    try rows.append([.text(month.description), .int(Int64(n + 1)), .int(Int64(i + 1)), .text(e.source), .text(e.date.description),
                                     .text(e.memo), .text(l.account.rawValue), .decimal(l.debit), .decimal(l.credit), .text(l.document),
                                     .text(l.customerID), .text(l.seller), .text(l.original?.currency ?? ""),
                                     .text(l.original?.amount.description ?? ""), .text(l.original?.rate ?? ""), .text(runID)])
                }
            }
            try rows.flush()
            try sql.perform("INSERT INTO journal_months(month, written_at, run_id) VALUES (?, ?, ?)",
                            [.text(month.description), .text(time.description), .text(runID)])
        }
    }
}
