/// The receivables on a day (FINANCE.md, "Payments and receivables"): each issued invoice that
/// asks for money, with what payments and credit notes settled of it by that day. Payments and
/// settlements dated after the day do not count, so a rerun for an earlier day shows that day.
public enum ReceivableBook {
    /// A credit note's credit applied to the invoice it corrects (`CreditUse.Kind.settled`).
    public struct Settlement: Sendable, Hashable {
        public var invoice: String
        public var day: UTCDay
        public var amount: ExactDecimal
        public init(invoice: String, day: UTCDay, amount: ExactDecimal) {
            self.invoice = invoice
            self.day = day
            self.amount = amount
        }
    }

    /// `invoices`: every issued invoice (its amount due as `total`, nothing paid), issued by
    /// any day; those issued after `day` are left out.
    public static func on(_ day: UTCDay, invoices: [Receivable], payments: [PostedPayment], settlements: [Settlement]) -> [Receivable] {
        var paid: [String: ExactDecimal] = [:]
        for p in payments where p.posting.isPosted && p.payment.date <= day {
            if let invoice = p.posting.invoice, !p.posting.applied.isZero { paid[invoice, default: .zero] += p.posting.applied }
        }
        var credited: [String: ExactDecimal] = [:]
        for s in settlements where s.day <= day { credited[s.invoice, default: .zero] += s.amount }
        return invoices.filter { $0.issueDate <= day }.map { r in
            var r = r
            r.paid = paid[r.number] ?? .zero
            r.credited = credited[r.number] ?? .zero
            return r
        }.sorted { ($0.issueDate, $0.number) < ($1.issueDate, $1.number) }
    }

    /// What the receivables are to the payment matcher: every invoice with what is open of it
    /// before any payment (what credit notes settled already deducted).
    public static func openBeforePayments(_ invoices: [Receivable], settlements: [Settlement]) -> [PaymentMatching.OpenInvoice] {
        var credited: [String: ExactDecimal] = [:]
        for s in settlements { credited[s.invoice, default: .zero] += s.amount }
        return invoices.map { r in
            PaymentMatching.OpenInvoice(number: r.number, customerID: r.customerID, currency: r.currency,
                                        open: r.total - (credited[r.number] ?? .zero))
        }
    }
}
