import SettleCore

/// Reconciliation as stored: the gateway's totals it compares (summed from the daily rows, or
/// from a day's events) and the cells it found, the same SQL on both stores.
public final class ReconciliationLedger {
    let sql: any SQLExecutor

    init(_ sql: any SQLExecutor) { self.sql = sql }

    /// The gateway's totals per day, price stretch, provider, model, tier and band, all events
    /// of any status, for the days `from`…`to` (`GatewayTotal.sum`, the one rule). A day whose
    /// daily rows are current (`UsagePeriods.currentDays`: complete, and split at the stretches
    /// and bands the book has now; loads keep that true, see `LoadRollup`) is summed from those
    /// few rows by the store's GROUP BY; any other day is rolled up from its events in memory
    /// (`DayRollup`, as aggregate does) and its rows summed by `GatewayTotal.sum`.
    public func gatewayTotals(from: UTCDay, to: UTCDay, stretches: (UTCDay) -> [Timestamp] = { _ in [] },
                              bands: PriceBands = .none) throws -> [GatewayTotal] {
        let range: [SQLParam] = [.text(from.description), .text(to.description)]
        let periods = UsagePeriods(sql)
        let current = try periods.currentDays(from: from, to: to, stretches: stretches, bands: bands)
        var out: [GatewayTotal] = []
        if !current.isEmpty {
            // Only complete days are summed here; one split otherwise than the book says now is
            // dropped after (`current`), and summed from its events below.
            out += try sql.rows(Self.dailySumColumns, """
                FROM usage_daily WHERE day >= ? AND day <= ? AND day IN (SELECT day FROM usage_daily_days WHERE complete = 1)
                GROUP BY day, stretch_us, provider, model, tier, band
                """, range) { row -> GatewayTotal in
                try Self.gatewayTotal(&row)
            }.filter { current.contains($0.day) }
        }
        for day in UTCDay.days(from: from, through: to) where !current.contains(day) {
            out += GatewayTotal.sum(try periods.eventRollup(day: day, stretches: stretches(day), bands: bands).rows())
        }
        return out
    }

    /// A day's sums per stretch, provider, model, tier and band from its daily rows: the
    /// columns `GatewayTotal.sum` adds, over the same key.
    static let dailySumColumns = StoredColumns("usage_daily", ["day", "stretch_us", "provider", "model", "tier", "band", "SUM(events)",
                                                              "SUM(input_tokens)", "SUM(cached_tokens)", "SUM(cache_write)",
                                                              "SUM(cache_write_1h)", "SUM(output_tokens)", "SUM(requests)"])

    static func gatewayTotal(_ row: inout StoredRow) throws -> GatewayTotal {
        let day = try row.day()
        let stretchStart = Timestamp(microseconds: try row.int())
        let provider = try row.text()
        let model = try row.text()
        let tier = try row.value(Tier.self)
        let band = try row.int()
        let events = try row.int()
        let input = try row.int()
        let cached = try row.int()
        let cacheWrite = try row.int()
        let cacheWrite1h = try row.int()
        let output = try row.int()
        let requests = try row.int()
        return GatewayTotal(summedFor: day, stretchStart: stretchStart, provider: provider, model: model, tier: tier, band: band,
                            events: events, input: input, cached: cached, cacheWrite: cacheWrite, cacheWrite1h: cacheWrite1h,
                            output: output, requests: requests)
    }

