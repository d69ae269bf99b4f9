/// Money that moved between a customer and the issuer, as a payment file tells it (FINANCE.md,
/// "Payments and receivables"): a Stripe charge, a refund, a prepaid top-up bought through
/// Stripe Checkout, or a credit (or debit) entry of a bank statement. Matched to invoices by
/// `PaymentMatching`; seen twice (the same `id`), it is a duplicate, forever.
public struct Payment: Sendable, Hashable {
    public enum Source: String, Sendable, Hashable { case stripe, bank }
    public enum Kind: String, Sendable, Hashable {
        /// Money received for invoices.
        case payment
        /// Money paid back to the customer: it reopens what it refunds.
        case refund
        /// Prepaid credit bought (Stripe `kind (metadata)` = `topup`): a credit entry.
        case topup
    }

    /// The file's own id of the payment (Stripe's `ch_…`/`py_…`, the bank's entry reference).
    public var id: String
    public var source: Source
    public var kind: Kind
    public var date: UTCDay
    /// Positive, in `currency`.
    public var amount: ExactDecimal
    public var currency: String
    /// Stripe's fee, kept for the journal.
    public var fee: ExactDecimal?
    /// The fee's currency where it is not the payment's: Stripe's fee is in the account's
    /// settlement currency (the export's `Converted Currency`).
    public var feeCurrency: String?
    /// The structured creditor reference the payer quoted (`RF…`), where the file carries one
    /// in a field of its own (camt.053 `Strd/CdtrRefInf/Ref`).
    public var reference: String?
    /// Free texts an invoice number or a reference may be found in: remittance information,
    /// description, metadata.
    public var texts: [String]
    /// The customer the file names: Stripe's `customer_id (metadata)`.
    public var customerID: String?
    /// Stripe's own customer id (`cus_…` of Stripe), which customers.csv may map.
    public var stripeCustomer: String?
    /// A refund: the id of the payment it pays back.
    public var refunds: String?

    public init(id: String, source: Source, kind: Kind = .payment, date: UTCDay, amount: ExactDecimal, currency: String, fee: ExactDecimal? = nil,
                reference: String? = nil, texts: [String] = [], customerID: String? = nil, stripeCustomer: String? = nil,
                refunds: String? = nil) {
        self.id = id
        self.source = source
        self.kind = kind
        self.date = date
        self.amount = amount
        self.currency = currency
        self.fee = fee
        self.reference = reference
        self.texts = texts
        self.customerID = customerID
        self.stripeCustomer = stripeCustomer
        self.refunds = refunds
    }
}
