import SettleCore

/// One input file's events and quarantined rows in one PostgreSQL transaction.
///
/// Each batch is COPYed straight into usage_events inside a savepoint: PostgreSQL's cheapest
/// path. Ids repeated within the batch, or seen recently in the file, are dropped first as
/// duplicates. A duplicate that gets past that (an id stored long ago, the overlap with the
/// previous file) trips the primary key: that batch alone is rolled back to its savepoint and
/// redone through a staging table with an anti-join. The key is what decides, so the count is
/// exact; the window only saves the slow path. The first copy of a request_id wins. Quarantined rows are staged the same way and keyed by the
/// file's SHA-256 at commit, so the same file quarantined twice keeps one copy.
final class PostgresUsageLoad: UsageLoad {
    private let db: PGConnection
    private let inputID: Int64
    private var appended = 0
    private var accepted = 0
    private var open = true
    private var copyText: [UInt8] = []
    /// The request_ids of the most recent rows of this file, oldest first, for dropping
    /// near duplicates (retries, repeated log lines) without a round trip.
    private var recent = Set<String>()
    private var recentOrder: [String] = []
    private var recentHead = 0
    static let recentWindow = 200_000

    static let eventColumns = "request_id, ts_us, customer_id, provider, model, input_tokens, cached_input_tokens, "
        + "cache_write_tokens, output_tokens, requests, tier, status, api_key_id, upstream_account, service_id, latency_ms, "
        + "reported_cost"

    static let stagedColumns = eventColumns.split(separator: ",").map { "s." + String($0).trimmingCharacters(in: " ") }
        .joined(separator: ", ")

    init(db: PGConnection, runID: String, path: String, format: String) throws {
        self.db = db
        try db.execute("BEGIN")
        do {
            inputID = try db.query("INSERT INTO ingest_inputs(run_id, path, format) VALUES ($1, $2, $3) RETURNING id",
                                   [runID, path, format]).int(0, 0)
            try db.execute("""
                CREATE TEMP TABLE usage_stage (LIKE usage_events) ON COMMIT DROP;
                CREATE TEMP TABLE quarantine_stage (line bigint, source text, reason text, raw text) ON COMMIT DROP;
                """)
        } catch {
            try? db.execute("ROLLBACK")
            throw error
        }
        copyText.reserveCapacity(1 << 20)
    }

    /// COPY text columns in `eventColumns` order, from the batch's text cells (0…8) and
    /// integer cells (0…6).
    private static let order: [(text: Bool, index: Int)] = [
        (true, 0), (false, 0), (true, 1), (true, 2), (true, 3), (false, 1), (false, 2), (false, 3), (false, 4),
        (false, 5), (true, 4), (true, 5), (true, 6), (true, 7), (true, 8), (false, 6), (true, 9),
    ]

