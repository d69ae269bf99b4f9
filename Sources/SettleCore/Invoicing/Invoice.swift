/// An invoice, credit note or supplementary invoice, with the fields PRODUCT.md fixes.
public struct Invoice: Sendable, Hashable {
    public enum Kind: String, Sendable { case invoice, creditNote = "credit_note", supplementary }

    /// nil on a draft.
    public var number: String?
    public var kind: Kind
    public var customerID: String
    public var customerName: String
    /// The customer's address and tax id as the document was issued with them.
    public var customerAddress: String = ""
    public var customerTaxID: String = ""
    public var period: BillingPeriod
    public var issueDate: UTCDay
    public var dueDate: UTCDay
    public var currency: String
    public var lines: [InvoiceLine]
    public var subtotal: ExactDecimal
    public var tax: ExactDecimal
    public var total: ExactDecimal
    public var creditsApplied: ExactDecimal
    public var amountDue: ExactDecimal
    public var taxRatePct: ExactDecimal
    /// For a credit note or supplementary invoice: the number of the invoice it adjusts.
    public var adjusts: String?
    /// Usage with no price in force: while there is any, the invoice stays a draft.
    public var unpriced: [UsageSummaryLine]

    public init(number: String? = nil, kind: Kind = .invoice, customerID: String, customerName: String, period: BillingPeriod,
                issueDate: UTCDay, dueDate: UTCDay, currency: String, lines: [InvoiceLine], subtotal: ExactDecimal, tax: ExactDecimal,
                total: ExactDecimal, creditsApplied: ExactDecimal, amountDue: ExactDecimal, taxRatePct: ExactDecimal,
                adjusts: String? = nil, unpriced: [UsageSummaryLine] = []) {
        self.number = number
        self.kind = kind
        self.customerID = customerID
        self.customerName = customerName
        self.period = period
        self.issueDate = issueDate
        self.dueDate = dueDate
        self.currency = currency
        self.lines = lines
        self.subtotal = subtotal
        self.tax = tax
        self.total = total
        self.creditsApplied = creditsApplied
        self.amountDue = amountDue
        self.taxRatePct = taxRatePct
        self.adjusts = adjusts
        self.unpriced = unpriced
    }

    public var isFinalizable: Bool { unpriced.isEmpty }
}

public struct InvoiceLine: Sendable, Hashable {
    public enum Kind: String, Sendable {
        case planFee = "plan_fee", usage, service, trial, volumeDiscount = "volume_discount", adjustment
    }

    public var kind: Kind
    public var description: String
    public var quantity: Int64
    /// Per 1M tokens for usage, per 1K for services, per 1 otherwise: exact, as many decimals as it needs.
    public var unitPrice: ExactDecimal
    /// Rounded to cents.
    public var amount: ExactDecimal
    public var provider: String?
    public var model: String?
    public var tier: Tier?
    public var tokenType: TokenType?
    public var serviceID: String?
    /// A usage line's prompt-size band (`>N`); nil for the standard band.
    public var band: Int64?

    public init(kind: Kind, description: String, quantity: Int64, unitPrice: ExactDecimal, amount: ExactDecimal, provider: String? = nil,
                model: String? = nil, tier: Tier? = nil, tokenType: TokenType? = nil, serviceID: String? = nil, band: Int64? = nil) {
        self.band = band
        self.kind = kind
        self.description = description
        self.quantity = quantity
        self.unitPrice = unitPrice
        self.amount = amount
        self.provider = provider
        self.model = model
        self.tier = tier
        self.tokenType = tokenType
        self.serviceID = serviceID
    }
}
