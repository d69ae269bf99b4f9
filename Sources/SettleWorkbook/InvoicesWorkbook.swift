import SettleCore

/// `invoices-PERIOD.xlsx`: one row per invoice (drafts too, with no number, after the issued
/// ones), money in the currency format, totals as formulas with their cached values. Money is
/// in the base currency (a document in another converted back at its own rate), and each
/// document's own currency, total and amount due follow.
///
/// Gathered a document at a time (`add`): issued documents as they are read back in number
/// order, drafts as they are computed; the rows wait in temporary files, not in memory.
public struct InvoicesWorkbook: Sendable {
    private var issued: Sheet
    private var drafts: Sheet

    public init(spillBytes: Int = 4 << 20) {
        issued = Sheet(name: "Invoices", columns: Self.columns, spillBytes: spillBytes)
        drafts = Sheet(name: "Invoices", columns: Self.columns, spillBytes: spillBytes)
    }

    /// Adds an issued document (numbered) or a draft.
    public mutating func add(_ i: Invoice) {
        let row: [Sheet.Cell] = [
            .text(i.number ?? ""), .text(i.kind.rawValue), .text(i.customerID), .text(i.customerName),
            .text(i.period.description), .text(i.issueDate.description), .text(i.dueDate.description),
            .number(i.inBase(i.subtotal)), .number(i.inBase(i.tax)), .number(i.inBase(i.total)), .number(i.inBase(i.creditsApplied)),
            .number(i.inBase(i.amountDue)),
            .text(Self.status(i)),
            // The document's own currency and figures beside the base-currency ones.
            .text(i.currency), .number(i.total), .number(i.amountDue),
        ]
        if i.number == nil { drafts.append(row) } else { issued.append(row) }
    }

    /// The workbook: the drafts' rows move below the issued ones, and the sheet into the book.
    public mutating func make(currency: String, created: Timestamp) throws -> Workbook {
        var book = Workbook(currency: currency, created: created)
        try drafts.forEachRow { issued.append($0) }
        drafts = Sheet(name: "Invoices", columns: Self.columns)
        book.add(issued)
        return book
    }

    public static func make(_ invoices: [Invoice], currency: String, created: Timestamp) throws -> Workbook {
        var book = InvoicesWorkbook()
        for i in invoices { book.add(i) }
        return try book.make(currency: currency, created: created)
    }

    /// Issued, or why a draft is one.
    static func status(_ i: Invoice) -> String {
        if i.number != nil { return "issued" }
        if !i.unpriced.isEmpty { return "draft: unpriced usage" }
        if i.rateProblem != nil { return "draft: no exchange rate" }
        if i.taxProblem != nil { return "draft: tax cannot be decided" }
        return "draft"
    }

    static let columns = [
        Sheet.Column("number", width: 16), Sheet.Column("kind"), Sheet.Column("customer_id"), Sheet.Column("customer", width: 26),
        Sheet.Column("period"), Sheet.Column("issue_date", width: 12), Sheet.Column("due_date", width: 12),
        Sheet.Column("subtotal", .money, total: true), Sheet.Column("tax", .money, total: true), Sheet.Column("total", .money, total: true),
        Sheet.Column("credits_applied", .money, total: true), Sheet.Column("amount_due", .money, total: true), Sheet.Column("status"),
        Sheet.Column("currency"), Sheet.Column("total_in_currency", .decimal), Sheet.Column("amount_due_in_currency", .decimal),
    ]
}
