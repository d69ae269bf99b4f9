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

    static func flag(_ text: String?) -> Bool { text == "1" || text == "t" || text == "true" }

    /// Every stored bill line whose charge period touches the days `from`…`to`: the lines of
    /// those days, and the longer periods that start earlier and end in or after them. History
    /// included, in report order.
    public func billLines(from: UTCDay, to: UTCDay) throws -> [StoredBillLine] {
        let columns = "input_id, provider, day, through_day, model, tier, token_type, correction, quantity, cost, band"
        let range: [SQLParam] = [.text(from.description), .text(to.description)]
        let rows = try sql.fetch("SELECT \(columns) FROM bill_lines WHERE day >= ? AND day <= ?", range)
            + sql.fetch("SELECT \(columns) FROM bill_lines WHERE through_day <> '' AND through_day >= ? AND day < ?",
                        [.text(from.description), .text(from.description)])
        return try rows.map { r in
            StoredBillLine(bill: r.int(0), line: BillLine(
                provider: r.text(1), day: try r.day(2, "bill_lines.day"), through: try r.optionalDay(3, "bill_lines.through_day"), model: r.text(4),
                tier: try r.value(5, "bill_lines.tier"), tokenType: try r.optionalValue(6, "bill_lines.token_type"), quantity: r.optionalInt(8),
                cost: try r.decimal(9, "bill_lines.cost"), correction: Self.flag(r[7]), band: r.int(10)))
        }.sorted { $0.bill < $1.bill }
    }

    /// Providers that bill token usage by charge periods longer than a day (a FOCUS month),
    /// with the last day of their latest period.
    public func providersBillingByPeriod() throws -> [String: UTCDay] {
        var out: [String: UTCDay] = [:]
        for r in try sql.fetch("SELECT provider, MAX(through_day) FROM bill_lines WHERE through_day <> '' AND token_type <> '' GROUP BY provider", []) {
            if let day = UTCDay(r.text(1)) { out[r.text(0)] = day }
        }
        return out
    }

    /// The last days of the stored charge periods longer than a day that cover any of `days`:
    /// late usage or a late day line on one of them changes the period's cells.
    public func periodEnds(covering days: [UTCDay]) throws -> [UTCDay] {
        guard let first = days.min(), let last = days.max() else { return [] }
        let wanted = Set(days)
        var ends: Set<UTCDay> = []
        for r in try sql.fetch("""
            SELECT day, through_day FROM bill_lines WHERE through_day <> '' AND through_day >= ? AND day <= ? GROUP BY day, through_day
            """, [.text(first.description), .text(last.description)]) {
            guard let start = UTCDay(r.text(0)), let end = UTCDay(r.text(1)) else { continue }
            if wanted.contains(where: { start <= $0 && $0 <= end }) { ends.insert(end) }
        }
        return ends.sorted()
    }

    /// The files the reports `ids` were read from, for messages that name them.
    public func reportPaths(_ ids: Set<Int64>) throws -> [Int64: String] {
        guard !ids.isEmpty else { return [:] }
        var out: [Int64: String] = [:]
        for r in try sql.fetch("SELECT id, path FROM ingest_inputs WHERE kind = 'bill'", []) where ids.contains(r.int(0)) {
            out[r.int(0)] = r.text(1)
        }
        return out
    }

    /// Providers with at least one bill line stored: the default set to reconcile.
    public func billedProviders() throws -> [String] {
        try sql.fetch("SELECT provider FROM bill_lines GROUP BY provider", []).map { $0.text(0) }.sorted()
    }

    /// What the gateway metered per day, provider, model and tier, for the days `from`…`to`.
    /// The gateway's totals per day, provider, model and tier, all events of any status. A day
    /// whose daily rows are current (listed in `usage_daily_days` with the stretches and bands
    /// the book has now: loads keep that true, see `LoadRollup`) is summed from those few rows;
    /// any other day from its events.
    /// The gateway's totals per day and price stretch. `stretches`: the instants inside a day
    /// where a price changes (the price book's), for days summed from their events here.
    public func gatewayTotals(from: UTCDay, to: UTCDay, stretches: (UTCDay) -> [Timestamp] = { _ in [] },
                              bands: PriceBands = .none) throws -> [GatewayTotal] {
        let range: [SQLParam] = [.text(from.description), .text(to.description)]
        // Rows summed at other price stretches or bands than the book's now are not used: the
        // day's totals come from its events instead, split as the book says.
        let current = Set(try sql.fetch("""
            SELECT day, stretches FROM usage_daily_days WHERE day >= ? AND day <= ?
            """, range).compactMap { r -> UTCDay? in
            guard let day = UTCDay(r.text(0)), r[1] == DayRollup.signature(of: stretches(day), in: day, bands: bands) else { return nil }
            return day
        })
        var out: [GatewayTotal] = []
        if !current.isEmpty {
            out += try sql.fetch("""
                SELECT day, provider, model, tier, SUM(events), SUM(input_tokens), SUM(cached_tokens),
                       SUM(cache_write), SUM(output_tokens), SUM(requests), SUM(cache_write_1h), stretch_us, band
                FROM usage_daily WHERE day >= ? AND day <= ?
                  AND day IN (SELECT day FROM usage_daily_days)
                GROUP BY day, stretch_us, provider, model, tier, band
                """, range).map { r in
                try Self.gatewayTotal(day: try r.day(0, "usage_daily.day"), r)
            }.filter { current.contains($0.day) }
        }
        var day = from
        while day <= to {
            var last = day
            if current.contains(day) { day = day.adding(days: 1); continue }
            while last.adding(days: 1) <= to && !current.contains(last.adding(days: 1)) { last = last.adding(days: 1) }
            let cuts = UTCDay.days(from: day, through: last).flatMap { DayRollup.cuts(stretches($0), in: $0) }
            out += try gatewayTotalsFromEvents(from: day, to: last, cuts: cuts, bands: bands)
            day = last.adding(days: 1)
        }
        return out
    }

    /// An event's prompt-size band in SQL (`PriceBands.band`): the highest threshold of its
    /// model that its input tokens exceed, else 0. Provider and model names go in as literals.
    func bandExpression(_ bands: PriceBands) throws -> String {
        var whens: [String] = []
        for (provider, model, thresholds) in bands.models {
            for t in thresholds.reversed() {
                whens.append("WHEN provider = \(Self.literal(provider)) AND model = \(Self.literal(model)) AND input_tokens > \(t) THEN \(t)")
            }
        }
        return whens.isEmpty ? "0" : "CASE " + whens.joined(separator: " ") + " ELSE 0 END"
    }

    static func literal(_ s: String) -> String { "'" + s.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "''") + "'" }

    /// Totals summed from the events, split at `cuts` (instants where a price changes, each
    /// inside its own day; `DayRollup.cuts`), as the daily rows would be.
    func gatewayTotalsFromEvents(from: UTCDay, to: UTCDay, cuts: [Int64], bands: PriceBands = .none) throws -> [GatewayTotal] {
        try EventArchive(sql).requireEvents(of: from...to, for: "summing the gateway's usage of \(from)…\(to) from its events")
        let perDay = Timestamp.microsecondsPerDay
        // The latest cut at or before the event, within its day; else the day's start.
        let stretch = cuts.isEmpty ? "(ts_us / \(perDay)) * \(perDay)" : "CASE "
            + cuts.sorted(by: >).map { "WHEN ts_us >= \($0) AND ts_us < \(($0 / perDay + 1) * perDay) THEN \($0)" }.joined(separator: " ")
            + " ELSE (ts_us / \(perDay)) * \(perDay) END"
        return try sql.fetch("""
            SELECT ts_us / \(perDay) AS d, provider, model, tier, COUNT(*),
                   SUM(input_tokens), SUM(cached_input_tokens), SUM(cache_write_tokens), SUM(output_tokens), SUM(requests),
                   SUM(cache_write_1h_tokens), \(stretch) AS s, \(try bandExpression(bands)) AS b
            FROM usage_events_named WHERE ts_us >= CAST(? AS BIGINT) AND ts_us < CAST(? AS BIGINT)
            GROUP BY d, s, provider, model, tier, b
            """, [.int(from.start.microseconds), .int(to.adding(days: 1).start.microseconds)]).map { r in
            try Self.gatewayTotal(day: UTCDay(ordinal: Int(r.int(0))), r)
        }
    }

    /// A row of `day, provider, model, tier, events, input, cached, cache_write, output, requests,
    /// cache_write_1h` sums and the stretch's start: SQL sums all prompt tokens and `TokenCounts` takes out the cached
    /// part and the one-hour writes (SUM is linear, so the difference of sums is the sum of
    /// differences).
    static func gatewayTotal(day: UTCDay, _ r: [String?]) throws -> GatewayTotal {
        GatewayTotal(day: day, stretchStart: Timestamp(microseconds: r.int(11)), provider: r.text(1), model: r.text(2),
                     tier: try r.value(3, "usage_events.tier"), band: r.int(12), events: r.int(4),
                     input: TokenCounts.uncachedInput(input: r.int(5), cached: r.int(6), cacheWrite: r.int(7)),
                     cachedInput: r.int(6), cacheWrite: TokenCounts.fiveMinuteCacheWrite(cacheWrite: r.int(7), oneHour: r.int(10)),
                     cacheWrite1h: r.int(10), output: r.int(8), requests: r.int(9))
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
        let columns = """
            day, through_day, provider, model, tier, token_type, gateway_quantity, billed_quantity, expected_cost, billed_cost,
            status, money_at_risk, model_total, band
            """
        let rows = try sql.fetch("SELECT \(columns) FROM reconciliation_cells WHERE through_day = '' AND day >= ? AND day <= ?", range)
            + sql.fetch("SELECT \(columns) FROM reconciliation_cells WHERE through_day <> '' AND through_day >= ? AND through_day <= ?", range)
        return try rows.map { r in
            var cell = ReconciliationCell(day: try r.day(0, "reconciliation_cells.day"),
                               through: try r.optionalDay(1, "reconciliation_cells.through_day"), provider: r.text(2), model: r.text(3),
                               tier: try r.value(4, "reconciliation_cells.tier"),
                               tokenType: try r.optionalValue(5, "reconciliation_cells.token_type"), gatewayQuantity: r.int(6),
                               billedQuantity: r.optionalInt(7),
                               expectedCost: try r.decimal(8, "reconciliation_cells.expected_cost"),
                               billedCost: try r.decimal(9, "reconciliation_cells.billed_cost"),
                               status: try r.value(10, "reconciliation_cells.status"),
                               moneyAtRisk: try r.money(11, "reconciliation_cells.money_at_risk"), isModelTotal: Self.flag(r[12]))
            cell.band = r.int(13)
            return cell
        }.sorted(by: <)
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
            inputID = try sql.fetch("INSERT INTO ingest_inputs(run_id, path, format, kind) VALUES (?, ?, ?, 'bill') RETURNING id",
                                    [.text(runID), .text(path), .text(format)])[0].int(0)
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
        for p in Set(lines.compactMap { l in l.through.map { Period(provider: l.provider, first: l.day, last: $0) } }) {
            days.formUnion(try sql.fetch("""
                SELECT day FROM reconciliation_cells WHERE provider = ? AND through_day = '' AND day >= ? AND day <= ? GROUP BY day
                """, [.text(p.provider), .text(p.first.description), .text(p.last.description)]).compactMap { UTCDay($0.text(0)) })
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
