import SettleCore

/// One input file's events and quarantined rows in one PostgreSQL transaction.
///
/// Each batch is COPYed (binary) straight into the set of request ids and into usage_events (its
/// month's partition, made first if the month has none: `EventPartitions`) inside a
/// savepoint: PostgreSQL's cheapest path. Ids seen earlier in the file are left out first
/// (`PostgresCopyRenderer`, on the decoding thread). A duplicate that gets past that (an id
/// stored long ago, even archived since, or by another load running at the same time) trips
/// the set's primary key: that batch alone is rolled back to its savepoint and redone through
/// a staging table, its ids inserted with ON CONFLICT DO NOTHING and only the events whose id
/// went in stored. The key is what decides, so the count is exact whichever load wins a race;
/// the window only saves the slow path. The first copy of a request_id wins.
/// Quarantined rows are staged and keyed by the file's SHA-256 at commit, so the same file
/// quarantined twice keeps one copy. The accepted events are summed per day as they go in
/// (`LoadRollup`): all the rows a COPY carried, or those the slow path returns.
final class PostgresUsageLoad: UsageLoad {
    private let db: PGConnection
    private let inputID: Int64
    private var appended = 0
    private var accepted = 0
    private var open = true
    private let renderer: PostgresCopyRenderer
    private let rollup: LoadRollup
    private let summing: DaySumming?
    private let partitions: EventPartitions
    /// Months this load stored events in: their partitions are analysed after a large load.
    private var months = Set<PeriodMonth>()

    static let eventColumns = StoredEvents.columns.joined(separator: ", ")

    static let stagedColumns = eventColumns.split(separator: ",").map { "s." + String($0).trimmingCharacters(in: " ") }
        .joined(separator: ", ")

    init(db: PGConnection, url: String, runID: String, path: String, format: String, summing: DaySumming?) throws {
        self.db = db
        self.summing = summing
        rollup = LoadRollup(sql: db, stretches: summing?.stretches, bands: summing?.bands ?? .none)
        partitions = try EventPartitions(db: db, url: url)
        try db.execute("BEGIN")
        do {
            let returned = StoredColumns("ingest_inputs", ["id"])
            let result = try db.query("INSERT INTO ingest_inputs(run_id, path, format) VALUES ($1, $2, $3) RETURNING \(returned.list)",
                                      [runID, path, format])
            var row = returned.reader(result.values(0))
            inputID = try row.int()
            try db.execute("""
                CREATE TEMP TABLE usage_stage (LIKE usage_events) ON COMMIT DROP;
                ALTER TABLE usage_stage ADD COLUMN ord bigserial;
                CREATE TEMP TABLE quarantine_stage (line bigint, source text, reason text, raw text) ON COMMIT DROP;
                """)
        } catch {
            try? db.execute("ROLLBACK")
            throw error
        }
        renderer = PostgresCopyRenderer(inputID: inputID, url: url)
    }

    func makeBatchPreparer() -> (any UsageBatchPreparer)? { renderer }

