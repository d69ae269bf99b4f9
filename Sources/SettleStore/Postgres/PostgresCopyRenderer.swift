import SettleCore

/// Renders batches as COPY text on the decoding thread, leaving out ids seen recently in the
/// same file (retries, repeated log lines), so that the writing thread only talks to the
/// server. The window is an optimisation: a repeat it misses trips the request-id set's key
/// and that batch takes the exact slow path (which keeps the first copy of an id).
final class PostgresCopyRenderer: UsageBatchPreparer, @unchecked Sendable {
    private let inputID: Int64
    private var recent = RecentRequestIDs(capacity: recentWindow)
    static let recentWindow = 200_000

    init(inputID: Int64) { self.inputID = inputID }

    /// COPY text columns in `eventColumns` order, from the batch's text cells (0…9) and
    /// integer cells (0…7).
    private static let order: [(text: Bool, index: Int)] = [
        (true, 0), (false, 0), (true, 1), (true, 2), (true, 3), (false, 1), (false, 2), (false, 3), (false, 4),
        (false, 5), (true, 4), (true, 5), (true, 6), (true, 7), (true, 8), (false, 6), (true, 9), (false, 7),
    ]

    func prepare(_ batch: inout UsageEventBatch) {
        var copyText: [UInt8] = []
        copyText.reserveCapacity(batch.count * 200)
        var ids: [UInt8] = []
        ids.reserveCapacity(batch.count * 40)
        var months: [PeriodMonth] = []
        var lastDay = Int64.min
        var copied = 0
        var kept: [Int32] = []
        kept.reserveCapacity(batch.count)
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
                        // Seen earlier in this file: a duplicate.
                        guard recent.insert(UnsafeRawBufferPointer(start: idPointer, count: idLength)) else { continue }
                        PostgresCopyText.appendEscaped(UnsafeRawBufferPointer(start: idPointer, count: idLength), to: &ids)
                        ids.append(0x0A)
                        // Events come nearly in time order: the month is worked out when the day changes.
                        let day = LoadRollup.dayOrdinal(intCells[0] ?? 0)
                        if day != lastDay {
                            lastDay = day
                            let month = PeriodMonth(containing: UTCDay(ordinal: Int(day)))
                            if !months.contains(month) { months.append(month) }
                        }
                        for (k, cell) in Self.order.enumerated() {
                            if k > 0 { copyText.append(0x09) }
                            if cell.text {
                                let (p, n) = textCells[cell.index]
                                if let p { PostgresCopyText.appendEscaped(UnsafeRawBufferPointer(start: p, count: n), to: &copyText) } else { PostgresCopyText.appendNull(&copyText) }
                            } else if let v = intCells[cell.index] {
                                PostgresCopyText.appendInt(v, to: &copyText)
                            } else {
                                PostgresCopyText.appendNull(&copyText)
                            }
                        }
                        copyText.append(0x09)
                        PostgresCopyText.appendInt(input, to: &copyText)
                        copyText.append(0x0A)
                        copied += 1
                        kept.append(Int32(row))
                    }
                }
            }
        }
        batch.prepared = copyText
        batch.preparedIDs = ids
        batch.preparedMonths = months
        batch.preparedRows = copied
        batch.preparedKept = kept
    }
}
