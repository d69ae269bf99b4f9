import SettleCore

/// Renders batches as COPY text on the decoding thread, leaving out ids seen recently in the
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
        batch.text.withUnsafeBytes { text in
            batch.starts.withUnsafeBufferPointer { starts in
                batch.ints.withUnsafeBufferPointer { ints in
                    let base = UsageEventBatch.base(text)
                    for (n, row32) in kept.enumerated() {
                        let row = Int(row32)
                        let storedID = encoded.ids[Int(encoded.idStarts[n])..<Int(encoded.idStarts[n + 1])]
                        PostgresCopyText.appendBytea(storedID, to: &ids)
                        ids.append(0x0A)
                        let i = row * UsageEventBatch.intsPerRow
                        let ts = ints[i]
                        // Events come nearly in time order: the month is worked out when the day changes.
                        let day = LoadRollup.dayOrdinal(ts)
                        if day != lastDay {
                            lastDay = day
                            let month = PeriodMonth(containing: UTCDay(ordinal: Int(day)))
                            if !months.contains(month) { months.append(month) }
                        }
                        PostgresCopyText.appendBytea(storedID, to: &copyText)
                        copyText.append(0x09)
                        PostgresCopyText.appendInt(ts, to: &copyText)
                        copyText.append(0x09)
                        PostgresCopyText.appendInt(encoded.callers[n], to: &copyText)
                        copyText.append(0x09)
                        PostgresCopyText.appendInt(encoded.models[n], to: &copyText)
                        for c in Self.countCells {
                            copyText.append(0x09)
                            let v = ints[i + c]
                            if v == Int64.min || (v == 0 && Self.zeroAsNull.contains(c)) {
                                PostgresCopyText.appendNull(&copyText)
                            } else {
                                PostgresCopyText.appendInt(v, to: &copyText)
                            }
                        }
                        copyText.append(0x09)
                        let k = row * UsageEventBatch.textsPerRow + UsageEventBatch.textsPerRow - 1
                        if starts[k] < 0 {
                            PostgresCopyText.appendNull(&copyText)
                        } else {
                            let start = Int(starts[k])
                            var j = k + 1
                            while starts[j] < 0 { j += 1 }
                            PostgresCopyText.appendEscaped(UnsafeRawBufferPointer(start: base + start, count: Int(starts[j]) - start), to: &copyText)
                        }
                        copyText.append(0x09)
                        PostgresCopyText.appendInt(input, to: &copyText)
                        copyText.append(0x0A)
                    }
                }
            }
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