    func append(_ batch: UsageEventBatch) throws {
        guard batch.count > 0 else { return }
        var batch = batch
        if batch.prepared == nil && batch.preparedError == nil { renderer.prepare(&batch) }
        if let error = batch.preparedError { throw error }
        appended += batch.count
        let copied = batch.preparedRows
        guard copied > 0, let text = batch.prepared else { return }
        try rollup.prepare(batch)
        for month in batch.preparedMonths where !months.contains(month) {
            try partitions.ensure(month)
            months.insert(month)
        }
        let target = "(\(Self.eventColumns))"
        try db.execute("SAVEPOINT batch")
        do {
            try db.copy(into: "request_ids (request_id)", binary: true) { sink in try batch.preparedIDs.withUnsafeBytes { try sink($0) } }
            try db.copy(into: "usage_events \(target)", binary: true) { sink in try text.withUnsafeBytes { try sink($0) } }
            try db.execute("RELEASE SAVEPOINT batch")
            accepted += copied
            try rollup.add(batch, rows: batch.preparedKept.lazy.map { Int($0) })
        } catch is PGConnection.UniqueViolation {
            // Some id of this batch is in the set already: redo the batch, storing only the
            // events whose id goes in now. Ids are inserted in order, so two loads racing over
            // the same ids take their locks in the same order.
            try db.execute("ROLLBACK TO SAVEPOINT batch; RELEASE SAVEPOINT batch")
            try db.copy(into: "usage_stage \(target)", binary: true) { sink in try text.withUnsafeBytes { try sink($0) } }
            // The window misses a repeat whose id is longer than its slots: the first copy of each
            // id in the batch (`ord`, the COPY's order) is the one that can go in.
            let stored = try db.query("""
                WITH firsts AS (SELECT DISTINCT ON (request_id) * FROM usage_stage ORDER BY request_id, ord),
                fresh AS (
                    INSERT INTO request_ids (request_id) SELECT request_id FROM firsts ORDER BY request_id
                    ON CONFLICT DO NOTHING RETURNING request_id)
                INSERT INTO usage_events (\(Self.eventColumns))
                SELECT \(Self.stagedColumns) FROM firsts s JOIN fresh f ON f.request_id = s.request_id
                RETURNING encode(request_id, 'hex')
                """)
            accepted += stored.count
            try db.execute("TRUNCATE usage_stage")
            var ids = Set((0..<stored.count).map { stored.text($0, 0) ?? "" })
            // The kept rows' ids, in the order the COPY carried them.
            let copied = PostgresCopyBinary.firstFields(of: batch.preparedIDs)
            try rollup.add(batch, rows: batch.preparedKept.indices.filter { n in
                ids.remove(Self.hex(copied[n])) != nil
            }.map { Int(batch.preparedKept[$0]) })
        }
    }

    /// Bytes as `encode(…, 'hex')` gives them.
    static func hex(_ bytes: ArraySlice<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for b in bytes {
            out.append(PostgresCopyText.hexDigits[Int(b >> 4)])
            out.append(PostgresCopyText.hexDigits[Int(b & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    func quarantine(_ row: QuarantinedRowRecord) throws {
        // Prepared once per session: a file full of bad rows inserts many of them.
        try db.executePrepared("settle_quarantine_stage",
                               "INSERT INTO quarantine_stage(line, source, reason, raw) VALUES ($1::bigint, $2, $3, $4)",
                               [String(row.line), row.source, row.reason, row.raw])
    }

    func commit(sha256: String, bytes: Int64, read: Int, quarantined: Int, days: [UTCDay], inbox: InboxEntry?) throws -> (accepted: Int, duplicates: Int) {
        do {
            let pending = PendingWork(db)
            if accepted > 0 { try pending.mark(days, steps: PendingWork.Step.allCases) }
            try rollup.write(periods: UsagePeriods(db), at: summing?.now ?? Timestamp(microseconds: 0))
            if var inbox { inbox.sha256 = sha256; try pending.record(inbox) }
            try db.query("""
                INSERT INTO quarantine (sha256, line, source, reason, raw, input_id)
                SELECT $1, line, source, reason, raw, $2::bigint FROM quarantine_stage ORDER BY line
                ON CONFLICT (sha256, line) DO NOTHING
                """, [sha256, String(inputID)])
            let duplicates = appended - accepted
            try db.query("""
                UPDATE ingest_inputs SET sha256 = $1, bytes = $2::bigint, read = $3::bigint, accepted = $4::bigint,
                    duplicates = $5::bigint, quarantined = $6::bigint WHERE id = $7::bigint
                """, [sha256, String(bytes), String(read), String(accepted), String(duplicates), String(quarantined), String(inputID)])
            try db.execute("COMMIT")
            open = false
            // After a large load the planner's row estimates are stale until autovacuum gets to
            // the table, and the night's aggregates that follow at once would be planned as if the
            // day were empty (a sort instead of a hash). A sampled ANALYZE costs well under a second.
            // Only the months loaded into: ANALYZE on the parent would sample every partition.
            if accepted >= 50_000 {
                for month in months.sorted() { try? db.execute("ANALYZE \(EventPartitions.name(month))") }
            }
            return (accepted, duplicates)
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
