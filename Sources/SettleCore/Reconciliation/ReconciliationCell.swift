/// One compared cell: a UTC day (or a provider's longer charge period), provider, model (after
/// aliases), tier and token type, with both sides and the verdict.
///
/// A cell with no token type is a billed line the gateway cannot meter by token type: a named
/// charge (web search calls, tax), or — when the gateway knows the model — the model's whole
/// day cost from a provider that does not split cost by token type (OpenRouter). Such a
/// model-total cell has no quantities of its own, so that summing the quantity columns never
/// counts a token twice; its expected cost is the sum of the model's token cells.
public struct ReconciliationCell: Sendable, Hashable {
    /// The day, or the first day of the charge period.
    public var day: UTCDay
    /// The charge period's last day, for a cell reconciled over more than one day (a bill
    /// billed per month); nil for a one-day cell.
    public var through: UTCDay?
    public var provider: String
    public var model: String
    public var tier: Tier
    public var tokenType: TokenType?
    /// The prompt-size band (0: standard; N: prompts over N tokens), kept apart on both sides.
    public var band: Int64 = 0
    /// Tokens (or requests) the gateway logged; 0 when it logged none.
    public var gatewayQuantity: Int64
    /// nil when the bill states no quantity for the cell (a cost report alone, or a model total).
    public var billedQuantity: Int64?
    /// Billed quantity (else the gateway's) times the price in force at the start of the day;
    /// nil when no price is in force.
    public var expectedCost: ExactDecimal?
    public var billedCost: ExactDecimal?
    public var status: ReconciliationStatus
    /// What the discrepancy is worth, as a positive amount; 0 for a matched cell.
    public var moneyAtRisk: ExactDecimal
    /// True for a model-total cell (see the type's comment).
    public var isModelTotal: Bool
    /// The rates the cell's billed cost was converted to the base at, where the provider billed
    /// in another currency (FINANCE.md, "Currencies": the cells say so); empty otherwise.
    public var exchangeRates: [ExchangeRate] = []

    public init(day: UTCDay, through: UTCDay? = nil, provider: String, model: String, tier: Tier, tokenType: TokenType?, gatewayQuantity: Int64,
                billedQuantity: Int64?, expectedCost: ExactDecimal?, billedCost: ExactDecimal?, status: ReconciliationStatus,
                moneyAtRisk: ExactDecimal, isModelTotal: Bool = false) {
        self.day = day
        self.through = through.flatMap { $0 > day ? $0 : nil }
        self.provider = provider
        self.model = model
        self.tier = tier
        self.tokenType = tokenType
        self.gatewayQuantity = gatewayQuantity
        self.billedQuantity = billedQuantity
        self.expectedCost = expectedCost
        self.billedCost = billedCost
        self.status = status
        self.moneyAtRisk = moneyAtRisk
        self.isModelTotal = isModelTotal
    }

    /// Billed minus logged: positive when the provider bills more than the gateway metered.
    public var quantityDiff: Int64? { billedQuantity.map { $0 - gatewayQuantity } }

    /// Billed minus expected: positive when the provider charges more than the price book says.
    public var costDiff: ExactDecimal? {
        guard let billedCost, let expectedCost else { return nil }
        return billedCost - expectedCost
    }

    /// The period's last day: `through`, or `day` for a one-day cell.
    public var lastDay: UTCDay { through ?? day }

    /// The order of every output: day, period end, provider, model, tier, token type (model
    /// totals last).
    public static func < (a: ReconciliationCell, b: ReconciliationCell) -> Bool {
        if (a.day, a.lastDay, a.provider, a.model, a.tier) != (b.day, b.lastDay, b.provider, b.model, b.tier) {
            return (a.day, a.lastDay, a.provider, a.model, a.tier) < (b.day, b.lastDay, b.provider, b.model, b.tier)
        }
        return (a.band, a.tokenType?.position ?? 9) < (b.band, b.tokenType?.position ?? 9)
    }
}

extension ExactDecimal {
    /// The absolute value.
    public var magnitude: ExactDecimal { isNegative ? -self : self }
}
