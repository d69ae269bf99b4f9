import SettleCore

/// Provider report lines, the gateway's daily totals and reconciliation cells: the same SQL on
/// both stores. Costs go in and come out as decimal text (TEXT in SQLite, numeric in
/// PostgreSQL), so no digit is lost; flags are written as 1/0, which both read as true/false.
public final class ReportLedger {
    let sql: any SQLExecutor

    init(_ sql: any SQLExecutor) { self.sql = sql }

    /// Starts the unit of work that loads one provider report file.
    public func beginLoad(runID: String, path: String, format: String) throws -> any BillLoad {
        try SharedBillLoad(sql: sql, runID: runID, path: path, format: format)
    }

    static let billLineColumns = StoredColumns("bill_lines", ["input_id", "provider", "day", "through_day", "model", "tier", "token_type",
                                                             "correction", "quantity", "cost", "band"])

    /// Every stored bill line whose charge period touches the days `from`…`to`: the lines of
    /// those days, and the longer periods that start earlier and end in or after them. History
    /// included, in report order.
    public func billLines(from: UTCDay, to: UTCDay) throws -> [StoredBillLine] {
        let range: [SQLParam] = [.text(from.description), .text(to.description)]
        let days = try sql.rows(Self.billLineColumns, "FROM bill_lines WHERE day >= ? AND day <= ?", range, { try Self.billLine(&$0) })
        let periods = try sql.rows(Self.billLineColumns, "FROM bill_lines WHERE through_day <> '' AND through_day >= ? AND day < ?",
                                   [.text(from.description), .text(from.description)], { try Self.billLine(&$0) })
        return (days + periods).sorted { $0.bill < $1.bill }
    }

    /// A row of `billLineColumns`. A line of one day has no last day and a line of no token
    /// type none ('' for both); a flag reads back as 1/0 or t/f.
    static func billLine(_ row: inout StoredRow) throws -> StoredBillLine {
        let bill = try row.int()
        let provider = try row.text()
        let day = try row.day()
        let through = try row.optionalDay()
        let model = try row.text()
        let tier = try row.value(Tier.self)
        let tokenType = try row.optionalValue(TokenType.self)
        let correction = try row.flag()
        let quantity = try row.optionalInt()
        let cost = try row.decimal()
        let band = try row.int()
        return StoredBillLine(bill: bill, line: BillLine(provider: provider, day: day, through: through, model: model, tier: tier,
                                                             tokenType: tokenType, quantity: quantity, cost: cost, correction: correction,
                                                             band: band))
    }

    /// Providers that bill token usage by charge periods longer than a day (a FOCUS month),
    /// with the last day of their latest period.
    public func providersBillingByPeriod() throws -> [String: UTCDay] {
        var out: [String: UTCDay] = [:]
        let latest = StoredColumns("bill_lines", ["provider", "MAX(through_day)"])
        for (provider, day) in try sql.rows(latest, "FROM bill_lines WHERE through_day <> '' AND token_type <> '' GROUP BY provider", [],
                                            { row -> (String, UTCDay) in
            let provider = try row.text()
            let day = try row.day()
            return (provider, day)
        }) {
            out[provider] = day
        }
        return out
    }

    /// The last days of the stored charge periods longer than a day that cover any of `days`:
    /// late usage or a late day line on one of them changes the period's cells.
    public func periodEnds(covering days: [UTCDay]) throws -> [UTCDay] {
        guard let first = days.min(), let last = days.max() else { return [] }
        let wanted = Set(days)
        var ends: Set<UTCDay> = []
        let periods = StoredColumns("bill_lines", ["day", "through_day"])
        for (start, end) in try sql.rows(periods, """
            FROM bill_lines WHERE through_day <> '' AND through_day >= ? AND day <= ? GROUP BY day, through_day
            """, [.text(first.description), .text(last.description)], { row -> (UTCDay, UTCDay) in
            let start = try row.day()
            let end = try row.day()
            return (start, end)
        }) {
            if wanted.contains(where: { start <= $0 && $0 <= end }) { ends.insert(end) }
        }
        return ends.sorted()
    }

