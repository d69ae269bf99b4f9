/// A period's issued documents as the month-end needs them after issuing: each document's
/// totals, what every kind of line adds up to, and the marketplace lines sellers are paid from.
///
/// Close reads and parses the stored documents once, while it writes their files, and hands
/// this to the payouts and the finance workbook; with a hundred thousand customers, each of
/// them reading the documents again cost longer than issuing them.
public struct IssuedMonth: Sendable {
    /// Every document, its lines dropped (the index and the workbooks need only the totals).
    public private(set) var documents: [Invoice] = []
    /// The amount of every line of every document, by line kind.
    public private(set) var byLineKind: [InvoiceLine.Kind: ExactDecimal] = [:]
    /// The documents with service or trial lines, holding only those lines.
    public private(set) var marketplace: [Invoice] = []

    public init() {}

    public init(_ invoices: some Sequence<Invoice>) {
        for inv in invoices { add(inv) }
    }

    public mutating func add(_ invoice: Invoice) {
        var inv = invoice
        for l in inv.lines { byLineKind[l.kind, default: .zero] += l.amount }
        let sold = inv.lines.filter { $0.kind == .service || $0.kind == .trial }
        if !sold.isEmpty {
            inv.lines = sold
            marketplace.append(inv)
        }
        inv.lines = []
        documents.append(inv)
    }
}
