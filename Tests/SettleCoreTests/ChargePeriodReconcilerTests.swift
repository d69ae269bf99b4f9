import Testing
@testable import SettleCore

/// PRODUCT.md, "Charge periods longer than a day": a month billed as one line is reconciled
/// over the month, priced day by day, never also day by day; a newer report for the same
/// period replaces the older one.
@Suite struct ChargePeriodReconcilerTests {
    let first = UTCDay("2025-05-01")!
    let last = UTCDay("2025-05-31")!
    func money(_ s: String) -> ExactDecimal { ExactDecimal(s)! }

    /// atlas output: $30.00/1M until 2025-05-15, $32.00/1M from 2025-05-16; input $5.00/1M.
    var reconciler: Reconciler {
        let from = UTCDay("2025-01-01")!.start
        let book = PriceBook(rows: [
            PriceRow(provider: "solora", model: "atlas", tokenType: .input, tier: .standard, price: money("5.00"), per: .perMillion, effectiveFrom: from),
            PriceRow(provider: "solora", model: "atlas", tokenType: .output, tier: .standard, price: money("30.00"), per: .perMillion, effectiveFrom: from),
            PriceRow(provider: "solora", model: "atlas", tokenType: .output, tier: .standard, price: money("32.00"), per: .perMillion,
                     effectiveFrom: UTCDay("2025-05-16")!.start),
        ])
        return Reconciler(priceBook: book, settings: ReconcileSettings())
    }

    /// One event's worth a day: 3.2M input and 1.6M output tokens (4M and 2M on the 31st).
    var month: [GatewayTotal] {
        UTCDay.days(from: first, through: last).map { d in
            let big = d == last
            return GatewayTotal(day: d, provider: "solora", model: "atlas", tier: .standard, events: 1,
                                input: big ? 4_000_000 : 3_200_000, output: big ? 2_000_000 : 1_600_000)
        }
    }

    func monthLine(_ type: TokenType, _ q: Int64?, _ cost: String) -> BillLine {
        BillLine(provider: "solora", day: first, through: last, model: "atlas", tokenType: type, quantity: q, cost: money(cost))
    }

    @Test func aMonthIsReconciledOverItsDaysEachAtItsOwnPrice() {
        let bills = [monthLine(.input, 100_000_000, "500.00"), monthLine(.output, 50_000_000, "1500.00")]
        let cells = reconciler.reconcile(days: last...last, providers: ["solora"], gateway: month, bills: bills)
        #expect(cells.count == 2)
        #expect(cells.allSatisfy { $0.day == first && $0.through == last })
        let input = cells[0], output = cells[1]
        #expect(input.tokenType == .input && input.gatewayQuantity == 100_000_000 && input.status == .matched)
        #expect(input.expectedCost == money("500"))
        // 15 days × 1.6M at $30 + (15 × 1.6M + 2M) at $32: 720 + 832.
        #expect(output.gatewayQuantity == 50_000_000)
        #expect(output.expectedCost == money("1552"))
        #expect(output.status == .costMismatch && output.moneyAtRisk == money("52"))
    }

    @Test func theMonthWaitsForItsLastDayAndItsDaysAreNeverAlsoCellsOfTheirOwn() {
        let bills = [monthLine(.input, 100_000_000, "500.00")]
        let mid = UTCDay("2025-05-15")!
        #expect(reconciler.reconcile(days: mid...mid, providers: ["solora"], gateway: month, bills: bills).isEmpty)
        #expect(reconciler.reconcile(days: first...UTCDay("2025-05-30")!, providers: ["solora"], gateway: month, bills: bills).isEmpty)
        // A range that ends on the last day holds the period's cells once, and no day cells.
        let all = reconciler.reconcile(days: first...last, providers: ["solora"], gateway: month, bills: bills)
        #expect(all.map(\.tokenType) == [.input, .output])
        #expect(all.allSatisfy { $0.through == last })
        // The output the month does not bill is missing from the bill, over the month.
        #expect(all[1].status == .missingInBill && all[1].gatewayQuantity == 50_000_000)
    }

