/// The reconciliation rules of PRODUCT.md: what the gateway metered against what each provider
/// billed, per UTC day, provider, model (after aliases), tier and token type.
///
/// Each cell gets the first status that applies: missing_in_gateway, missing_in_bill,
/// token_mismatch (|gateway − billed| > max(abs, pct % of billed)), cost_mismatch
/// (|billed − expected| > cost tolerance), unpriced, matched. Expected cost is the billed
/// quantity (else the gateway's) times the price in force at the start of the UTC day.
public struct Reconciler: Sendable {
    public var priceBook: PriceBook
    public var settings: ReconcileSettings
    /// provider → (provider-report model name → gateway model name)
    public var aliases: [String: [String: String]]

    public init(priceBook: PriceBook, settings: ReconcileSettings, aliases: [String: [String: String]] = [:]) {
        self.priceBook = priceBook
        self.settings = settings
        self.aliases = aliases
    }

    struct CellKey: Hashable {
        var day: UTCDay
        var provider: String
        var model: String
        var tier: Tier
        var tokenType: TokenType?
        var model4: ModelKey { ModelKey(day: day, provider: provider, model: model, tier: tier) }
    }

    struct ModelKey: Hashable {
        var day: UTCDay
        var provider: String
        var model: String
        var tier: Tier
    }

    struct Billed {
        var quantity: Int64?
        var cost: ExactDecimal?
        /// Anything to reconcile: a non-zero quantity or cost. Providers list models with zeros.
        var isBilled: Bool { (quantity ?? 0) != 0 || !(cost ?? .zero).isZero }
    }

    /// The model name the gateway uses for a provider report's model.
    public func gatewayModel(provider: String, reportModel: String) -> String {
        aliases[provider]?[reportModel] ?? reportModel
    }

    /// Every cell of `providers` whose day is in `days`, sorted.
    public func reconcile(days: ClosedRange<UTCDay>, providers: Set<String>, gateway: [GatewayTotal],
                          bills: [BillLine]) -> [ReconciliationCell] {
        var billed: [CellKey: Billed] = [:]
        for line in bills where days.contains(line.day) && providers.contains(line.provider) {
            let key = CellKey(day: line.day, provider: line.provider,
                              model: gatewayModel(provider: line.provider, reportModel: line.model),
                              tier: line.tier, tokenType: line.tokenType)
            var b = billed[key] ?? Billed()
            if let q = line.quantity { b.quantity = (b.quantity ?? 0) + q }
            if let c = line.cost { b.cost = (b.cost ?? .zero) + c }
            billed[key] = b
        }
        var metered: [CellKey: Int64] = [:]
        var meteredModels: Set<ModelKey> = []
        for total in gateway where days.contains(total.day) && providers.contains(total.provider) {
            for type in TokenType.allCases {
                let q = total.quantity(of: type)
                guard q != 0 else { continue }
                let key = CellKey(day: total.day, provider: total.provider, model: total.model, tier: total.tier, tokenType: type)
                // Requests are a billing unit only where something prices or bills them.
                if type == .request && billed[key] == nil
                    && priceBook.quote(provider: total.provider, model: total.model, tokenType: .request, tier: total.tier,
                                       at: total.day.start) == nil {
                    continue
                }
                metered[key, default: 0] += q
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
            let g = metered[key] ?? 0
            guard b.isBilled || g != 0 else { continue }
            cells.append(tokenCell(key, type: type, gateway: g, billed: b))
        }
        // A model total compares with the token cells of its model, so it comes after them.
        var expectedByModel: [ModelKey: ExactDecimal?] = [:]
        for cell in cells {
            let k = ModelKey(day: cell.day, provider: cell.provider, model: cell.model, tier: cell.tier)
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
                cells.append(ReconciliationCell(day: key.day, provider: key.provider, model: key.model, tier: key.tier,
                    tokenType: nil, gatewayQuantity: 0, billedQuantity: b.quantity, expectedCost: nil, billedCost: b.cost,
                    status: .missingInGateway, moneyAtRisk: (b.cost ?? .zero).magnitude))
            }
        }
        return cells.sorted(by: <)
    }

    private func tokenCell(_ key: CellKey, type: TokenType, gateway g: Int64, billed b: Billed) -> ReconciliationCell {
        let quote = priceBook.quote(provider: key.provider, model: key.model, tokenType: type, tier: key.tier, at: key.day.start)
        let basis = b.quantity ?? g
        let expected = quote.map { ExactDecimal(basis) * $0.perUnit }
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
            risk = quote.map { (ExactDecimal(bq - g) * $0.perUnit).magnitude } ?? .zero
        } else {
            (status, risk) = costVerdict(billed: b.cost, expected: expected)
        }
        return ReconciliationCell(day: key.day, provider: key.provider, model: key.model, tier: key.tier, tokenType: type,
                                  gatewayQuantity: g, billedQuantity: b.quantity, expectedCost: expected, billedCost: b.cost,
                                  status: status, moneyAtRisk: risk)
    }

    private func modelTotalCell(_ key: CellKey, billed b: Billed, expected: ExactDecimal?) -> ReconciliationCell {
        let (status, risk) = costVerdict(billed: b.cost, expected: expected)
        return ReconciliationCell(day: key.day, provider: key.provider, model: key.model, tier: key.tier, tokenType: nil,
                                  gatewayQuantity: 0, billedQuantity: nil, expectedCost: expected, billedCost: b.cost,
                                  status: status, moneyAtRisk: risk, isModelTotal: true)
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
