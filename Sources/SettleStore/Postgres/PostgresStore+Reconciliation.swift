import SettleCore

/// Provider reports and reconciliation cells in PostgreSQL. Costs are `numeric`, which keeps
/// every digit of the decimal text it is given.
extension PostgresStore {
    public var periods: UsagePeriods { UsagePeriods(db) }
    public var alertLedger: AlertLedger { AlertLedger(db) }
    public var invoiceLedger: InvoiceLedger { InvoiceLedger(db) }

    public func beginBillLoad(runID: String, path: String, format: String) throws -> BillLoad {
        try PostgresBillLoad(db: db, runID: runID, path: path, format: format)
    }

    public func billLines(from: UTCDay, to: UTCDay) throws -> [StoredBillLine] {
        let rows = try db.query("""
            SELECT input_id, provider, day, model, tier, token_type, correction, quantity, cost::text
            FROM bill_lines WHERE day >= $1 AND day <= $2 ORDER BY input_id
            """, [from.description, to.description])
        return (0..<rows.count).map { r in
            StoredBillLine(report: rows.int(r, 0), line: BillLine(
                provider: rows.text(r, 1)!, day: UTCDay(rows.text(r, 2)!)!, model: rows.text(r, 3)!,
                tier: Tier(rawValue: rows.text(r, 4)!) ?? .standard, tokenType: TokenType(rawValue: rows.text(r, 5)!),
                quantity: rows.text(r, 7).flatMap { Int64($0) }, cost: rows.text(r, 8).flatMap { ExactDecimal($0) },
                correction: rows.text(r, 6) == "t"))
        }
    }

    public func billedProviders() throws -> [String] {
        let rows = try db.query("SELECT provider FROM bill_lines GROUP BY provider ORDER BY provider COLLATE \"C\"")
        return (0..<rows.count).map { rows.text($0, 0)! }
    }

    public func gatewayTotals(from: UTCDay, to: UTCDay) throws -> [GatewayTotal] {
        let rows = try db.query("""
            SELECT ts_us / \(Timestamp.microsecondsPerDay) AS d, provider, model, tier, COUNT(*),
                   SUM(input_tokens - cached_input_tokens - cache_write_tokens), SUM(cached_input_tokens),
                   SUM(cache_write_tokens), SUM(output_tokens), SUM(requests)
            FROM usage_events WHERE ts_us >= $1::bigint AND ts_us < $2::bigint
            GROUP BY d, provider, model, tier
            """, [String(from.start.microseconds), String(to.adding(days: 1).start.microseconds)])
        return (0..<rows.count).map { r in
            GatewayTotal(day: UTCDay(ordinal: Int(rows.int(r, 0))), provider: rows.text(r, 1)!, model: rows.text(r, 2)!,
                         tier: Tier(rawValue: rows.text(r, 3)!) ?? .standard, events: rows.int(r, 4), input: rows.int(r, 5),
                         cachedInput: rows.int(r, 6), cacheWrite: rows.int(r, 7), output: rows.int(r, 8), requests: rows.int(r, 9))
        }
    }

    public func replaceReconciliation(from: UTCDay, to: UTCDay, cells: [ReconciliationCell], runID: String) throws {
        try db.transaction {
            try db.query("DELETE FROM reconciliation_cells WHERE day >= $1 AND day <= $2", [from.description, to.description])
            for c in cells {
                try db.executePrepared("settle_insert_cell", """
                    INSERT INTO reconciliation_cells(day, provider, model, tier, token_type, gateway_quantity, billed_quantity,
                        expected_cost, billed_cost, status, money_at_risk, model_total, run_id)
                    VALUES ($1, $2, $3, $4, $5, $6::bigint, $7::bigint, $8::numeric, $9::numeric, $10, $11::numeric, $12::boolean, $13)
                    """, [c.day.description, c.provider, c.model, c.tier.rawValue, c.tokenType?.rawValue ?? "",
                          String(c.gatewayQuantity), c.billedQuantity.map { String($0) }, c.expectedCost?.description,
                          c.billedCost?.description, c.status.rawValue, c.moneyAtRisk.description, c.isModelTotal ? "t" : "f", runID])
            }
        }
    }

