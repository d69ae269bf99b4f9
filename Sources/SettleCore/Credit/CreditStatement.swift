/// `invoices/PERIOD/credits.csv`: each customer's credit movements in calendar month PERIOD.
/// It ties out by construction: opening + topups − refunds + adjustments − applied +
/// credit_notes − expired = closing, and the closing balance is what the entries have left.
public struct CreditStatementRow: Sendable, Hashable {
    public var customerID: String
    public var opening = ExactDecimal.zero
    public var topups = ExactDecimal.zero
    /// Positive: what was paid back.
    public var refunds = ExactDecimal.zero
    /// Signed.
    public var adjustments = ExactDecimal.zero
    public var applied = ExactDecimal.zero
    public var creditNotes = ExactDecimal.zero
    public var expired = ExactDecimal.zero
    /// Credit that this run's drafts would use: shown beside the statement, not in the closing
    /// balance (nothing has been issued).
    public var pending = ExactDecimal.zero
    /// The customer's currency, which its credits.csv amounts are in (FINANCE.md, "Currencies").
    public var currency = ""

    public init(customerID: String) { self.customerID = customerID }

    public var closing: ExactDecimal { opening + topups - refunds + adjustments - applied + creditNotes - expired }

    var isEmpty: Bool {
        [opening, topups, refunds, adjustments, applied, creditNotes, expired, closing, pending].allSatisfy(\.isZero)
    }

    public static let columns = ["customer_id", "opening_balance", "topups", "refunds", "adjustments", "applied", "credit_notes",
                                 "expired", "closing_balance", "pending"]

    public var cells: [ExactDecimal] { [opening, topups, refunds, adjustments, applied, creditNotes, expired, closing, pending] }
}

public enum CreditStatement {
    /// Every customer with a balance or a movement in `month`, in customer order. Entries and
    /// uses dated after the month do not count. `pending`: credit drafts would use, per customer.
    /// `currency`: each customer's currency (customers.csv's, else the base).
    public static func rows(entries: [CreditEntry], uses: [CreditUse], month: PeriodMonth,
                            pending: [String: ExactDecimal] = [:], currency: (String) -> String = { _ in "" }) -> [CreditStatementRow] {
        let first = month.firstDay, end = month.next.firstDay
        var rows: [String: CreditStatementRow] = [:]
        for e in entries where e.date < end {
            var r = rows[e.customerID] ?? CreditStatementRow(customerID: e.customerID)
            if e.date < first {
                r.opening += e.amount
            } else {
                switch e.kind {
                // Money the customer paid in, whether bought as credit or paid beyond an invoice.
                case .topup, .overpayment: r.topups += e.amount
                case .refund: r.refunds -= e.amount
                case .adjustment: r.adjustments += e.amount
                case .creditNote: r.creditNotes += e.amount
                }
            }
            rows[e.customerID] = r
        }
        // Refunds and adjustments change the balance by their own amount; their uses only say
        // which entries they came out of.
        // A credit note's credit settling the invoice it corrects is applied credit too.
        for u in uses where u.day < end && (u.kind == .applied || u.kind == .settled || u.kind == .expired) {
            var r = rows[u.customerID] ?? CreditStatementRow(customerID: u.customerID)
            if u.day < first {
                r.opening -= u.amount
            } else if u.kind == .applied || u.kind == .settled {
                r.applied += u.amount
            } else {
                r.expired += u.amount
            }
            rows[u.customerID] = r
        }
        for (id, amount) in pending where !amount.isZero {
            rows[id, default: CreditStatementRow(customerID: id)].pending += amount
        }
        return rows.values.filter { !$0.isEmpty }.sorted { $0.customerID < $1.customerID }.map {
            var r = $0
            r.currency = currency(r.customerID)
            return r
        }
    }
}
