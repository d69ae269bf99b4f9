import Testing
@testable import SettleCore

/// Each reconciliation status, the tolerance edges on both sides, model totals, aliases and
/// restated reports.
@Suite struct ReconcilerTests {
    let day = UTCDay("2026-10-25")!
    func money(_ s: String) -> ExactDecimal { ExactDecimal(s)! }

    /// gpt-4o: input $2.50/1M, output $10.00/1M; requests of "search-model" $5 per 1K.
    var book: PriceBook {
        let from = UTCDay("2026-01-01")!.start
        return PriceBook(rows: [
            PriceRow(provider: "openai", model: "gpt-4o", tokenType: .input, tier: .standard, price: money("2.50"), per: .perMillion, effectiveFrom: from),
            PriceRow(provider: "openai", model: "gpt-4o", tokenType: .output, tier: .standard, price: money("10.00"), per: .perMillion, effectiveFrom: from),
            PriceRow(provider: "openai", model: "search-model", tokenType: .request, tier: .standard, price: money("5"), per: .perThousand, effectiveFrom: from),
            PriceRow(provider: "openai", model: "search-model", tokenType: .input, tier: .standard, price: money("1"), per: .perMillion, effectiveFrom: from),
        ], tierMultipliers: [.batch: money("0.5")])
    }

    func reconciler(pct: String = "0.1", abs: Int64 = 0, cost: String = "0.01") -> Reconciler {
        var settings = ReconcileSettings()
        settings.tokenTolerancePct = money(pct)
        settings.tokenToleranceAbs = abs
        settings.costTolerance = money(cost)
        return Reconciler(priceBook: book, settings: settings, aliases: ["openai": ["gpt-4o-latest": "gpt-4o"]])
    }

    func gateway(_ model: String = "gpt-4o", tier: Tier = .standard, input: Int64 = 0, output: Int64 = 0, requests: Int64 = 0) -> GatewayTotal {
        GatewayTotal(day: day, provider: "openai", model: model, tier: tier, events: 1, input: input, output: output, requests: requests)
    }

    func bill(_ type: TokenType?, tier: Tier = .standard, quantity: Int64? = nil, cost: String? = nil) -> BillLine {
        bill("gpt-4o", type, tier: tier, quantity: quantity, cost: cost)
    }

    func bill(_ model: String, _ type: TokenType?, tier: Tier = .standard, quantity: Int64? = nil, cost: String? = nil) -> BillLine {
        BillLine(provider: "openai", day: day, model: model, tier: tier, tokenType: type, quantity: quantity, cost: cost.map { money($0) })
    }

    func cells(_ r: Reconciler? = nil, gateway: [GatewayTotal], bills: [BillLine], providers: Set<String> = ["openai"]) -> [ReconciliationCell] {
        (r ?? reconciler()).reconcile(days: day...day, providers: providers, gateway: gateway, bills: bills)
    }

    @Test func aCellThatAgreesIsMatched() {
        let c = cells(gateway: [gateway(input: 1_000_000, output: 200_000)],
                      bills: [bill(.input, quantity: 1_000_000, cost: "2.50"), bill(.output, quantity: 200_000, cost: "2.00")])
        #expect(c.map(\.status) == [.matched, .matched])
        #expect(c[0].expectedCost == money("2.50"))
        #expect(c[0].quantityDiff == 0 && c[0].costDiff == .zero && c[0].moneyAtRisk == .zero)
    }

    @Test func billedButNotLoggedIsMissingInGateway() {
        let c = cells(gateway: [], bills: [bill(.output, quantity: 100_000, cost: "1.00"), bill("web search tool calls", nil, cost: "3.10")])
        #expect(c.map(\.status) == [.missingInGateway, .missingInGateway])
        #expect(c.map(\.model) == ["gpt-4o", "web search tool calls"])
        #expect(c[0].gatewayQuantity == 0 && c[0].quantityDiff == 100_000)
        #expect(c.map(\.moneyAtRisk) == [money("1.00"), money("3.10")])
    }

    @Test func loggedButNotBilledIsMissingInBill() {
        // A listed provider with no report at all for the day: every cell is missing_in_bill.
        let c = cells(gateway: [gateway(input: 400_000, output: 1_000)], bills: [])
        #expect(c.map(\.status) == [.missingInBill, .missingInBill])
        #expect(c[0].billedQuantity == nil && c[0].expectedCost == money("1.00"))
        #expect(c[0].moneyAtRisk == money("1.00"))
        // A zero line is no bill either.
        #expect(cells(gateway: [gateway(input: 10)], bills: [bill(.input, quantity: 0, cost: "0")]).map(\.status) == [.missingInBill])
    }