    /// Replaces the stored cells reconciled with the days `from`…`to` (one-day cells of those
    /// days, and cells of the periods that end on them) with `cells`, in one transaction.
    public func replaceReconciliation(from: UTCDay, to: UTCDay, cells: [ReconciliationCell], runID: String) throws {
        let range: [SQLParam] = [.text(from.description), .text(to.description)]
        struct Period: Hashable { var provider: String; var first: UTCDay; var last: UTCDay }
        let periods = Set(cells.compactMap { c in c.through.map { Period(provider: c.provider, first: c.day, last: $0) } })
        try sql.inTransaction {
            try sql.perform("DELETE FROM reconciliation_cells WHERE through_day = '' AND day >= ? AND day <= ?", range)
            try sql.perform("DELETE FROM reconciliation_cells WHERE through_day <> '' AND through_day >= ? AND through_day <= ?", range)
            // A provider's days now reconciled as a period hold no day cells of their own.
            for p in periods {
                try sql.perform("DELETE FROM reconciliation_cells WHERE through_day = '' AND provider = ? AND day >= ? AND day <= ?",
                                [.text(p.provider), .text(p.first.description), .text(p.last.description)])
            }
            let rows = sql.rowSink(into: "reconciliation_cells", columns: [
                "day", "through_day", "provider", "model", "tier", "token_type", "gateway_quantity", "billed_quantity", "expected_cost", "billed_cost",
                "status", "money_at_risk", "model_total", "run_id", "band", "exchange_rates",
            ])
            for c in cells {
                try rows.append([.text(c.day.description), .text(c.through?.description ?? ""), .text(c.provider), .text(c.model), .text(c.tier.rawValue),
                                 .text(c.tokenType?.rawValue ?? ""), .int(c.gatewayQuantity), .optional(c.billedQuantity),
                                 .decimal(c.expectedCost), .decimal(c.billedCost), .text(c.status.rawValue), .decimal(c.moneyAtRisk),
                                 .text(c.isModelTotal ? "1" : "0"), .text(runID), .int(c.band),
                                 .text(c.exchangeRates.map(\.storedText).joined(separator: ";"))])
            }
            try rows.flush()
        }
    }

    /// The stored cells reconciled with the days `from`…`to`: one-day cells of those days and
    /// cells of the periods that end on them.
    public func reconciliationCells(from: UTCDay, to: UTCDay) throws -> [ReconciliationCell] {
        let range: [SQLParam] = [.text(from.description), .text(to.description)]
        let dayCells = try sql.rows(Self.cellColumns, "FROM reconciliation_cells WHERE through_day = '' AND day >= ? AND day <= ?", range,
                                    { try Self.cell(&$0) })
        let periodCells = try sql.rows(Self.cellColumns,
                                       "FROM reconciliation_cells WHERE through_day <> '' AND through_day >= ? AND through_day <= ?", range,
                                       { try Self.cell(&$0) })
        return (dayCells + periodCells).sorted(by: <)
    }

    static let cellColumns = StoredColumns("reconciliation_cells", ["day", "through_day", "provider", "model", "tier", "token_type",
                                                                    "gateway_quantity", "billed_quantity", "expected_cost", "billed_cost",
                                                                    "status", "money_at_risk", "model_total", "band", "exchange_rates"])

    /// A row of `cellColumns`: a cell of one day has no last day and a cell of no token type
    /// none ('' for both); a side with nothing to compare has no quantity or cost (NULL).
    static func cell(_ row: inout StoredRow) throws -> ReconciliationCell {
        let day = try row.day()
        let through = try row.optionalDay()
        let provider = try row.text()
        let model = try row.text()
        let tier = try row.value(Tier.self)
        let tokenType = try row.optionalValue(TokenType.self)
        let gatewayQuantity = try row.int()
        let billedQuantity = try row.optionalInt()
        let expectedCost = try row.decimal()
        let billedCost = try row.decimal()
        let status = try row.value(ReconciliationStatus.self)
        let moneyAtRisk = try row.money()
        let isModelTotal = try row.flag()
        var cell = ReconciliationCell(day: day, through: through, provider: provider, model: model, tier: tier, tokenType: tokenType,
                                      gatewayQuantity: gatewayQuantity, billedQuantity: billedQuantity, expectedCost: expectedCost,
                                      billedCost: billedCost, status: status, moneyAtRisk: moneyAtRisk, isModelTotal: isModelTotal)
        cell.band = try row.int()
        let rates = try row.text()
        for text in rates.split(separator: ";") {
            guard let r = ExchangeRate(storedText: String(text)) else { throw StoreError.unreadable("reconciliation_cells.exchange_rates", rates) }
            cell.exchangeRates.append(r)
        }
        return cell
    }
}
