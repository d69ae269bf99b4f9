/// An issued invoice as finance collects it (FINANCE.md, "Payments and receivables"): what it
/// asks, what payments and credit notes settled, what is open, and its status on a day; and the
/// aging of what is open, per customer and currency.
public struct Receivable: Sendable, Hashable {
    public enum Status: String, Sendable, Hashable, CaseIterable {
        case open
        case partiallyPaid = "partially_paid"
        case paid
        /// Settled by credit notes (in part by payments, perhaps).
        case credited
        /// Open after its due date.
        case overdue
    }

    public var number: String
    public var customerID: String
    public var currency: String
    public var issueDate: UTCDay
    public var dueDate: UTCDay
    /// What the invoice asks: its amount due (the total less the credit applied when issued).
    public var total: ExactDecimal
    /// What payments applied to it, refunds deducted.
    public var paid: ExactDecimal
    /// What credit notes settled of it.
    public var credited: ExactDecimal

    public init(number: String, customerID: String, currency: String, issueDate: UTCDay, dueDate: UTCDay, total: ExactDecimal,
                paid: ExactDecimal = .zero, credited: ExactDecimal = .zero) {
        self.number = number
        self.customerID = customerID
        self.currency = currency
        self.issueDate = issueDate
        self.dueDate = dueDate
        self.total = total
        self.paid = paid
        self.credited = credited
    }

    /// What is still to collect; never below zero (an overpayment is credit on account).
    public var open: ExactDecimal { max(total - paid - credited, .zero) }

    /// Days past the due date on `day`; 0 when not yet due or settled.
    public func daysOverdue(on day: UTCDay) -> Int {
        open > .zero ? max(day.ordinal - dueDate.ordinal, 0) : 0
    }

    public func status(on day: UTCDay) -> Status {
        if open <= .zero { return credited > .zero ? .credited : .paid }
        if day > dueDate { return .overdue }
        return paid > .zero || credited > .zero ? .partiallyPaid : .open
    }
}

/// What a customer owes in one currency on a day, by how long past due (`aging.csv`).
public struct AgingRow: Sendable, Hashable {
    public var customerID: String
    public var currency: String
    public var current = ExactDecimal.zero
    public var days1to30 = ExactDecimal.zero
    public var days31to60 = ExactDecimal.zero
    public var days61to90 = ExactDecimal.zero
    public var over90 = ExactDecimal.zero

    public init(customerID: String, currency: String) {
        self.customerID = customerID
        self.currency = currency
    }

    public var total: ExactDecimal { current + days1to30 + days31to60 + days61to90 + over90 }

    public static let columns = ["customer_id", "currency", "current", "days_1_30", "days_31_60", "days_61_90", "days_over_90", "total"]

    /// The open amounts of `receivables` on `day`, per customer and currency (sorted); settled
    /// invoices count for nothing, and a customer with nothing open has no row.
    public static func of(_ receivables: [Receivable], on day: UTCDay) -> [AgingRow] {
        var rows: [String: AgingRow] = [:]
        for r in receivables where r.open > .zero {
            let key = r.customerID + "\u{1F}" + r.currency
            var row = rows[key] ?? AgingRow(customerID: r.customerID, currency: r.currency)
            switch r.daysOverdue(on: day) {
            case 0: row.current += r.open
            case 1...30: row.days1to30 += r.open
            case 31...60: row.days31to60 += r.open
            case 61...90: row.days61to90 += r.open
            default: row.over90 += r.open
            }
            rows[key] = row
        }
        return rows.values.sorted { ($0.customerID, $0.currency) < ($1.customerID, $1.currency) }
    }
}
