/// The catalog tables finance edits in a spreadsheet: customers (every version of each), the
/// price book, marketplace services and the prepaid credit entries.
public struct Catalog: Sendable {
    /// Standard VAT rates by country and date (`vat_rates.csv`, or the copy settle ships).
    public var vatRates = ShippedVATRates.book
    public var customers = CustomerBook()
    public var prices: [PriceRow] = []
    public var services: [Service] = []
    public var credits: [CreditEntry] = []
    /// sellers.csv, by seller id; empty when settle.toml names none.
    public var sellers: [String: Seller] = [:]
    /// The ECB's reference rates (`[exchange_rates] file`); empty when settle.toml names none.
    public var exchangeRates = ExchangeRateTable([])
    public init() {}
}

/// One version of a customer: a row of customers.csv, in force from `effectiveFrom` until the
/// customer's next version (see `CustomerHistory`).
///
/// A month-end holds every customer: at a million, five separate strings each were half a
/// gigabyte. The texts an invoice or an alert needs now and then (name, email, address, tax id,
/// webhook) share one allocation (`CustomerTexts`).
public struct Customer: Sendable, Hashable {
    public var id: String
    public var plan: String
    private var texts: CustomerTexts
    /// The rate the customer is charged; nil when customers.csv leaves it empty, and the tax
    /// is decided by the rules (`TaxRules`).
    public var taxRatePct: ExactDecimal?
    /// nil: from the beginning.
    public var effectiveFrom: UTCDay?
    /// 1–28: the period starts that day at 00:00 UTC. The same in every version.
    public var billingDay: Int
    /// The line of customers.csv, for messages; 0 when made in code.
    public var line: Int
    /// Where the customer is (ISO 3166-1 alpha-2), "" when customers.csv does not say: the
    /// place of supply of what settle sells them, and what tells a VAT identifier from another
    /// kind of tax id (`CustomerTaxID`).
    public var country: String = ""
    /// The currency the customer is invoiced in (ISO 4217), the same in every version; nil:
    /// settle.toml's `currency`.
    public var currency: String?
    /// The e-invoice the customer receives beside the PDF; nil: the PDF only.
    public var einvoice: EInvoiceFormat?
    /// The customer's Peppol endpoint (`SCHEME:ID`), "" when none.
    public var peppolID: String = ""

    public var name: String {
        get { texts[0] ?? "" }
        set { texts[0] = newValue }
    }
    public var email: String {
        get { texts[1] ?? "" }
        set { texts[1] = newValue }
    }
    public var address: String {
        get { texts[2] ?? "" }
        set { texts[2] = newValue }
    }
    public var taxID: String {
        get { texts[3] ?? "" }
        set { texts[3] = newValue }
    }
    public var alertWebhook: String? {
        get { texts[4] }
        set { texts[4] = newValue }
    }
    /// The customer's id at Stripe (`cus_…` there; customers.csv `stripe_customer`), through
    /// which a Stripe payment that names no customer of ours is matched to this one; "" when none.
    public var stripeCustomer: String {
        get { texts[5] ?? "" }
        set { texts[5] = newValue.isEmpty ? nil : newValue }
    }

    public init(id: String, name: String, email: String, plan: String, billingDay: Int,
                taxRatePct: ExactDecimal?, alertWebhook: String? = nil, effectiveFrom: UTCDay? = nil,
                address: String = "", taxID: String = "", line: Int = 0, country: String = "") {
        self.id = id
        self.plan = plan
        texts = CustomerTexts([name, email, address, taxID, alertWebhook])
        self.billingDay = billingDay
        self.taxRatePct = taxRatePct
        self.effectiveFrom = effectiveFrom
        self.line = line
        self.country = country
    }
}

/// The unit a price-book price is quoted per.
public enum PriceUnit: String, Sendable, CaseIterable {
    case perMillion = "1M"
    case perThousand = "1K"
    case perUnit = "1"

    public var units: Int64 {
        switch self {
        case .perMillion: return 1_000_000
        case .perThousand: return 1_000
        case .perUnit: return 1
        }
    }
}

/// One row of prices.csv: what an upstream provider charges us, from `effectiveFrom` on.
public struct PriceRow: Sendable, Hashable {
    public var provider: String
    public var model: String
    public var tokenType: TokenType
    public var tier: Tier
    public var price: ExactDecimal
    public var per: PriceUnit
    public var effectiveFrom: Timestamp
    /// The prompt-size band (`>N`: prompts over N input tokens); nil for the standard band.
    public var band: Int64?

    public init(provider: String, model: String, tokenType: TokenType, tier: Tier, price: ExactDecimal,
                per: PriceUnit, effectiveFrom: Timestamp, band: Int64? = nil) {
        self.band = band
        self.provider = provider
        self.model = model
        self.tokenType = tokenType
        self.tier = tier
        self.price = price
        self.per = per
        self.effectiveFrom = effectiveFrom
    }

    /// The exact price of one unit (one token or one request).
    public var pricePerUnit: ExactDecimal {
        var digits = 0
        var n = per.units
        while n > 1 { n /= 10; digits += 1 }
        return price.shifted(right: digits)
    }
}

/// A marketplace service: a seller's model, priced by the service itself, with free trial tokens.
public struct Service: Sendable, Hashable {
    public var id: String
    public var seller: String
    public var model: String
    public var promptPricePer1K: ExactDecimal
    public var completionPricePer1K: ExactDecimal
    public var platformFeePct: ExactDecimal
    public var trialTokens: Int64

    public init(id: String, seller: String, model: String, promptPricePer1K: ExactDecimal,
                completionPricePer1K: ExactDecimal, platformFeePct: ExactDecimal, trialTokens: Int64) {
        self.id = id
        self.seller = seller
        self.model = model
        self.promptPricePer1K = promptPricePer1K
        self.completionPricePer1K = completionPricePer1K
        self.platformFeePct = platformFeePct
        self.trialTokens = trialTokens
    }
}
