import SettleCore

/// Renders batches as binary COPY streams (`PostgresCopyBinary`) on the decoding thread, leaving out ids seen recently in the
/// same file (retries, repeated log lines), so that the writing thread only talks to the
/// server. The window is an optimisation: a repeat it misses trips the request-id set's key
/// and that batch takes the exact slow path (which keeps the first copy of an id).
final class PostgresCopyRenderer: UsageBatchPreparer, @unchecked Sendable {
    private let inputID: Int64
    private var recent = RecentRequestIDs(capacity: recentWindow)
    private let keys: UsageKeyBook
    static let recentWindow = 200_000

    init(inputID: Int64, url: String) {
        self.inputID = inputID
        keys = UsageKeyBook(resolver: PostgresKeyResolver(url: url))
    }

    /// COPY text columns after the request id, key id and counts, from the batch's integer cells
    /// (ts, input, cached, cache write, output, requests, latency, one-hour cache write).
    private static let countCells = [1, 2, 3, 7, 4, 5, 6]
    /// Cells stored as NULL when zero (cache counts: most events have none).
    private static let zeroAsNull: Set<Int> = [2, 3, 7]

    func prepare(_ batch: inout UsageEventBatch) {
        var copyText: [UInt8] = []
        copyText.reserveCapacity(batch.count * 120)
        var ids: [UInt8] = []
        ids.reserveCapacity(batch.count * 36)
        var months: [PeriodMonth] = []
        var lastDay = Int64.min
        var kept: [Int32] = []
        kept.reserveCapacity(batch.count)
        let input = inputID
        // Repeats seen earlier in this file are left out first.
        batch.text.withUnsafeBytes { text in
            batch.starts.withUnsafeBufferPointer { starts in
                let base = UsageEventBatch.base(text)
                for row in 0..<batch.count {
                    let k = row * UsageEventBatch.textsPerRow
                    let start = Int(starts[k])
                    var j = k + 1
                    while starts[j] < 0 { j += 1 }
                    if recent.insert(UnsafeRawBufferPointer(start: base + start, count: Int(starts[j]) - start)) { kept.append(Int32(row)) }
                }
            }
        }
        let encoded: EncodedRows
        do {
            encoded = try keys.encode(batch, rows: kept.lazy.map { Int($0) })
        } catch {
            batch.preparedError = error as? StoreError ?? StoreError("\(error)")
            return
        }
        copyText.append(contentsOf: PostgresCopyBinary.header)
        ids.append(contentsOf: PostgresCopyBinary.header)
        var outOfRange: String?
        batch.text.withUnsafeBytes { text in
            batch.starts.withUnsafeBufferPointer { starts in
                batch.ints.withUnsafeBufferPointer { ints in
                    let base = UsageEventBatch.base(text)
                    for (n, row32) in kept.enumerated() {
                        let row = Int(row32)
                        let storedID = encoded.ids[Int(encoded.idStarts[n])..<Int(encoded.idStarts[n + 1])]
                        PostgresCopyBinary.appendTuple(fields: 1, to: &ids)
                        PostgresCopyBinary.appendBytes(storedID, to: &ids)
                        let i = row * UsageEventBatch.intsPerRow
                        let ts = ints[i]
                        // Events come nearly in time order: the month is worked out when the day changes.
                        let day = LoadRollup.dayOrdinal(ts)
                        if day != lastDay {
                            lastDay = day
                            let month = PeriodMonth(containing: UTCDay(ordinal: Int(day)))
                            if !months.contains(month) { months.append(month) }
                        }
                        // `StoredEvents.columns`: request_id, ts_us (bigint), caller and model ids and
                        // the counts (integer), reported_cost (text), input_id (integer).
                        PostgresCopyBinary.appendTuple(fields: Int16(StoredEvents.columns.count), to: &copyText)
                        PostgresCopyBinary.appendBytes(storedID, to: &copyText)
                        PostgresCopyBinary.appendInt8(ts, to: &copyText)
                        for (name, v) in [("caller_id", encoded.callers[n]), ("model_id", encoded.models[n])] {
                            if !PostgresCopyBinary.fitsInt4(v) { outOfRange = outOfRange ?? "\(name) \(v)" }
                            PostgresCopyBinary.appendInt4(v, to: &copyText)
                        }
                        for c in Self.countCells {
                            let v = ints[i + c]
                            if v == Int64.min || (v == 0 && Self.zeroAsNull.contains(c)) {
                                PostgresCopyBinary.appendNull(&copyText)
                            } else {
                                if !PostgresCopyBinary.fitsInt4(v) { outOfRange = outOfRange ?? "a count of \(v)" }
                                PostgresCopyBinary.appendInt4(v, to: &copyText)
                            }
                        }
                        let k = row * UsageEventBatch.textsPerRow + UsageEventBatch.textsPerRow - 1
                        if starts[k] < 0 {
                            PostgresCopyBinary.appendNull(&copyText)
                        } else {
                            let start = Int(starts[k])
                            var j = k + 1
                            while starts[j] < 0 { j += 1 }
                            PostgresCopyBinary.appendBytes(UnsafeRawBufferPointer(start: base + start, count: Int(starts[j]) - start), to: &copyText)
                        }
                        PostgresCopyBinary.appendInt4(input, to: &copyText)
                    }
                }
            }
        }
        copyText.append(contentsOf: PostgresCopyBinary.trailer)
        ids.append(contentsOf: PostgresCopyBinary.trailer)
        if let outOfRange {
            // The decoder keeps counts within PostgreSQL's integer; an id past it is a store
            // grown beyond what its columns hold.
            batch.preparedError = StoreError("an event's \(outOfRange) does not fit usage_events' integer columns; nothing of this file was stored")
            return
        }
        batch.prepared = copyText
        batch.preparedIDs = ids
        batch.preparedMonths = months
        batch.preparedRows = kept.count
        batch.preparedKept = kept
    }
}

/// Keys and prefixes a PostgreSQL load has not met, found or made on a connection of the
/// load's own (opened at the first one), each statement committed at once.
final class PostgresKeyResolver: UsageKeyResolver {
    private let url: String
    private var resolver: SQLUsageKeyResolver?
    private var connection: PGConnection?

    init(url: String) { self.url = url }

    private func open() throws -> SQLUsageKeyResolver {
        if let resolver { return resolver }
        let db = try PGConnection(url: url, applicationName: "settle keys")
        connection = db
        let made = SQLUsageKeyResolver(db)
        resolver = made
        return made
    }

    func ids(of entries: [[String]], in dictionary: NameDictionary, new: Bool) throws -> [Int64] {
        try open().ids(of: entries, in: dictionary, new: new)
    }
    func stored(_ dictionary: NameDictionary, limit: Int) throws -> [([String], Int64)]? { try open().stored(dictionary, limit: limit) }
    func prefixID(_ prefix: String) throws -> UInt8? { try open().prefixID(prefix) }
}