    @Test func tokenToleranceEdgesOnBothSides() {
        // 0.1 % of 1,000,000 billed is 1,000 tokens: 1,000 off is within, 1,001 is not.
        let r = reconciler(pct: "0.1", abs: 0)
        for (logged, status) in [(Int64(999_000), ReconciliationStatus.matched), (998_999, .tokenMismatch),
                                 (1_001_000, .matched), (1_001_001, .tokenMismatch)] {
            let c = cells(r, gateway: [gateway(input: logged)], bills: [bill(.input, quantity: 1_000_000, cost: "2.50")])
            #expect(c.map(\.status) == [status], "gateway \(logged)")
        }
        // The absolute tolerance wins where it is larger: 50 tokens on a 1,000-token cell.
        let abs = reconciler(pct: "0.1", abs: 50)
        #expect(cells(abs, gateway: [gateway(input: 1_050)], bills: [bill(.input, quantity: 1_000)]).map(\.status) == [.matched])
        #expect(cells(abs, gateway: [gateway(input: 1_051)], bills: [bill(.input, quantity: 1_000)]).map(\.status) == [.tokenMismatch])
        let c = cells(abs, gateway: [gateway(input: 1_051)], bills: [bill(.input, quantity: 1_000)])[0]
        #expect(c.quantityDiff == -51)
        #expect(c.moneyAtRisk == money("0.0001275"))   // 51 tokens at $2.50/1M
    }

    @Test func costToleranceEdgesOnBothSides() {
        // Expected: 1,000,000 × $2.50/1M = $2.50; tolerance one cent, exactly.
        for (billed, status) in [("2.51", ReconciliationStatus.matched), ("2.510001", .costMismatch),
                                 ("2.49", .matched), ("2.489999", .costMismatch)] {
            let c = cells(gateway: [gateway(input: 1_000_000)], bills: [bill(.input, quantity: 1_000_000, cost: billed)])
            #expect(c.map(\.status) == [status], "billed \(billed)")
        }
        let c = cells(gateway: [gateway(input: 1_000_000)], bills: [bill(.input, quantity: 1_000_000, cost: "3.00")])[0]
        #expect(c.costDiff == money("0.50") && c.moneyAtRisk == money("0.50"))
    }

    @Test func aCellWithNoPriceIsUnpriced() {
        let c = cells(gateway: [gateway("gpt-5-preview", input: 100)], bills: [bill("gpt-5-preview", .input, quantity: 100, cost: "0.01")])
        #expect(c.map(\.status) == [.unpriced])
        #expect(c[0].expectedCost == nil && c[0].costDiff == nil && c[0].moneyAtRisk == money("0.01"))
    }

    @Test func theFirstStatusThatAppliesWins() {
        // Tokens and cost both off: token_mismatch comes first.
        let c = cells(gateway: [gateway(input: 500)], bills: [bill(.input, quantity: 1_000_000, cost: "9.99")])
        #expect(c.map(\.status) == [.tokenMismatch])
        // Unpriced but tokens off: token_mismatch.
        #expect(cells(gateway: [gateway("new", input: 10)], bills: [bill("new", .input, quantity: 20)]).map(\.status) == [.tokenMismatch])
    }

    @Test func expectedCostUsesTheGatewayQuantityWhenTheBillHasNone() {
        // A cost report alone: no quantity to compare, the cost against the gateway's tokens.
        let c = cells(gateway: [gateway(output: 300_000)], bills: [bill(.output, cost: "3.00")])
        #expect(c[0].status == .matched && c[0].expectedCost == money("3.00") && c[0].billedQuantity == nil)
        #expect(cells(gateway: [gateway(output: 300_000)], bills: [bill(.output, cost: "3.02")])[0].status == .costMismatch)
    }

    @Test func aliasesTiersAndTheTierMultiplier() {
        let c = cells(gateway: [gateway(tier: .batch, input: 1_000_000)],
                      bills: [bill("gpt-4o-latest", .input, tier: .batch, quantity: 1_000_000, cost: "1.25")])
        #expect(c.count == 1)
        #expect(c[0].model == "gpt-4o" && c[0].tier == .batch && c[0].status == .matched)
        #expect(c[0].expectedCost == money("1.25"))
    }

