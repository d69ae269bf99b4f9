/// The currency an invoice is in and how its figures get there from the base (FINANCE.md,
/// "Currencies"): each unit price × rate, rounded to 6 decimals; each amount rounded to the
/// currency's minor unit; a plan fee set in that currency (`[plans.NAME] fees`), else converted.
/// In the base currency every figure is as PRODUCT.md computes it, unconverted.
public struct InvoiceMoney: Sendable, Hashable {
    public var currency: String
    /// nil: the base currency itself.
    public var rate: ExchangeRate?

    public init(currency: String, rate: ExchangeRate? = nil) {
        self.currency = currency
        self.rate = rate
    }

    /// A unit price of the base currency, in this one.
    public func price(_ base: ExactDecimal) -> ExactDecimal { rate?.price(base) ?? base }

    /// An amount of this currency, rounded to its minor unit.
    public func round(_ value: ExactDecimal) -> ExactDecimal { value.rounded(to: currency) }

    /// A threshold of the base currency (a volume discount's), in this one, unrounded.
    public func threshold(_ base: ExactDecimal) -> ExactDecimal { rate?.exactly(base) ?? base }

    /// A plan's monthly fee in this currency.
    public func fee(_ plan: Plan) -> ExactDecimal {
        guard let rate else { return plan.monthlyFee }
        return plan.fees[currency] ?? rate.amount(plan.monthlyFee)
    }
}
