import SettleCore

/// Provider reports and reconciliation cells in SQLite. Costs are stored as decimal text, so no
/// digit is lost on the way in or out.
extension SQLiteStore {
    public var periods: UsagePeriods { UsagePeriods(db) }
    public var alertLedger: AlertLedger { AlertLedger(db) }
    public var invoiceLedger: InvoiceLedger { InvoiceLedger(db) }

    public func beginBillLoad(runID: String, path: String, format: String) throws -> BillLoad {
        try SQLiteBillLoad(db: db, runID: runID, path: path, format: format)
    }

    public func billLines(from: UTCDay, to: UTCDay) throws -> [StoredBillLine] {
        try db.query("""
            SELECT input_id, provider, day, model, tier, token_type, correction, quantity, cost
            FROM bill_lines WHERE day >= ? AND day <= ? ORDER BY input_id, rowid
            """, [.text(from.description), .text(to.description)]) { s in
            StoredBillLine(report: s.int(0), line: BillLine(
                provider: s.text(1)!, day: UTCDay(s.text(2)!)!, model: s.text(3)!, tier: Tier(rawValue: s.text(4)!) ?? .standard,
                tokenType: TokenType(rawValue: s.text(5)!), quantity: s.isNull(7) ? nil : s.int(7),
                cost: s.text(8).flatMap { ExactDecimal($0) }, correction: s.int(6) != 0))
        }
    }

    public func billedProviders() throws -> [String] {
        try db.query("SELECT DISTINCT provider FROM bill_lines ORDER BY provider") { $0.text(0)! }
    }

    public func gatewayTotals(from: UTCDay, to: UTCDay) throws -> [GatewayTotal] {
        try db.query("""
            SELECT ts_us / \(Timestamp.microsecondsPerDay) AS d, provider, model, tier, COUNT(*),
                   SUM(input_tokens - cached_input_tokens - cache_write_tokens), SUM(cached_input_tokens),
                   SUM(cache_write_tokens), SUM(output_tokens), SUM(requests)
            FROM usage_events WHERE ts_us >= ? AND ts_us < ?
            GROUP BY d, provider, model, tier
            """, [.int(from.start.microseconds), .int(to.adding(days: 1).start.microseconds)]) { s in
            GatewayTotal(day: UTCDay(ordinal: Int(s.int(0))), provider: s.text(1)!, model: s.text(2)!,
                         tier: Tier(rawValue: s.text(3)!) ?? .standard, events: s.int(4), input: s.int(5), cachedInput: s.int(6),
                         cacheWrite: s.int(7), output: s.int(8), requests: s.int(9))
        }
    }

