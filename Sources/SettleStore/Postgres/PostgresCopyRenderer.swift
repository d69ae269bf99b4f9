import SettleCore

/// Renders batches as COPY text on the decoding thread, leaving out ids seen recently in the
/// same file (retries, repeated log lines), so that the writing thread only talks to the
/// server. The window is an optimisation: a repeat it misses trips the primary key and that
/// batch takes the exact slow path.
final class PostgresCopyRenderer: UsageBatchPreparer, @unchecked Sendable {
    private let inputID: Int64
    private var recent = RecentRequestIDs(capacity: recentWindow)
    static let recentWindow = 200_000

    init(inputID: Int64) { self.inputID = inputID }

    /// COPY text columns in `eventColumns` order, from the batch's text cells (0…8) and
    /// integer cells (0…6).
    private static let order: [(text: Bool, index: Int)] = [
        (true, 0), (false, 0), (true, 1), (true, 2), (true, 3), (false, 1), (false, 2), (false, 3), (false, 4),
        (false, 5), (true, 4), (true, 5), (true, 6), (true, 7), (true, 8), (false, 6), (true, 9),
    ]

    func prepare(_ batch: inout UsageEventBatch) {
        var copyText: [UInt8] = []
        copyText.reserveCapacity(batch.count * 200)
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
                        kept.append(Int32(row))
                    }
                }
            }
        }
        batch.prepared = copyText
        batch.preparedRows = copied
        batch.preparedKept = kept
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

}
