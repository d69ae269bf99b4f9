/// One line of a customer's usage in a billing period: a provider, model, tier, token type
/// (and marketplace service) at one customer unit price. Invoices print these lines.
public struct UsageSummaryLine: Sendable, Hashable {
    public var provider: String
    public var model: String
    public var tier: Tier
    public var tokenType: TokenType
    /// "" for gateway traffic.
    public var serviceID: String
    /// The prompt-size band (`PriceBands`); 0 for the standard band.
    public var band: Int64
    /// The customer's price per token (per request), exact; nil where no price is in force.
    public var unitPrice: ExactDecimal?
    /// Of `ok` events: the only ones charged.
    public var quantity: Int64
    /// Of `error` events: shown, never charged.
    public var errorQuantity: Int64
    /// quantity × unitPrice, exact (invoices round per line); nil when unpriced.
    public var charge: ExactDecimal?
    /// What the provider charges us for these tokens, error events included (providers bill
    /// them), at the price book's cost price, exact; nil for marketplace services and where no
    /// price is in force. The finance workbook's margin is charge minus this.
    public var upstreamCost: ExactDecimal?
    /// The first and last day with ok usage at this unit price: where a price changes inside
    /// the period, the invoice's lines of one item say from which day to which day each
    /// applied. nil when no ok event fed the line (and on lines stored before they were kept).
    public var from: UTCDay?
    public var through: UTCDay?

    public init(provider: String, model: String, tier: Tier, tokenType: TokenType, serviceID: String, unitPrice: ExactDecimal?,
                quantity: Int64, errorQuantity: Int64, charge: ExactDecimal?, upstreamCost: ExactDecimal? = nil, band: Int64 = 0,
                from: UTCDay? = nil, through: UTCDay? = nil) {
        self.upstreamCost = upstreamCost
        self.from = from
        self.through = through
        self.band = band
        self.provider = provider
        self.model = model
        self.tier = tier
        self.tokenType = tokenType
        self.serviceID = serviceID
        self.unitPrice = unitPrice
        self.quantity = quantity
        self.errorQuantity = errorQuantity
        self.charge = charge
    }
}

/// The free trial tokens a customer used on a service in a period (PRODUCT.md: the first
/// `trial_tokens` ever, in event order, input before output within an event).
public struct TrialUse: Sendable, Hashable {
    public var serviceID: String
    public var freeInput: Int64
    public var freeOutput: Int64

    public init(serviceID: String, freeInput: Int64, freeOutput: Int64) {
        self.serviceID = serviceID
        self.freeInput = freeInput
        self.freeOutput = freeOutput
    }
}

/// What the alerts watch and the finance reports show for one customer and billing period.
public struct PeriodTotals: Sendable, Hashable {
    public var customerID: String
    public var period: BillingPeriod
    public var plan: String
    /// Input + output tokens of ok events.
    public var tokens: Int64 = 0
    /// Requests of ok events.
    public var calls: Int64 = 0
    public var callsByProvider: [String: Int64] = [:]
    /// Usage and service charges less free trial tokens: before discount and tax, unrounded.
    public var cost = ExactDecimal.zero
    public var trialCredit = ExactDecimal.zero
    /// Ok-event tokens with no price in force: the invoice cannot be finalized while > 0.
    public var unpricedQuantity: Int64 = 0
    public var events: Int64 = 0
    public var errorEvents: Int64 = 0
    /// The last day the figures cover.
    public var asOf: UTCDay
    /// At the period's run rate so far, the usage at its end.
    public var projectedTokens: Int64 = 0
    public var projectedCalls: Int64 = 0
    public var projectedCost = ExactDecimal.zero
    /// What the figures were priced with (`PricingFingerprint`): "" when unknown (a store of
    /// an earlier release).
    public var pricedWith = ""

    public init(customerID: String, period: BillingPeriod, plan: String, asOf: UTCDay) {
        self.customerID = customerID
        self.period = period
        self.plan = plan
        self.asOf = asOf
    }
}

/// The aggregation rules: daily rows of one customer and period into summary lines (priced
/// per PRODUCT.md's billing rules, each day at the plan then in force) and the period's totals
/// and projections.
public struct PeriodSummarizer: Sendable {
    public var pricing: CustomerPricing

    public init(priceBook: PriceBook, markup: MarkupPolicy, services: [Service]) {
        pricing = CustomerPricing(priceBook: priceBook, markup: markup, services: services)
    }

    struct LineKey: Hashable {
        var provider: String
        var model: String
        var tier: Tier
        var tokenType: TokenType
        var serviceID: String
        var band: Int64
        var unitPrice: ExactDecimal?
    }

    /// The last day a period's figures cover: the last day aggregated (`to`) or the last day of
    /// the period rolled up, whichever is later, never past the period's end. Alerts watch the
    /// limits of the plan in force that day, and projections run from it.
    public static func asOf(_ period: BillingPeriod, aggregatedThrough to: UTCDay, lastRolledUp: UTCDay?) -> UTCDay {
        min(period.lastDay, max(min(to, period.lastDay), lastRolledUp ?? to))
    }

