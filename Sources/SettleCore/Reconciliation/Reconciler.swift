/// The reconciliation rules of PRODUCT.md: what the gateway metered against what each provider
/// billed, per UTC day, provider, model (after aliases), tier and token type.
///
/// Each cell gets the first status that applies: missing_in_gateway, missing_in_bill,
/// token_mismatch (|gateway − billed| > max(abs, pct % of billed)), cost_mismatch
/// (|billed − expected| > cost tolerance), unpriced, matched. Expected cost is the gateway's
/// units priced the way aggregation prices usage: each price stretch of each day (a day splits
/// where a price changes inside it) at the price in force then; what the bill counts beyond (or
/// short of) the gateway at the last price of the cell's last day. A cell of a longer charge
/// period sums the gateway's days the same way.
public struct Reconciler: Sendable {
    public var priceBook: PriceBook
    public var settings: ReconcileSettings
    /// provider → (provider-bill model name → gateway model name)
    public var aliases: [String: [String: String]]

    public init(priceBook: PriceBook, settings: ReconcileSettings, aliases: [String: [String: String]] = [:]) {
        self.priceBook = priceBook
        self.settings = settings
        self.aliases = aliases
    }

    struct CellKey: Hashable {
        var span: ChargeSpan
        var provider: String
        var model: String
        var tier: Tier
        var band: Int64
        var tokenType: TokenType?
        var model4: ModelKey { ModelKey(span: span, provider: provider, model: model, tier: tier) }
    }

    struct ModelKey: Hashable {
        var span: ChargeSpan
        var provider: String
        var model: String
        var tier: Tier
    }

    struct Billed {
        var quantity: Int64?
        var cost: ExactDecimal?
        /// The rates lines billed in another currency were converted at, oldest first.
        var rates: [ExchangeRate] = []
        /// Anything to reconcile: a non-zero quantity or cost. Providers list models with zeros.
        var isBilled: Bool { (quantity ?? 0) != 0 || !(cost ?? .zero).isZero }
    }

    /// What the gateway metered for one cell, and in which price stretch, band and token type:
    /// each part is priced with its own price (a cell of a bill that does not split bands or
    /// one-hour cache writes holds the gateway's parts of all of them).
    struct Metered {
        var total: Int64 = 0
        var parts: [Part: Int64] = [:]
    }

    struct Part: Hashable {
        var stretch: Timestamp
        var band: Int64
        var type: TokenType
    }

    /// The model name the gateway uses for a provider bill's model.
    public func gatewayModel(provider: String, reportModel: String) -> String {
        aliases[provider]?[reportModel] ?? reportModel
    }