    func append(_ batch: UsageEventBatch) throws {
        guard batch.count > 0 else { return }
        copyText.removeAll(keepingCapacity: true)
        var copied = 0
        let input = inputID
        batch.text.withUnsafeBytes { text in
            batch.starts.withUnsafeBufferPointer { starts in
                batch.ints.withUnsafeBufferPointer { ints in
                    let base = text.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!
                    var textCells = [(UnsafeRawPointer?, Int)](repeating: (nil, 0), count: UsageEventBatch.textsPerRow)
                    var intCells = [Int64?](repeating: nil, count: UsageEventBatch.intsPerRow)
                    for row in 0..<batch.count {
                        batch.withCells(row: row, base: base, starts: starts, ints: ints,
                                        text: { i, p, n in textCells[i] = (p, n) }, int: { i, v in intCells[i] = v })
                        let (idPointer, idLength) = textCells[0]
                        let id = String(decoding: UnsafeRawBufferPointer(start: idPointer, count: idLength), as: UTF8.self)
                        guard remember(id) else { continue }   // seen earlier in this file: a duplicate
                        for (k, cell) in Self.order.enumerated() {
                            if k > 0 { copyText.append(0x09) }
                            if cell.text {
                                let (p, n) = textCells[cell.index]
                                if let p { Self.appendEscaped(UnsafeRawBufferPointer(start: p, count: n), to: &copyText) } else { Self.appendNull(&copyText) }
                            } else if let v = intCells[cell.index] {
                                Self.appendInt(v, to: &copyText)
                            } else {
                                Self.appendNull(&copyText)
                            }
                        }
                        copyText.append(0x09)
                        Self.appendInt(input, to: &copyText)
                        copyText.append(0x0A)
                        copied += 1
                    }
                }
            }
        }
        appended += batch.count
        guard copied > 0 else { return }
        let target = "(\(Self.eventColumns), input_id)"
        try db.execute("SAVEPOINT batch")
        do {
            try db.copy(into: "usage_events \(target)") { sink in try copyText.withUnsafeBytes { try sink($0) } }
            try db.execute("RELEASE SAVEPOINT batch")
            accepted += copied
        } catch is PGConnection.UniqueViolation {
            // Some id of this batch is stored already: redo the batch, skipping what is stored.
            try db.execute("ROLLBACK TO SAVEPOINT batch; RELEASE SAVEPOINT batch")
            try db.copy(into: "usage_stage \(target)") { sink in try copyText.withUnsafeBytes { try sink($0) } }
            accepted += try db.query("""
                INSERT INTO usage_events (\(Self.eventColumns), input_id)
                SELECT \(Self.stagedColumns), s.input_id FROM usage_stage s
                WHERE NOT EXISTS (SELECT 1 FROM usage_events e WHERE e.request_id = s.request_id)
                """).affected
            try db.execute("TRUNCATE usage_stage")
        }
    }

    /// Adds `id` to the window of recent ids; false if it is there already.
    private func remember(_ id: String) -> Bool {
        guard recent.insert(id).inserted else { return false }
        if recentOrder.count < Self.recentWindow {
            recentOrder.append(id)
        } else {
            recent.remove(recentOrder[recentHead])
            recentOrder[recentHead] = id
            recentHead = (recentHead + 1) % Self.recentWindow
        }
        return true
    }

    static func appendNull(_ out: inout [UInt8]) {
        out.append(0x5C)
        out.append(UInt8(ascii: "N"))
    }

    static func appendInt(_ v: Int64, to out: inout [UInt8]) {
        if v < 0 { out.append(UInt8(ascii: "-")) }
        var m = v.magnitude
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var n = 0
        withUnsafeMutableBytes(of: &digits) { d in
            repeat {
                d[n] = UInt8(truncatingIfNeeded: m % 10) + 0x30
                m /= 10
                n += 1
            } while m > 0
            while n > 0 {
                n -= 1
                out.append(d[n])
            }
        }
    }

    /// COPY text escaping: backslash, tab, newline and carriage return are escaped. Event
    /// fields almost never hold one, so a field without any is copied whole.
    static func appendEscaped(_ bytes: UnsafeRawBufferPointer, to out: inout [UInt8]) {
        if !bytes.contains(where: { $0 == 0x5C || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) {
            out.append(contentsOf: bytes)
            return
        }
        for c in bytes {
            switch c {
            case 0x5C: out.append(0x5C); out.append(0x5C)
            case 0x09: out.append(0x5C); out.append(UInt8(ascii: "t"))
            case 0x0A: out.append(0x5C); out.append(UInt8(ascii: "n"))
            case 0x0D: out.append(0x5C); out.append(UInt8(ascii: "r"))
            default: out.append(c)
            }
        }
    }

    func quarantine(_ row: QuarantinedRowRecord) throws {
        // Prepared once per session: a file full of bad rows inserts many of them.
        try db.executePrepared("settle_quarantine_stage",
                               "INSERT INTO quarantine_stage(line, source, reason, raw) VALUES ($1::bigint, $2, $3, $4)",
                               [String(row.line), row.source, row.reason, row.raw])
    }

    func commit(sha256: String, bytes: Int64, read: Int, quarantined: Int) throws -> (accepted: Int, duplicates: Int) {
        do {
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