    /// The files the reports `ids` were read from, for messages that name them.
    public func reportPaths(_ ids: Set<Int64>) throws -> [Int64: String] {
        guard !ids.isEmpty else { return [:] }
        var out: [Int64: String] = [:]
        let inputs = StoredColumns("ingest_inputs", ["id", "path"])
        for (id, path) in try sql.rows(inputs, "FROM ingest_inputs WHERE kind = 'bill'", [], { row -> (Int64, String) in
            let id = try row.int()
            let path = try row.text()
            return (id, path)
        }) where ids.contains(id) {
            out[id] = path
        }
        return out
    }

    /// Providers with at least one bill line stored: the default set to reconcile.
    public func billedProviders() throws -> [String] {
        try sql.rows(StoredColumns("bill_lines", ["provider"]), "FROM bill_lines GROUP BY provider", [], { try $0.text() }).sorted()
    }

    /// The gateway's totals per day, price stretch, provider, model, tier and band, all events
    /// of any status, for the days `from`…`to` (`GatewayTotal.sum`, the one rule). A day whose
    /// daily rows are current (`UsagePeriods.currentDays`: complete, and split at the stretches
    /// and bands the book has now; loads keep that true, see `LoadRollup`) is summed from those
    /// few rows by the store's GROUP BY; any other day is rolled up from its events in memory
    /// (`DayRollup`, as aggregate does) and its rows summed by `GatewayTotal.sum`.
    public func gatewayTotals(from: UTCDay, to: UTCDay, stretches: (UTCDay) -> [Timestamp] = { _ in [] },
                              bands: PriceBands = .none) throws -> [GatewayTotal] {
        let range: [SQLParam] = [.text(from.description), .text(to.description)]
        let current = try UsagePeriods(sql).currentDays(from: from, to: to, stretches: stretches, bands: bands)
        var out: [GatewayTotal] = []
        if !current.isEmpty {
            out += try sql.rows(Self.dailySumColumns, """
                FROM usage_daily WHERE day >= ? AND day <= ?
                GROUP BY day, stretch_us, provider, model, tier, band
                """, range) { row -> GatewayTotal in
                try Self.gatewayTotal(&row)
            }.filter { current.contains($0.day) }
        }
        let others = UTCDay.days(from: from, through: to).filter { !current.contains($0) }
        if let first = others.first, let last = others.last {
            try EventArchive(sql).requireEvents(of: first...last, for: "summing the gateway's usage of \(first)…\(last) from its events")
        }
        for day in others {
            var rollup = DayRollup(day: day, stretches: stretches(day), bands: bands)
            try sql.rollUpEvents(from: day.start.microseconds, to: day.adding(days: 1).start.microseconds, into: &rollup)
            out += GatewayTotal.sum(try rollup.rows())
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
                "status", "money_at_risk", "model_total", "run_id", "band",
            ])
            for c in cells {
                try rows.append([.text(c.day.description), .text(c.through?.description ?? ""), .text(c.provider), .text(c.model), .text(c.tier.rawValue),
                                 .text(c.tokenType?.rawValue ?? ""), .int(c.gatewayQuantity), .optional(c.billedQuantity),
                                 .decimal(c.expectedCost), .decimal(c.billedCost), .text(c.status.rawValue), .decimal(c.moneyAtRisk),
                                 .text(c.isModelTotal ? "1" : "0"), .text(runID), .int(c.band)])
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
                                                                    "status", "money_at_risk", "model_total", "band"])

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
        return cell
    }
}

/// One report file's lines, quarantined records and tally in one transaction.
final class SharedBillLoad: BillLoad {
    private let sql: any SQLExecutor
    private let inputID: Int64
    private var open = true