    @Test func aModelTotalComparesWithTheSumOfItsTokenCells() {
        // OpenRouter-style: tokens per type, one cost for the model.
        let g = [GatewayTotal(day: day, provider: "openrouter", model: "gpt-4o", tier: .standard, events: 2, input: 1_000_000, output: 100_000)]
        var r = reconciler()
        r.priceBook = PriceBook(rows: [
            PriceRow(provider: "openrouter", model: "gpt-4o", tokenType: .input, tier: .standard, price: money("2.50"), per: .perMillion,
                     effectiveFrom: UTCDay("2026-01-01")!.start),
            PriceRow(provider: "openrouter", model: "gpt-4o", tokenType: .output, tier: .standard, price: money("10"), per: .perMillion,
                     effectiveFrom: UTCDay("2026-01-01")!.start),
        ])
        func lines(_ cost: String) -> [BillLine] {
            [BillLine(provider: "openrouter", day: day, model: "gpt-4o", tokenType: .input, quantity: 1_000_000),
             BillLine(provider: "openrouter", day: day, model: "gpt-4o", tokenType: .output, quantity: 100_000),
             BillLine(provider: "openrouter", day: day, model: "gpt-4o", tokenType: nil, cost: money(cost))]
        }
        let ok = r.reconcile(days: day...day, providers: ["openrouter"], gateway: g, bills: lines("3.50"))
        #expect(ok.map(\.status) == [.matched, .matched, .matched])
        #expect(ok[2].isModelTotal && ok[2].expectedCost == money("3.50") && ok[2].billedQuantity == nil)
        let off = r.reconcile(days: day...day, providers: ["openrouter"], gateway: g, bills: lines("3.60"))
        #expect(off.map(\.status) == [.matched, .matched, .costMismatch])
        // The summary does not count the model's expected cost twice.
        #expect(ReconciliationSummary.of(off)[0].expectedCost == money("3.50"))
        #expect(ReconciliationSummary.of(off)[0].moneyAtRisk == money("0.10"))
    }

