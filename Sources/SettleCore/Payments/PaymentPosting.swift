/// What a payment did to the books, decided once (FINANCE.md, "Payments and receivables"): what
/// it paid of an invoice (a refund: what it reopened), what it put on (or took from) the
/// customer's credit account, or why it could not be matched. Stored with the payment; an
/// unmatched payment is tried again when invoices are issued, a posted one never changes.
public struct PaymentPosting: Sendable, Hashable {
    /// The invoice paid or reopened.
    public var invoice: String?
    public var rule: PaymentMatching.Rule?
    /// To the invoice: positive pays, negative (a refund) reopens.
    public var applied: ExactDecimal
    /// To the customer's credit account: positive for an overpayment or a top-up, negative for
    /// a refund of credit.
    public var credit: ExactDecimal
    /// Whose invoice or credit it is.
    public var customerID: String?
    /// Why nothing was posted; nil when the payment is posted.
    public var unmatched: String?

    public init(invoice: String? = nil, rule: PaymentMatching.Rule? = nil, applied: ExactDecimal = .zero, credit: ExactDecimal = .zero,
                customerID: String? = nil, unmatched: String? = nil) {
        self.invoice = invoice
        self.rule = rule
        self.applied = applied
        self.credit = credit
        self.customerID = customerID
        self.unmatched = unmatched
    }

    public static func unmatched(_ why: String) -> PaymentPosting { PaymentPosting(unmatched: why) }

    public var isPosted: Bool { unmatched == nil }
}

/// A payment and what it did.
public struct PostedPayment: Sendable, Hashable {
    public var payment: Payment
    public var posting: PaymentPosting

    public init(payment: Payment, posting: PaymentPosting) {
        self.payment = payment
        self.posting = posting
    }

    /// The credit entry the payment makes, exactly as if credits.csv had it: a top-up, an
    /// overpayment, or a refund of credit; its reference is the payment's id.
    public var creditEntry: CreditEntry? {
        guard posting.isPosted, let customer = posting.customerID, !posting.credit.isZero else { return nil }
        let kind: CreditEntry.Kind = switch payment.kind {
        case .topup: .topup
        case .payment: .overpayment
        case .refund: .refund
        }
        return CreditEntry(reference: payment.id, customerID: customer, kind: kind, date: payment.date, amount: posting.credit)
    }
}

/// The payments ledger in memory: every issued invoice with what is open of it, and what each
/// payment taken in did. `post` decides a new payment's effect by `PaymentMatching`'s rules and
/// keeps the open amounts current, so that the next payment is matched against them.
public struct PaymentBook: Sendable {
    public private(set) var matching: PaymentMatching
    /// Payments already posted, by id: what a refund pays back.
    private var posted: [String: PostedPayment] = [:]
    /// What refunds already paid back of each payment: credit, then what was applied.
    private var refunded: [String: (credit: ExactDecimal, applied: ExactDecimal)] = [:]
    /// The currency customers.csv bills a customer in; nil for one it does not list.
    private let currencyOf: @Sendable (String) -> String?

    /// `invoices`: every issued invoice with its open amount before any payment
    /// (`ReceivableBook.openBeforePayments`); `earlier`: the payments already posted, in the
    /// order they were.
    public init(invoices: [PaymentMatching.OpenInvoice], earlier: [PostedPayment], currencyOf: @escaping @Sendable (String) -> String?) {
        matching = PaymentMatching(invoices)
        self.currencyOf = currencyOf
        for p in earlier where p.posting.isPosted {
            if let invoice = p.posting.invoice { matching.change(invoice, openBy: -p.posting.applied) }
            remember(p)
        }
    }

    /// Posts `payment`. `customer`: the customer the payment names (its metadata, or its
    /// Stripe customer as customers.csv maps it).
    public mutating func post(_ payment: Payment, customer: String?) -> PaymentPosting {
        let posting: PaymentPosting
        switch payment.kind {
        case .payment: posting = pay(payment, customer: customer)
        case .topup: posting = topUp(payment, customer: customer)
        case .refund: posting = refund(payment)
        }
        if let invoice = posting.invoice, posting.isPosted { matching.change(invoice, openBy: -posting.applied) }
        let done = PostedPayment(payment: payment, posting: posting)
        if posting.isPosted { remember(done) }
        return posting
    }

    private mutating func remember(_ p: PostedPayment) {
        posted[p.payment.id] = p
        if p.payment.kind == .refund, let original = p.payment.refunds {
            refunded[original, default: (.zero, .zero)].credit -= p.posting.credit
            refunded[original, default: (.zero, .zero)].applied -= p.posting.applied
        }
    }

    private func pay(_ p: Payment, customer: String?) -> PaymentPosting {
        switch matching.match(p, customer: customer) {
        case .unmatched(let why):
            return .unmatched(why)
        case .matched(let number, let rule, let applied, let overpaid):
            let owner = matching.invoice(number)?.customerID
            return PaymentPosting(invoice: matching.invoice(number)?.number ?? number, rule: rule, applied: applied, credit: overpaid,
                                  customerID: owner)
        }
    }

    /// A prepaid top-up: credit for the customer it names, in the customer's currency (credit
    /// is held in it); unmatched when it names none that customers.csv lists, or pays in
    /// another currency.
    private func topUp(_ p: Payment, customer: String?) -> PaymentPosting {
        guard let customer else {
            return .unmatched("a top-up that names no customer (no customer_id (metadata), and its Customer ID is in no stripe_customer column of customers.csv)")
        }
        guard let currency = currencyOf(customer) else { return .unmatched("a top-up for \(customer), whom customers.csv does not list") }
        guard currency == p.currency else { return .unmatched("a top-up in \(p.currency) for \(customer), who is billed and holds credit in \(currency)") }
        return PaymentPosting(credit: p.amount, customerID: customer)
    }

    /// A refund pays back what its payment put on credit first (an overpayment, a top-up), then
    /// reopens what the payment paid of its invoice.
    private func refund(_ p: Payment) -> PaymentPosting {
        guard let id = p.refunds else { return .unmatched("a refund that names no payment it refunds") }
        guard let original = posted[id] else {
            return .unmatched("refunds \(id), which settle has not matched (it is unmatched, or not taken in yet)")
        }
        guard original.payment.currency == p.currency else {
            return .unmatched("in \(p.currency), and the payment it refunds, \(id), is in \(original.payment.currency)")
        }
        let before = refunded[id] ?? (.zero, .zero)
        let fromCredit = min(p.amount, max(original.posting.credit - before.credit, .zero))
        let reopened = min(p.amount - fromCredit, max(original.posting.applied - before.applied, .zero))
        // More than the payment put anywhere (several refunds of one charge): the rest comes out
        // of the customer's credit too.
        let beyond = p.amount - fromCredit - reopened
        return PaymentPosting(invoice: original.posting.invoice, rule: nil, applied: -reopened,
                              credit: -(fromCredit + beyond), customerID: original.posting.customerID)
    }
}