    init(sql: any SQLExecutor, runID: String, path: String, format: String) throws {
        self.sql = sql
        try sql.beginWork()
        do {
            let returned = StoredColumns("ingest_inputs", ["id"])
            let values = try sql.fetch("INSERT INTO ingest_inputs(run_id, path, format, kind) VALUES (?, ?, ?, 'bill') RETURNING \(returned.list)",
                                       [.text(runID), .text(path), .text(format)])[0]
            var row = returned.reader(values)
            inputID = try row.int()
        } catch {
            sql.rollbackWork()
            throw error
        }
    }

    func commit(lines: [BillLine], quarantined: [QuarantinedRowRecord], tally: BillTally, inbox: InboxEntry?) throws -> (accepted: Int, duplicates: Int) {
        do {
            let seen = try !sql.fetch("SELECT 1 FROM ingest_inputs WHERE kind = 'bill' AND sha256 = ? AND id <> ? LIMIT 1",
                                      [.text(tally.sha256), .int(inputID)]).isEmpty
            let counts = seen ? (0, tally.records) : (tally.records, 0)
            if !seen {
                let rows = sql.rowSink(into: "bill_lines", columns: ["input_id", "provider", "day", "through_day", "model", "tier",
                                                                    "token_type", "correction", "quantity", "cost", "band"])
                for l in lines {
                    try rows.append([.int(inputID), .text(l.provider), .text(l.day.description), .text(l.through?.description ?? ""),
                                     .text(l.model), .text(l.tier.rawValue), .text(l.tokenType?.rawValue ?? ""),
                                     .text(l.correction ? "1" : "0"), .optional(l.quantity), .decimal(l.cost), .int(l.band)])
                }
                try rows.flush()
                try PendingWork(sql).mark(try daysToReconcile(lines), steps: [.reconcile])
            }
            if var inbox { inbox.sha256 = tally.sha256; try PendingWork(sql).record(inbox) }
            for r in quarantined {
                try sql.perform("""
                    INSERT INTO quarantine(sha256, line, source, reason, raw, input_id) VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT (sha256, line) DO NOTHING
                    """, [.text(tally.sha256), .int(Int64(r.line)), .text(r.source), .text(r.reason), .text(r.raw), .int(inputID)])
            }
            try sql.perform("""
                UPDATE ingest_inputs SET sha256 = ?, bytes = ?, read = ?, accepted = ?, duplicates = ?, quarantined = ?, skipped = ?,
                    skipped_by = ?
                WHERE id = ?
                """, [.text(tally.sha256), .int(tally.bytes), .int(Int64(tally.read)), .int(Int64(counts.0)), .int(Int64(counts.1)),
                      .int(Int64(tally.quarantined)), .int(Int64(tally.skipped)), .text(SkippedRows.encode(tally.skippedBy)), .int(inputID)])
            try sql.commitWork()
            open = false
            return counts
        } catch {
            rollback()
            throw error
        }
    }

    /// The days a new report makes nightly reconcile again: a day line's day; a period line's
    /// last day (the period is reconciled then), and each of its days that already has one-day
    /// cells of the provider, which the period now replaces.
    func daysToReconcile(_ lines: [BillLine]) throws -> [UTCDay] {
        var days = Set(lines.map(\.lastDay))
        struct Period: Hashable { var provider: String; var first: UTCDay; var last: UTCDay }
        let cellDays = StoredColumns("reconciliation_cells", ["day"])
        for p in Set(lines.compactMap { l in l.through.map { Period(provider: l.provider, first: l.day, last: $0) } }) {
            days.formUnion(try sql.rows(cellDays, """
                FROM reconciliation_cells WHERE provider = ? AND through_day = '' AND day >= ? AND day <= ? GROUP BY day
                """, [.text(p.provider), .text(p.first.description), .text(p.last.description)], { try $0.day() }))
        }
        return days.sorted()
    }

    func rollback() {
        guard open else { return }
        open = false
        sql.rollbackWork()
    }

    deinit { rollback() }
}
