/// What a period's issued documents add up to: counts and money by kind of document, and what
/// every kind of line adds up to, gathered one document at a time as the month-end reads them
/// back in number order (a month of a million documents is never held).
///
/// Close reads and parses the stored documents once, while it writes their files, and hands
/// this to the finance workbook; with a hundred thousand customers, reading the documents
/// again cost longer than issuing them.
public struct IssuedMonth: Sendable {
    /// Documents of kind invoice.
    public private(set) var invoices = 0
    /// Credit notes and supplementary invoices.
    public private(set) var adjustments = 0
    public private(set) var subtotal = ExactDecimal.zero
    public private(set) var tax = ExactDecimal.zero
    public private(set) var total = ExactDecimal.zero
    public private(set) var creditsApplied = ExactDecimal.zero
    public private(set) var amountDue = ExactDecimal.zero
    /// The amount of every line of every document, by line kind.
    public private(set) var byLineKind: [InvoiceLine.Kind: ExactDecimal] = [:]

    public init() {}

    public init(_ invoices: some Sequence<Invoice>) {
        for inv in invoices { add(inv) }
    }

    public var count: Int { invoices + adjustments }

    /// In the base currency: a document in another is counted at its own rate, converted back.
    public mutating func add(_ inv: Invoice) {
        if inv.kind == .invoice { invoices += 1 } else { adjustments += 1 }
        subtotal += inv.inBase(inv.subtotal)
        tax += inv.inBase(inv.tax)
        total += inv.inBase(inv.total)
        creditsApplied += inv.inBase(inv.creditsApplied)
        amountDue += inv.inBase(inv.amountDue)
        for l in inv.lines { byLineKind[l.kind, default: .zero] += inv.inBase(l.amount) }
    }
}
