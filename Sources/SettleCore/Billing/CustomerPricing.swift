/// The customer's price of one unit of usage (PRODUCT.md, "Billing"): the price book's cost
/// price times (1 + markup/100), the markup from the first rule that matches the plan in force
/// when the usage happened; for a marketplace service, the service's own prices, no markup.
///
/// Invoices (through the period summaries) and the charge audit price with this one rule.
public struct CustomerPricing: Sendable {
    public var priceBook: PriceBook
    public var markup: MarkupPolicy
    public var services: [String: Service]

    public init(priceBook: PriceBook, markup: MarkupPolicy, services: [Service]) {
        self.priceBook = priceBook
        self.markup = markup
        self.services = Dictionary(services.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
    }

    /// A customer's markup per provider, model and plan, remembered: rules are matched once per
    /// model, not once per row and token type.
    public struct MarkupCache: Sendable {
        struct Key: Hashable {
            var provider: String
            var model: String
            var plan: String
        }
        var pct: [Key: ExactDecimal] = [:]
        public init() {}
    }

    /// The price of one unit of `type` of a daily row for a customer on `plan`; nil where no
    /// price is in force. Service rows price prompt (all input) and completion tokens only.
    public func unitPrice(_ row: UsageDailyRow, _ type: TokenType, plan: String, cache: inout MarkupCache) -> ExactDecimal? {
        if !row.serviceID.isEmpty {
            guard let service = services[row.serviceID] else { return nil }
            switch type {
            case .input: return service.promptPricePer1K.shifted(right: 3)
            case .output: return service.completionPricePer1K.shifted(right: 3)
            default: return nil
            }
        }
        guard let quote = priceBook.quote(provider: row.provider, model: row.model, tokenType: type, tier: row.tier, band: row.band,
                                          at: row.stretchStart) else {
            return nil
        }
        let key = MarkupCache.Key(provider: row.provider, model: row.model, plan: plan)
        let pct: ExactDecimal
        if let known = cache.pct[key] {
            pct = known
        } else {
            pct = markup.pct(provider: row.provider, model: row.model, plan: plan, customer: row.customerID)
            cache.pct[key] = pct
        }
        return (quote.perUnit * (ExactDecimal.hundred + pct)).shifted(right: 2)
    }

    /// The quantities a row is charged by: a marketplace service prices all prompt tokens alike,
    /// gateway traffic by token type.
    public static func quantities(_ row: UsageDailyRow) -> [(TokenType, Int64)] {
        row.serviceID.isEmpty ? row.quantities : [(.input, row.inputTokens), (.output, row.outputTokens)]
    }
}