    /// Every cell of `providers` that is reconciled with the days `days`, sorted: the one-day
    /// cells of those days, and the cells of every longer charge period whose last day is one of
    /// them (see `ChargePeriods`).
    ///
    /// `gateway` must cover the periods' earlier days too. `billsByPeriod` names providers that
    /// bill by period, with the last day of their latest period: on a later day that no day line
    /// of theirs bills, their usage waits for the next period's bill instead of being
    /// `missing_in_bill` every night (`ChargePeriods.overdue` says when it is late).
    public func reconcile(days: ClosedRange<UTCDay>, providers: Set<String>, gateway: [GatewayTotal],
                          bills: [BillLine], billsByPeriod: [String: UTCDay] = [:]) -> [ReconciliationCell] {
        let bills = bills.filter { providers.contains($0.provider) }
        let periods = ChargePeriods(bills)
        let dayBilled = Set(bills.filter { $0.through == nil }.map { ProviderDay(provider: $0.provider, day: $0.day) })
        var billed: [CellKey: Billed] = [:]
        for line in bills {
            let span = periods.span(of: line)
            guard days.contains(span.last) else { continue }
            let model = gatewayModel(provider: line.provider, reportModel: line.model)
            let key = CellKey(span: span, provider: line.provider, model: model, tier: line.tier,
                              band: bookBand(line.band, provider: line.provider, model: model), tokenType: line.tokenType)
            var b = billed[key] ?? Billed()
            if let q = line.quantity { b.quantity = (b.quantity ?? 0) + q }
            if let c = line.cost { b.cost = (b.cost ?? .zero) + c }
            if let r = line.exchangeRate, !b.rates.contains(r) {
                b.rates.append(r)
                b.rates.sort { ($0.date, $0.from) < ($1.date, $1.from) }
            }
            billed[key] = b
        }
        // How finely the bills split a model: by band, and one-hour cache writes apart. The
        // gateway's figures are compared at the same grain, never finer.
        let bandedModels = Set(billed.keys.filter { $0.band != 0 }.map(\.model4))
        let oneHourModels = Set(billed.keys.filter { $0.tokenType == .cacheWrite1h }.map(\.model4))
        var metered: [CellKey: Metered] = [:]
        var meteredModels: Set<ModelKey> = []
        for total in gateway where providers.contains(total.provider) {
            let covering = periods.covering(provider: total.provider, day: total.day)
            if covering == nil, let latest = billsByPeriod[total.provider], total.day > latest,
               !dayBilled.contains(ProviderDay(provider: total.provider, day: total.day)) {
                continue
            }
            let span = covering ?? ChargeSpan(day: total.day)
            guard days.contains(span.last) else { continue }
            let model4 = ModelKey(span: span, provider: total.provider, model: total.model, tier: total.tier)
            let band = bandedModels.contains(model4) ? total.band : 0
            for type in TokenType.allCases {
                let q = total.quantity(of: type)
                guard q != 0 else { continue }
                let cellType: TokenType = type == .cacheWrite1h && !oneHourModels.contains(model4) ? .cacheWrite : type
                let key = CellKey(span: span, provider: total.provider, model: total.model, tier: total.tier, band: band, tokenType: cellType)
                // Requests are a billing unit only where something prices or bills them.
                if type == .request && billed[key] == nil
                    && priceBook.quote(provider: total.provider, model: total.model, tokenType: .request, tier: total.tier, band: total.band,
                                       at: total.stretchStart) == nil {
                    continue
                }
                metered[key, default: Metered()].total += q
                metered[key, default: Metered()].parts[Part(stretch: total.stretchStart, band: total.band, type: type), default: 0] += q
                meteredModels.insert(key.model4)
            }
        }

        var cells: [ReconciliationCell] = []
        var modelTotals: [CellKey] = []
        for key in Set(billed.keys).union(metered.keys) {
            guard let type = key.tokenType else {
                modelTotals.append(key)
                continue
            }
            let b = billed[key] ?? Billed()
            let g = metered[key] ?? Metered()
            guard b.isBilled || g.total != 0 else { continue }
            cells.append(tokenCell(key, type: type, gateway: g, billed: b))
        }
        // A model total compares with the token cells of its model, so it comes after them.
        var expectedByModel: [ModelKey: ExactDecimal?] = [:]
        for cell in cells {
            let k = ModelKey(span: ChargeSpan(cell), provider: cell.provider, model: cell.model, tier: cell.tier)
            let sum: ExactDecimal?? = expectedByModel[k]
            switch (sum, cell.expectedCost) {
            case (.none, let e): expectedByModel[k] = e
            case (.some(.some(let s)), .some(let e)): expectedByModel[k] = s + e
            default: expectedByModel[k] = .some(nil)
            }
        }
        for key in modelTotals {
            let b = billed[key]!
            guard b.isBilled else { continue }
            if meteredModels.contains(key.model4) {
                cells.append(modelTotalCell(key, billed: b, expected: expectedByModel[key.model4] ?? nil))
            } else {
                var cell = ReconciliationCell(day: key.span.first, through: key.span.through, provider: key.provider, model: key.model,
                    tier: key.tier, tokenType: nil, gatewayQuantity: 0, billedQuantity: b.quantity, expectedCost: nil,
                    billedCost: b.cost, status: .missingInGateway, moneyAtRisk: (b.cost ?? .zero).magnitude)
                cell.band = key.band
                cell.exchangeRates = b.rates
                cells.append(cell)
            }
        }
        return cells.sorted(by: <)
    }

    struct ProviderDay: Hashable {
        var provider: String
        var day: UTCDay
    }

