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
    /// How the document is taxed (FINANCE.md, "Tax"): category, exemption code and the words
    /// printed, where the customer and the issuer are.
    public var taxCategory: TaxDecision.Category = .standard
    public var taxExemptionCode: String?
    public var taxExemptionReason: String?
    public var customerCountry: String = ""
    public var issuerCountry: String = ""
    /// Why settle could not decide the tax (a country with no rate in vat_rates.csv on the
    /// period's last day): the invoice stays a draft, as one with unpriced usage does.
    public var taxProblem: String?
    /// The rate the document's figures were converted at from the base currency (FINANCE.md,
    /// "Currencies"); nil for a document in the base currency.
    public var exchangeRate: ExchangeRate?
    /// Why the document could not be converted to the customer's currency (no ECB rate recent
    /// enough): it stays a draft, in the base currency, saying so.
    public var rateProblem: String?
    /// BT-111: the tax in the issuer's accounting currency, where it is not the document's,
    /// and the rate it was converted at; nil otherwise.
    public var taxAccounting: ExactDecimal?
    public var taxAccountingRate: ExchangeRate?
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

    /// The structured creditor reference it is paid with (ISO 11649): issued invoices and
    /// supplementary invoices; a credit note is not paid, a draft has no number.
    public var paymentReference: String? {
        guard kind != .creditNote, let number else { return nil }
        return CreditorReference.of(invoiceNumber: number)
    }

    /// An amount of this document in the base currency: itself, or converted back at the
    /// document's rate (the finance reports are in the base currency).
    public func inBase(_ amount: ExactDecimal) -> ExactDecimal { exchangeRate?.back(amount) ?? amount }

    public var isFinalizable: Bool { unpriced.isEmpty && taxProblem == nil && rateProblem == nil }

    /// Takes `decision`'s category, rate, exemption and countries.
    public mutating func apply(_ decision: TaxDecision) {
        taxRatePct = decision.ratePct
        taxCategory = decision.category
        taxExemptionCode = decision.exemptionCode
        taxExemptionReason = decision.exemptionReason
        if let country = decision.customerCountry { customerCountry = country }
    }
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
    /// The first and last day this line's usage was at its unit price. Set only where one
    /// item has lines at two or more unit prices (a price change inside the period), so each
    /// of them says when it applied; nil otherwise, and on documents issued before.
    public var from: UTCDay?
    public var through: UTCDay?

    public init(kind: Kind, description: String, quantity: Int64, unitPrice: ExactDecimal, amount: ExactDecimal, provider: String? = nil,
                model: String? = nil, tier: Tier? = nil, tokenType: TokenType? = nil, serviceID: String? = nil, band: Int64? = nil,
                from: UTCDay? = nil, through: UTCDay? = nil) {
        self.band = band
        self.from = from
        self.through = through
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

extension InvoiceLine {
    /// What the unit price is for, so that a reader can check quantity × unit price = amount
    /// with a pencil (PRODUCT.md, "Invoice documents"): usage per 1M tokens (per request for
    /// requests), services per 1K tokens, plan fees per month. A trial, the volume discount or
    /// an adjustment is one unit of its own amount: nothing to name.
    public var unitLabel: String {
        switch kind {
        case .usage: return tokenType == .request ? "per request" : "per 1M tokens"
        case .service: return "per 1K tokens"
        case .planFee:
            // A prorated fee (`pro plan, … (12/31 days)`) is the fee of those days, not a month's.
            guard description.hasSuffix(" days)"), let open = description.lastIndex(of: "(") else { return "per month" }
            return "for " + description[description.index(after: open)..<description.index(before: description.endIndex)]
        case .trial, .volumeDiscount, .adjustment: return ""
        }
    }

    /// The unit price as every file prints it (JSON, CSV, PDF): as many decimals as it needs,
    /// at least two (`2.40`, `19.00`, `0.000125`).
    public var unitPriceText: String { unitPrice.normalized.formatted(minimumPlaces: 2) }

    /// `2026-10-01 to 2026-10-14` (one day alone: `2026-10-14`), or nil when the line has no
    /// days of its own.
    public var daysText: String? {
        guard let from, let through else { return nil }
        return from == through ? from.description : "\(from) to \(through)"
    }
}