    @Test func aDayLineInsideTheMonthIsSupersededByTheMonthWhicheverCameFirst() {
        let day = UTCDay("2025-05-10")!
        let month = monthLine(.input, 100_000_000, "500.00")
        let estimate = BillLine(provider: "solora", day: day, model: "atlas", tokenType: .input, quantity: 3_200_000, cost: money("16.00"))
        for (monthReport, dayReport) in [(Int64(2), Int64(1)), (1, 2)] {
            let current = BillRestatement.current([StoredBillLine(bill: monthReport, line: month),
                                                   StoredBillLine(bill: dayReport, line: estimate)])
            #expect(current == [month], "month report \(monthReport), day report \(dayReport)")
            let cells = reconciler.reconcile(days: first...last, providers: ["solora"], gateway: self.month, bills: current)
            let input = cells.first { $0.tokenType == .input }!
            #expect(input.through == last && input.billedQuantity == 100_000_000 && input.billedCost == money("500.00"))
            #expect(input.status == .matched)
            #expect(!cells.contains { $0.through == nil })
        }
        // A correction of a day adds to the month it falls in.
        var correction = estimate
        correction.quantity = -200_000
        correction.cost = money("-1.00")
        correction.correction = true
        let current = BillRestatement.current([StoredBillLine(bill: 1, line: month), StoredBillLine(bill: 2, line: correction)])
        let cells = reconciler.reconcile(days: last...last, providers: ["solora"], gateway: self.month, bills: current)
        #expect(cells.first { $0.tokenType == .input }?.billedQuantity == 99_800_000)
        #expect(cells.first { $0.tokenType == .input }?.billedCost == money("499.00"))
    }

    @Test func aNewerPeriodThatOverlapsAnOlderOneReplacesIt() {
        let half = BillLine(provider: "solora", day: first, through: UTCDay("2025-05-15")!, model: "atlas", tokenType: .input,
                            quantity: 48_000_000, cost: money("240.00"))
        let current = BillRestatement.current([StoredBillLine(bill: 1, line: monthLine(.input, 100_000_000, "500.00")),
                                               StoredBillLine(bill: 2, line: half)])
        #expect(current == [half])
    }

    @Test func aProviderThatBillsByTheMonthIsNotMissingInBillEveryDayUntilItsReportIsDue() {
        let june = UTCDay("2025-06-03")!, april = UTCDay("2025-04-20")!
        let usage = [june, april].map {
            GatewayTotal(day: $0, provider: "solora", model: "atlas", tier: .standard, events: 1, input: 10, output: 5)
        }
        let byPeriod = ["solora": last]
        // After its latest month, usage waits for the next month's report.
        #expect(reconciler.reconcile(days: june...june, providers: ["solora"], gateway: usage, bills: [], billsByPeriod: byPeriod).isEmpty)
        // A day before it that no report covers is missing from the bills, as for any provider.
        let gap = reconciler.reconcile(days: april...april, providers: ["solora"], gateway: usage, bills: [], billsByPeriod: byPeriod)
        #expect(gap.map(\.status) == [.missingInBill, .missingInBill])
        let daily = reconciler.reconcile(days: june...june, providers: ["solora"], gateway: usage, bills: [])
        #expect(daily.map(\.status) == [.missingInBill, .missingInBill])
        // 45 days on, the missing report is a finding.
        #expect(ChargePeriods.overdue(byPeriod, on: last.adding(days: 45)).isEmpty)
        let late = ChargePeriods.overdue(byPeriod, on: last.adding(days: 46))
        #expect(late.map(\.provider) == ["solora"] && late.map(\.since) == [UTCDay("2025-06-01")!])
    }

    @Test func aNewerReportOfTheSameMonthReplacesTheOlder() {
        let older = StoredBillLine(bill: 1, line: monthLine(.input, 90_000_000, "450.00"))
        let newer = StoredBillLine(bill: 2, line: monthLine(.input, 100_000_000, "500.00"))
        let aDay = StoredBillLine(bill: 1, line: BillLine(provider: "solora", day: first, model: "atlas", tokenType: .output,
                                                            quantity: 1, cost: money("0.01")))
        let current = BillRestatement.current([older, newer, aDay])
        // The newer month replaces the older; the month in force is the provider's bill for each
        // of its days, so the day report of its first day is history too.
        #expect(current == [monthLine(.input, 100_000_000, "500.00")])
    }

    @Test func spansNameTheirFolders() {
        #expect(ChargeSpan(first: first, last: last).label == "2025-05-01_2025-05-31")
        #expect(ChargeSpan(day: first).label == "2025-05-01")
        #expect(ChargeSpan(day: first).through == nil)
        let periods = ChargePeriods([monthLine(.input, 1, "1")])
        #expect(periods.covering(provider: "solora", day: UTCDay("2025-05-20")!) == ChargeSpan(first: first, last: last))
        #expect(periods.covering(provider: "solora", day: UTCDay("2025-06-01")!) == nil)
        #expect(periods.covering(provider: "openai", day: UTCDay("2025-05-20")!) == nil)
    }
}
