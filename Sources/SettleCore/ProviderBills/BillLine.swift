/// One line of a provider's usage or cost report, in settle's terms: what the provider says we
/// used (`quantity`) or owe (`cost`) for one UTC day (or a longer charge period), model, tier
/// and token type.
///
/// Usage reports bring quantities and cost reports bring costs; a line may carry both (plain
/// CSV, FOCUS, CUR). A line with no token type is either a named charge with no model (web
/// search calls, tax) or a model's whole-day cost where the provider does not split it by
/// token type (OpenRouter); reconciliation tells the two apart by whether the gateway knows
/// the model.
public struct BillLine: Sendable, Hashable {
    public var provider: String
    /// The charge period's first UTC day.
    public var day: UTCDay
    /// The charge period's last UTC day when it covers more than one (a FOCUS row billed per
    /// month); nil for a one-day line. Such a line is reconciled over its whole period.
    public var through: UTCDay?
    /// The model as the provider names it; aliases are applied when reconciling, so that a
    /// corrected alias applies to bills already stored.
    public var model: String
    public var tier: Tier
    public var tokenType: TokenType?
    /// The prompt-size band the provider billed the line in: 0 standard, N for prompts over N
    /// tokens (Anthropic's `context_window` `200k-1M`), `BillLine.longContext` for a line the
    /// bill only calls long context (OpenAI's `, long context`): the model's band in the book.
    public var band: Int64
    public var quantity: Int64?
    public var cost: ExactDecimal?
    /// A FOCUS `ChargeClass = Correction` line: it adds to the bill it corrects instead of
    /// replacing it.
    public var correction: Bool
    /// A line billed in another currency than the base (FOCUS `BillingCurrency` EUR, say): the
    /// rate its cost was converted to the base at, the ECB's of its charge day; nil otherwise.
    public var exchangeRate: ExchangeRate?

    public init(provider: String, day: UTCDay, through: UTCDay? = nil, model: String, tier: Tier = .standard, tokenType: TokenType?,
                quantity: Int64? = nil, cost: ExactDecimal? = nil, correction: Bool = false, band: Int64 = 0) {
        self.provider = provider
        self.day = day
        self.through = through.flatMap { $0 > day ? $0 : nil }
        self.model = model
        self.tier = tier
        self.tokenType = tokenType
        self.quantity = quantity
        self.cost = cost
        self.correction = correction
        self.band = band
    }

    /// A line billed as long context without saying from how many tokens.
    public static let longContext: Int64 = -1

    /// What makes two lines of one bill the same cell, so that they add up.
    public struct Key: Sendable, Hashable, Comparable {
        public var provider: String
        public var day: UTCDay
        public var through: UTCDay?
        public var model: String
        public var tier: Tier
        public var tokenType: TokenType?
        public var correction: Bool
        public var band: Int64

        public init(provider: String, day: UTCDay, through: UTCDay? = nil, model: String, tier: Tier, tokenType: TokenType?,
                    correction: Bool = false, band: Int64 = 0) {
            self.band = band
            self.provider = provider
            self.day = day
            self.through = through
            self.model = model
            self.tier = tier
            self.tokenType = tokenType
            self.correction = correction
        }

        public static func < (a: Key, b: Key) -> Bool {
            if (a.day, a.through ?? a.day) != (b.day, b.through ?? b.day) { return (a.day, a.through ?? a.day) < (b.day, b.through ?? b.day) }
            return (a.provider, a.model, a.tier, a.band, a.tokenType?.rawValue ?? "", a.correction ? 1 : 0)
                < (b.provider, b.model, b.tier, b.band, b.tokenType?.rawValue ?? "", b.correction ? 1 : 0)
        }
    }

    public var key: Key {
        Key(provider: provider, day: day, through: through, model: model, tier: tier, tokenType: tokenType, correction: correction, band: band)
    }

    /// The charge period's last day: `through`, or `day` for a one-day line.
    public var lastDay: UTCDay { through ?? day }
}

/// A bill line as stored, with the bill (ingested file) it came from. Bills are numbered
/// in ingest order, so a higher number is a newer bill.
public struct StoredBillLine: Sendable, Hashable {
    public var bill: Int64
    public var line: BillLine

    public init(bill: Int64, line: BillLine) {
        self.bill = bill
        self.line = line
    }
}