    @Test func requestsAreReconciledOnlyWherePricedOrBilled() {
        let g = [gateway(input: 100, requests: 7), gateway("search-model", input: 100, requests: 3)]
        let c = cells(gateway: g, bills: [bill(.input, quantity: 100), bill("search-model", .input, quantity: 100),
                                          bill("search-model", .request, quantity: 3, cost: "0.015")])
        #expect(c.map { "\($0.model) \($0.tokenType!.rawValue) \($0.status.rawValue)" } == [
            "gpt-4o input matched", "search-model input matched", "search-model request matched",
        ])
    }

    @Test func providersNotReconciledAreLeftOut() {
        let c = cells(gateway: [gateway(input: 5)], bills: [bill(.input, quantity: 5)], providers: ["anthropic"])
        #expect(c.isEmpty)
    }

    @Test func aNewerReportReplacesTheOlderPerProviderDayAndSide() {
        let d = day, next = day.adding(days: 1)
        func line(_ day: UTCDay, q: Int64? = nil, c: String? = nil, correction: Bool = false) -> BillLine {
            BillLine(provider: "openai", day: day, model: "gpt-4o", tokenType: .input, quantity: q, cost: c.map { money($0) }, correction: correction)
        }
        let stored = [
            StoredBillLine(bill: 1, line: line(d, q: 100)),            // usage report, both days
            StoredBillLine(bill: 1, line: line(next, q: 200)),
            StoredBillLine(bill: 2, line: line(d, c: "1.00")),         // cost report
            StoredBillLine(bill: 3, line: line(d, q: 110)),            // restated usage of the first day
            StoredBillLine(bill: 4, line: line(d, c: "-0.10", correction: true)),  // a FOCUS correction
        ]
        let current = BillRestatement.current(stored)
        #expect(current == [line(next, q: 200), line(d, c: "1.00"), line(d, q: 110), line(d, c: "-0.10", correction: true)])
        // A full cost report after the correction absorbs it.
        let later = BillRestatement.current(stored + [StoredBillLine(bill: 5, line: line(d, c: "0.95"))])
        #expect(later == [line(next, q: 200), line(d, q: 110), line(d, c: "0.95")])
    }

    /// A price cut at noon: the morning's tokens at the old price, the afternoon's at the new,
    /// as aggregation prices them; a bill that charged exactly that matches.
    @Test func aNoonPriceChangePricesEachStretchAtItsOwnPrice() {
        let noon = Timestamp(rfc3339: "2026-10-25T12:00:00Z")!
        let from = UTCDay("2026-01-01")!.start
        let cut = PriceBook(rows: [
            PriceRow(provider: "openai", model: "gpt-4o", tokenType: .input, tier: .standard, price: money("2.50"), per: .perMillion, effectiveFrom: from),
            PriceRow(provider: "openai", model: "gpt-4o", tokenType: .input, tier: .standard, price: money("2.00"), per: .perMillion, effectiveFrom: noon),
        ])
        var settings = ReconcileSettings()
        settings.costTolerance = money("0.01")
        let r = Reconciler(priceBook: cut, settings: settings)
        let morning = GatewayTotal(day: day, provider: "openai", model: "gpt-4o", tier: .standard, events: 1, input: 1_000_000)
        let afternoon = GatewayTotal(day: day, stretchStart: noon, provider: "openai", model: "gpt-4o", tier: .standard, events: 1, input: 1_000_000)
        let matched = r.reconcile(days: day...day, providers: ["openai"], gateway: [morning, afternoon],
                                  bills: [bill(.input, quantity: 2_000_000, cost: "4.50")])
        #expect(matched.map(\.status) == [.matched])
        #expect(matched.first?.expectedCost == money("4.50"))   // 1M × 2.50 + 1M × 2.00, not 2M × 2.50
        // Billed 100 tokens more than metered: those at the day's last price.
        let more = r.reconcile(days: day...day, providers: ["openai"], gateway: [morning, afternoon],
                               bills: [bill(.input, quantity: 2_000_100, cost: "4.5002")])
        #expect(more.first?.expectedCost == money("4.5002") && more.first?.status == .matched)
    }

    /// A report that does not split prompt-size bands or one-hour cache writes (FOCUS, OpenAI's
    /// usage, CUR) is compared at its own grain: the gateway's parts are added into its cells,
    /// each priced at its own band's and type's price.
    @Test func reportsThatDoNotSplitBandsOrOneHourWritesMeetTheGatewayAtTheirGrain() {
        let from = UTCDay("2026-01-01")!.start
        func row(_ type: TokenType, _ price: String, band: Int64? = nil) -> PriceRow {
            PriceRow(provider: "google", model: "gemini-2.5-pro", tokenType: type, tier: .standard, price: money(price), per: .perMillion,
                     effectiveFrom: from, band: band)
        }
        let book = PriceBook(rows: [row(.input, "1.25"), row(.input, "2.50", band: 200_000), row(.cacheWrite, "1.00"), row(.cacheWrite1h, "2.00")])
        var settings = ReconcileSettings()
        settings.costTolerance = money("0.01")
        let r = Reconciler(priceBook: book, settings: settings)
        let short = GatewayTotal(day: day, provider: "google", model: "gemini-2.5-pro", tier: .standard, events: 1, input: 1_000_000,
                                 cacheWrite: 300_000, cacheWrite1h: 200_000)
        let long = GatewayTotal(day: day, provider: "google", model: "gemini-2.5-pro", tier: .standard, band: 200_000, events: 1, input: 1_000_000)
        let cells = r.reconcile(days: day...day, providers: ["google"], gateway: [short, long], bills: [
            BillLine(provider: "google", day: day, model: "gemini-2.5-pro", tokenType: .input, quantity: 2_000_000, cost: money("3.75")),
            BillLine(provider: "google", day: day, model: "gemini-2.5-pro", tokenType: .cacheWrite, quantity: 500_000, cost: money("0.70")),
        ])
        // input: 1M × 1.25 + 1M × 2.50 = 3.75; cache writes: 300,000 × 1.00 + 200,000 × 2.00 = 0.70.
        #expect(cells.map { "\($0.band) \($0.tokenType?.rawValue ?? "") \($0.gatewayQuantity) \(($0.expectedCost ?? .zero).normalized) \($0.status.rawValue)" }
                == ["0 input 2000000 3.75 matched", "0 cache_write 500000 0.7 matched"])
        // A report that names a band the book does not have for the model meets the standard band.
        #expect(r.bookBand(200_000, provider: "google", model: "gemini-2.5-flash") == 0)
        #expect(r.bookBand(BillLine.longContext, provider: "google", model: "gemini-2.5-pro") == 200_000)
        #expect(r.bookBand(1_000_000, provider: "google", model: "gemini-2.5-pro") == 200_000)
    }
}