    public func reconciliationCells(from: UTCDay, to: UTCDay) throws -> [ReconciliationCell] {
        let rows = try db.query("""
            SELECT day, provider, model, tier, token_type, gateway_quantity, billed_quantity, expected_cost::text,
                   billed_cost::text, status, money_at_risk::text, model_total
            FROM reconciliation_cells WHERE day >= $1 AND day <= $2
            """, [from.description, to.description])
        return (0..<rows.count).map { r in
            ReconciliationCell(day: UTCDay(rows.text(r, 0)!)!, provider: rows.text(r, 1)!, model: rows.text(r, 2)!,
                               tier: Tier(rawValue: rows.text(r, 3)!) ?? .standard, tokenType: TokenType(rawValue: rows.text(r, 4)!),
                               gatewayQuantity: rows.int(r, 5), billedQuantity: rows.text(r, 6).flatMap { Int64($0) },
                               expectedCost: rows.text(r, 7).flatMap { ExactDecimal($0) },
                               billedCost: rows.text(r, 8).flatMap { ExactDecimal($0) },
                               status: ReconciliationStatus(rawValue: rows.text(r, 9)!) ?? .unpriced,
                               moneyAtRisk: ExactDecimal(rows.text(r, 10)!) ?? .zero, isModelTotal: rows.text(r, 11) == "t")
        }.sorted(by: <)
    }
}

/// One report file's lines, quarantined rows and tally in one transaction.
final class PostgresBillLoad: BillLoad {
    private let db: PGConnection
    private let inputID: Int64
    private var open = true

    init(db: PGConnection, runID: String, path: String, format: String) throws {
        self.db = db
        try db.execute("BEGIN")
        do {
            inputID = try db.query("INSERT INTO ingest_inputs(run_id, path, format, kind) VALUES ($1, $2, $3, 'bill') RETURNING id",
                                   [runID, path, format]).int(0, 0)
        } catch {
            try? db.execute("ROLLBACK")
            throw error
        }
    }

    func commit(lines: [BillLine], quarantined: [QuarantinedRowRecord], tally: BillTally) throws -> (accepted: Int, duplicates: Int) {
        do {
            let seen = try db.query("SELECT 1 FROM ingest_inputs WHERE kind = 'bill' AND sha256 = $1 AND id <> $2::bigint LIMIT 1",
                                    [tally.sha256, String(inputID)]).count > 0
            let counts = seen ? (0, tally.records) : (tally.records, 0)
            if !seen {
                for l in lines {
                    try db.executePrepared("settle_insert_bill_line", """
                        INSERT INTO bill_lines(input_id, provider, day, model, tier, token_type, correction, quantity, cost)
                        VALUES ($1::bigint, $2, $3, $4, $5, $6, $7::boolean, $8::bigint, $9::numeric)
                        """, [String(inputID), l.provider, l.day.description, l.model, l.tier.rawValue, l.tokenType?.rawValue ?? "",
                              l.correction ? "t" : "f", l.quantity.map { String($0) }, l.cost?.description])
                }
            }
            for r in quarantined {
                try db.executePrepared("settle_insert_bill_quarantine", """
                    INSERT INTO quarantine(sha256, line, source, reason, raw, input_id) VALUES ($1, $2::bigint, $3, $4, $5, $6::bigint)
                    ON CONFLICT (sha256, line) DO NOTHING
                    """, [tally.sha256, String(r.line), r.source, r.reason, r.raw, String(inputID)])
            }
            try db.query("""
                UPDATE ingest_inputs SET sha256 = $1, bytes = $2::bigint, read = $3::bigint, accepted = $4::bigint,
                    duplicates = $5::bigint, quarantined = $6::bigint, skipped = $7::bigint WHERE id = $8::bigint
                """, [tally.sha256, String(tally.bytes), String(tally.read), String(counts.0), String(counts.1),
                      String(tally.quarantined), String(tally.skipped), String(inputID)])
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