    /// `asOf`: the last day aggregated; the plan in force then is the one whose limits alerts
    /// watch.
    public func summarize(customer: CustomerHistory, period: BillingPeriod, rows: [UsageDailyRow], trials: [TrialUse],
                          asOf: UTCDay) -> (lines: [UsageSummaryLine], totals: PeriodTotals) {
        var lines: [LineKey: (ok: Int64, error: Int64, cost: ExactDecimal?, from: UTCDay?, through: UTCDay?)] = [:]
        var markups = CustomerPricing.MarkupCache()
        var totals = PeriodTotals(customerID: customer.id, period: period, plan: customer.inForce(on: asOf).plan, asOf: asOf)
        var planOn: (day: UTCDay, plan: String)?
        for row in rows where period.contains(row.day) {
            let ok = row.status == .ok
            totals.events += row.events
            if !ok { totals.errorEvents += row.events }
            if ok {
                totals.tokens += row.inputTokens + row.outputTokens
                totals.calls += row.requests
                totals.callsByProvider[row.provider, default: 0] += row.requests
            }
            let plan: String
            if let known = planOn, known.day == row.day { plan = known.plan } else {
                plan = customer.inForce(on: row.day).plan
                planOn = (row.day, plan)
            }
            for (type, q) in CustomerPricing.quantities(row) where q != 0 {
                let price = pricing.unitPrice(row, type, plan: plan, cache: &markups)
                let key = LineKey(provider: row.provider, model: row.model, tier: row.tier, tokenType: type,
                                  serviceID: row.serviceID, band: row.band, unitPrice: price)
                var v = lines[key] ?? (0, 0, nil, nil, nil)
                if ok {
                    v.ok += q
                    if v.from.map({ row.day < $0 }) ?? true { v.from = row.day }
                    if v.through.map({ row.day > $0 }) ?? true { v.through = row.day }
                } else {
                    v.error += q
                }
                if row.serviceID.isEmpty, price != nil,
                   let quote = pricing.priceBook.quote(provider: row.provider, model: row.model, tokenType: type, tier: row.tier, band: row.band,
                                                       at: row.stretchStart) {
                    v.cost = (v.cost ?? .zero) + ExactDecimal(q) * quote.perUnit
                }
                lines[key] = v
                // Requests are charged only where priced; unpriced tokens block the invoice.
                if ok && price == nil && type != .request { totals.unpricedQuantity += q }
            }
        }
        let unordered = lines.map { k, v in
            UsageSummaryLine(provider: k.provider, model: k.model, tier: k.tier, tokenType: k.tokenType, serviceID: k.serviceID,
                             unitPrice: k.unitPrice, quantity: v.ok, errorQuantity: v.error,
                             charge: k.unitPrice.map { ExactDecimal(v.ok) * $0 }, upstreamCost: v.cost, band: k.band,
                             from: v.from, through: v.through)
        }
        // Positions are sorted, not the lines: a line is a dozen words that a sort would move
        // again and again.
        let out = unordered.indices.sorted { Self.order(unordered[$0], unordered[$1]) }.map { unordered[$0] }
        totals.cost = out.reduce(.zero) { $0 + ($1.charge ?? .zero) }
        for t in trials {
            guard let service = pricing.services[t.serviceID] else { continue }
            totals.trialCredit += ExactDecimal(t.freeInput) * service.promptPricePer1K.shifted(right: 3)
                + ExactDecimal(t.freeOutput) * service.completionPricePer1K.shifted(right: 3)
        }
        totals.cost -= totals.trialCredit
        project(&totals)
        return (out, totals)
    }

    /// Run rate so far times the period's length: elapsed days are the period's days up to `asOf`.
    func project(_ t: inout PeriodTotals) {
        let elapsed = Int64(min(max(t.asOf.ordinal - t.period.firstDay.ordinal + 1, 1), t.period.dayCount))
        let days = Int64(t.period.dayCount)
        t.projectedTokens = ExactDecimal(t.tokens * days).divided(by: elapsed, places: 0).exactInteger ?? t.tokens
        t.projectedCalls = ExactDecimal(t.calls * days).divided(by: elapsed, places: 0).exactInteger ?? t.calls
        t.projectedCost = (t.cost * ExactDecimal(days)).divided(by: elapsed, places: 2)
    }

    /// Field by field, stopping at the first that differs: a tuple comparison builds and
    /// compares every element, which made sorting a large month's lines a visible cost.
    public static func order(_ a: UsageSummaryLine, _ b: UsageSummaryLine) -> Bool {
        if a.serviceID != b.serviceID { return a.serviceID < b.serviceID }
        if a.provider != b.provider { return a.provider < b.provider }
        if a.model != b.model { return a.model < b.model }
        if a.tier != b.tier { return a.tier < b.tier }
        if a.tokenType != b.tokenType { return a.tokenType < b.tokenType }
        if a.band != b.band { return a.band < b.band }
        return (a.unitPrice ?? .zero) < (b.unitPrice ?? .zero)
    }
}