    /// The expected cost of `basis` units: each stretch's metered units at the price in force
    /// at its start, and what the bill counts beyond (or short of) the gateway at the last price
    /// of the period's last day. nil when a needed price is missing.
    func expectedCost(_ key: CellKey, type: TokenType, metered g: Metered, basis: Int64) -> ExactDecimal? {
        func price(_ at: Timestamp, band: Int64, type: TokenType) -> ExactDecimal? {
            priceBook.quote(provider: key.provider, model: key.model, tokenType: type, tier: key.tier, band: band, at: at)?.perUnit
        }
        var sum = ExactDecimal.zero
        for (part, q) in g.parts {
            guard let p = price(part.stretch, band: part.band, type: part.type) else { return nil }
            sum += ExactDecimal(q) * p
        }
        let rest = basis - g.total
        let last = price(lastPriceInstant(key), band: key.band, type: type)
        guard rest != 0 else { return g.parts.isEmpty ? last.map { _ in .zero } : sum }
        guard let last else { return nil }
        return sum + ExactDecimal(rest) * last
    }

    /// The book's band for a bill's: a band the bill names (Anthropic's `200k-1M`) is the
    /// model's highest band at or under it; "long context" without a size the model's highest;
    /// a model without bands has only the standard band.
    func bookBand(_ reported: Int64, provider: String, model: String) -> Int64 {
        guard reported != 0 else { return 0 }
        let thresholds = priceBook.bands.thresholds(provider: provider, model: model)
        if reported == BillLine.longContext { return thresholds.last ?? 0 }
        return thresholds.last { $0 <= reported } ?? 0
    }

    /// When the last price of a cell's last day comes into force: its last price change inside
    /// the day, else the day's start.
    func lastPriceInstant(_ key: CellKey) -> Timestamp {
        priceBook.changes(within: key.span.last).last ?? key.span.last.start
    }

    private func tokenCell(_ key: CellKey, type: TokenType, gateway metered: Metered, billed b: Billed) -> ReconciliationCell {
        let g = metered.total
        let lastPrice = priceBook.quote(provider: key.provider, model: key.model, tokenType: type, tier: key.tier, band: key.band,
                                        at: lastPriceInstant(key))?.perUnit
        let expected = expectedCost(key, type: type, metered: metered, basis: b.quantity ?? g)
        let status: ReconciliationStatus
        let risk: ExactDecimal
        if g == 0 {
            status = .missingInGateway
            risk = (b.cost ?? expected ?? .zero).magnitude
        } else if !b.isBilled {
            status = .missingInBill
            risk = expected ?? .zero
        } else if let bq = b.quantity, exceedsTokenTolerance(gateway: g, billed: bq) {
            status = .tokenMismatch
            risk = lastPrice.map { (ExactDecimal(bq - g) * $0).magnitude } ?? .zero
        } else {
            (status, risk) = costVerdict(billed: b.cost, expected: expected)
        }
        var cell = ReconciliationCell(day: key.span.first, through: key.span.through, provider: key.provider, model: key.model,
                                      tier: key.tier, tokenType: type, gatewayQuantity: g, billedQuantity: b.quantity,
                                      expectedCost: expected, billedCost: b.cost, status: status, moneyAtRisk: risk)
        cell.band = key.band
        cell.exchangeRates = b.rates
        return cell
    }

    private func modelTotalCell(_ key: CellKey, billed b: Billed, expected: ExactDecimal?) -> ReconciliationCell {
        let (status, risk) = costVerdict(billed: b.cost, expected: expected)
        var cell = ReconciliationCell(day: key.span.first, through: key.span.through, provider: key.provider, model: key.model,
                                  tier: key.tier, tokenType: nil, gatewayQuantity: 0, billedQuantity: nil, expectedCost: expected, billedCost: b.cost,
                                  status: status, moneyAtRisk: risk, isModelTotal: true)
        cell.band = key.band
        cell.exchangeRates = b.rates
        return cell
    }

    /// The last three checks, once both sides are there: cost_mismatch, unpriced, matched.
    func costVerdict(billed: ExactDecimal?, expected: ExactDecimal?) -> (ReconciliationStatus, ExactDecimal) {
        if let billed, let expected, (billed - expected).magnitude > settings.costTolerance {
            return (.costMismatch, (billed - expected).magnitude)
        }
        guard expected != nil else { return (.unpriced, (billed ?? .zero).magnitude) }
        return (.matched, .zero)
    }

    /// |gateway − billed| > max(token_tolerance_abs, token_tolerance_pct % of billed), exactly.
    public func exceedsTokenTolerance(gateway: Int64, billed: Int64) -> Bool {
        let diff = ExactDecimal(gateway - billed).magnitude
        let relative = settings.tokenTolerancePct.percent(of: ExactDecimal(billed))
        let allowed = max(ExactDecimal(settings.tokenToleranceAbs), relative)
        return diff > allowed
    }
}
