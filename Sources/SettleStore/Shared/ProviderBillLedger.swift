import SettleCore

/// Provider bills as stored: their lines, which charge periods they cover, the files they came
/// from. The same SQL on both stores. Costs go in and come out as decimal text (TEXT in SQLite,
/// numeric in PostgreSQL), so no digit is lost; flags are written as 1/0, which both read as
/// true/false.
public final class ProviderBillLedger {
    let sql: any SQLExecutor

    init(_ sql: any SQLExecutor) { self.sql = sql }

    /// Starts the unit of work that loads one provider bill file.
    public func beginLoad(runID: String, path: String, format: String) throws -> any BillLoad {
        try SharedBillLoad(sql: sql, runID: runID, path: path, format: format)
    }

    static let billLineColumns = StoredColumns("bill_lines", ["input_id", "provider", "day", "through_day", "model", "tier", "token_type",
                                                             "correction", "quantity", "cost", "band", "exchange_rate"])

    /// Every stored bill line whose charge period touches the days `from`…`to`: the lines of
    /// those days, and the longer periods that start earlier and end in or after them. History
    /// included, in ingest order.
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
        let rate = try row.text()
        var line = BillLine(provider: provider, day: day, through: through, model: model, tier: tier, tokenType: tokenType, quantity: quantity,
                            cost: cost, correction: correction, band: band)
        if !rate.isEmpty {
            guard let r = ExchangeRate(storedText: rate) else { throw StoreError.unreadable("bill_lines.exchange_rate", rate) }
            line.exchangeRate = r
        }
        return StoredBillLine(bill: bill, line: line)
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

    /// The files the bills `ids` were read from, for messages that name them.
    public func billPaths(_ ids: Set<Int64>) throws -> [Int64: String] {
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
}

/// One provider bill's lines, quarantined records and tally in one transaction.
final class SharedBillLoad: BillLoad {
    private let sql: any SQLExecutor
    private let inputID: Int64
    private var open = true

    init(sql: any SQLExecutor, runID: String, path: String, format: String) throws {
        self.sql = sql
        try sql.beginWork()
        do {
            inputID = try IngestInputs.begin(sql, runID: runID, path: path, format: format, kind: "bill")
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
                                                                    "token_type", "correction", "quantity", "cost", "band", "exchange_rate"])
                for l in lines {
                    try rows.append([.int(inputID), .text(l.provider), .text(l.day.description), .text(l.through?.description ?? ""),
                                     .text(l.model), .text(l.tier.rawValue), .text(l.tokenType?.rawValue ?? ""),
                                     .text(l.correction ? "1" : "0"), .optional(l.quantity), .decimal(l.cost), .int(l.band),
                                     .text(l.exchangeRate?.storedText ?? "")])
                }
                try rows.flush()
                try PendingWork(sql).mark(try daysToReconcile(lines), steps: [.reconcile])
            }
            if var inbox { inbox.sha256 = tally.sha256; try PendingWork(sql).record(inbox) }
            try IngestInputs.quarantine(quarantined, sha256: tally.sha256, inputID: inputID, sql)
            try IngestInputs.finish(inputID, IngestInputs.Tally(sha256: tally.sha256, bytes: tally.bytes, read: tally.read, accepted: counts.0,
                                                                duplicates: counts.1, quarantined: tally.quarantined, skipped: tally.skipped,
                                                                skippedBy: tally.skippedBy), sql)
            try sql.commitWork()
            open = false
            return counts
        } catch {
            rollback()
            throw error
        }
    }

    /// The days a new bill makes nightly reconcile again: a day line's day; a period line's
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