    public func replaceReconciliation(from: UTCDay, to: UTCDay, cells: [ReconciliationCell], runID: String) throws {
        try db.transaction {
            try db.run("DELETE FROM reconciliation_cells WHERE day >= ? AND day <= ?", [.text(from.description), .text(to.description)])
            let insert = try db.prepare("""
                INSERT INTO reconciliation_cells(day, provider, model, tier, token_type, gateway_quantity, billed_quantity,
                    expected_cost, billed_cost, status, money_at_risk, model_total, run_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            for c in cells {
                let values: [SQLiteValue] = [
                    .text(c.day.description), .text(c.provider), .text(c.model), .text(c.tier.rawValue),
                    .text(c.tokenType?.rawValue ?? ""), .int(c.gatewayQuantity), .optional(c.billedQuantity),
                    .optional(c.expectedCost?.description), .optional(c.billedCost?.description), .text(c.status.rawValue),
                    .text(c.moneyAtRisk.description), .int(c.isModelTotal ? 1 : 0), .text(runID),
                ]
                for (i, v) in values.enumerated() { insert.bind(i + 1, v) }
                try insert.step()
                insert.reset()
            }
        }
    }

    public func reconciliationCells(from: UTCDay, to: UTCDay) throws -> [ReconciliationCell] {
        try db.query("""
            SELECT day, provider, model, tier, token_type, gateway_quantity, billed_quantity, expected_cost, billed_cost,
                   status, money_at_risk, model_total
            FROM reconciliation_cells WHERE day >= ? AND day <= ?
            """, [.text(from.description), .text(to.description)]) { s in
            ReconciliationCell(day: UTCDay(s.text(0)!)!, provider: s.text(1)!, model: s.text(2)!, tier: Tier(rawValue: s.text(3)!) ?? .standard,
                               tokenType: TokenType(rawValue: s.text(4)!), gatewayQuantity: s.int(5),
                               billedQuantity: s.isNull(6) ? nil : s.int(6), expectedCost: s.text(7).flatMap { ExactDecimal($0) },
                               billedCost: s.text(8).flatMap { ExactDecimal($0) },
                               status: ReconciliationStatus(rawValue: s.text(9)!) ?? .unpriced,
                               moneyAtRisk: ExactDecimal(s.text(10)!) ?? .zero, isModelTotal: s.int(11) != 0)
        }.sorted(by: <)
    }
}

/// One report file's lines, quarantined rows and tally in one IMMEDIATE transaction.
final class SQLiteBillLoad: BillLoad {
    private let db: SQLiteConnection
    private let inputID: Int64
    private var open = true

    init(db: SQLiteConnection, runID: String, path: String, format: String) throws {
        self.db = db
        try db.execute("BEGIN IMMEDIATE")
        do {
            try db.run("INSERT INTO ingest_inputs(run_id, path, format, kind) VALUES (?, ?, ?, 'bill')",
                       [.text(runID), .text(path), .text(format)])
            inputID = db.lastInsertRowID
        } catch {
            try? db.execute("ROLLBACK")
            throw error
        }
    }

    func commit(lines: [BillLine], quarantined: [QuarantinedRowRecord], tally: BillTally) throws -> (accepted: Int, duplicates: Int) {
        do {
            let seen = try db.query("SELECT 1 FROM ingest_inputs WHERE kind = 'bill' AND sha256 = ? AND id <> ? LIMIT 1",
                                    [.text(tally.sha256), .int(inputID)]) { $0.int(0) }
            let counts = seen.isEmpty ? (tally.records, 0) : (0, tally.records)
            if seen.isEmpty {
                let insert = try db.prepare("""
                    INSERT INTO bill_lines(input_id, provider, day, model, tier, token_type, correction, quantity, cost)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
                for l in lines {
                    let values: [SQLiteValue] = [
                        .int(inputID), .text(l.provider), .text(l.day.description), .text(l.model), .text(l.tier.rawValue),
                        .text(l.tokenType?.rawValue ?? ""), .int(l.correction ? 1 : 0), .optional(l.quantity), .optional(l.cost?.description),
                    ]
                    for (i, v) in values.enumerated() { insert.bind(i + 1, v) }
                    try insert.step()
                    insert.reset()
                }
            }
            let q = try db.prepare("INSERT OR IGNORE INTO quarantine(sha256, line, source, reason, raw, input_id) VALUES (?, ?, ?, ?, ?, ?)")
            for r in quarantined {
                for (i, v) in [SQLiteValue.text(tally.sha256), .int(Int64(r.line)), .text(r.source), .text(r.reason), .text(r.raw), .int(inputID)].enumerated() {
                    q.bind(i + 1, v)
                }
                try q.step()
                q.reset()
            }
            try db.run("""
                UPDATE ingest_inputs SET sha256 = ?, bytes = ?, read = ?, accepted = ?, duplicates = ?, quarantined = ?, skipped = ?
                WHERE id = ?
                """, [.text(tally.sha256), .int(tally.bytes), .int(Int64(tally.read)), .int(Int64(counts.0)), .int(Int64(counts.1)),
                      .int(Int64(tally.quarantined)), .int(Int64(tally.skipped)), .int(inputID)])
            try db.execute("COMMIT")
            open = false
            return counts
        } catch {
            rollback()
            throw error
        }
    }

    func rollback() {
        guard open else { return }
        open = false
        try? db.execute("ROLLBACK")
    }

    deinit { rollback() }
}
