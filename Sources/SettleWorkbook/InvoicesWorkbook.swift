import SettleCore

/// `invoices-PERIOD.xlsx`: one row per invoice (drafts too, with no number), money in the
/// currency format, totals as formulas with their cached values.
public enum InvoicesWorkbook {
    public static func make(_ invoices: [Invoice], currency: String, created: Timestamp) -> Workbook {
        var book = Workbook(currency: currency, created: created)
        var sheet = Sheet(name: "Invoices", columns: [
            Sheet.Column("number", width: 16), Sheet.Column("kind"), Sheet.Column("customer_id"), Sheet.Column("customer", width: 26),
            Sheet.Column("period"), Sheet.Column("issue_date", width: 12), Sheet.Column("due_date", width: 12),
            Sheet.Column("subtotal", .money, total: true), Sheet.Column("tax", .money, total: true), Sheet.Column("total", .money, total: true),
            Sheet.Column("credits_applied", .money, total: true), Sheet.Column("amount_due", .money, total: true), Sheet.Column("status"),
        ])
        for i in invoices {
            sheet.append([.text(i.number ?? ""), .text(i.kind.rawValue), .text(i.customerID), .text(i.customerName),
                          .text(i.period.description), .text(i.issueDate.description), .text(i.dueDate.description),
                          .number(i.subtotal), .number(i.tax), .number(i.total), .number(i.creditsApplied), .number(i.amountDue),
                          .text(i.number == nil ? (i.unpriced.isEmpty ? "draft" : "draft: unpriced usage") : "issued")])
        }
        book.add(sheet)
        return book
    }
}
