import SettleCore

/// Events packed column by column, ready to bind: integers in one array, text in one byte
/// arena. The decoding thread builds it, so the thread that writes to the database only binds
/// pointers, and the two cores share the work of a load evenly.
public struct UsageEventBatch: Sendable {
    /// Integer columns per row, in `intColumns` order; a null latency is `Int64.min`.
    public static let intsPerRow = 8
    /// Text columns per row, in `textColumns` order.
    public static let textsPerRow = 10

    public private(set) var count = 0
    var ints: [Int64] = []
    var text: [UInt8] = []
    /// For each text cell, where it starts in `text`; -1 for null. One extra entry closes the last.
    var starts: [Int32] = [0]
    /// Set by a store's `UsageBatchPreparer`: the rows rendered in the store's bulk format
    /// (COPY text for PostgreSQL), repeats already left out, and how many rows that is.
    public var prepared: [UInt8]?
    public var preparedRows = 0
    /// The rows that `prepared` holds, in order.
    public var preparedKept: [Int32] = []
    /// Their request ids alone, in the same bulk format (PostgreSQL's request-id set).
    public var preparedIDs: [UInt8] = []
    /// The calendar months (UTC) they fall in.
    public var preparedMonths: [PeriodMonth] = []
    /// SQLite: the rows in their stored form, and the names and prefixes the preparer numbered,
    /// which the writer stores first.
    var preparedEncoding: EncodedRows?
    var preparedMade = MadeNames()
    /// Why the preparer could not render the batch (the writer throws it).
    public var preparedError: StoreError?

    public init(capacity: Int = 0) {
        ints.reserveCapacity(capacity * Self.intsPerRow)
        starts.reserveCapacity(capacity * Self.textsPerRow + 1)
        text.reserveCapacity(capacity * 96)
    }

    public var isEmpty: Bool { count == 0 }

    public mutating func append(_ e: UsageEvent) {
        ints.append(e.timestamp.microseconds)
        ints.append(e.inputTokens)
        ints.append(e.cachedInputTokens)
        ints.append(e.cacheWriteTokens)
        ints.append(e.outputTokens)
        ints.append(e.requests)
        ints.append(e.latencyMs ?? Int64.min)
        ints.append(e.cacheWrite1hTokens)
        starts.removeLast()
        put(e.requestID)
        put(e.customerID)
        put(e.provider)
        put(e.model)
        put(e.tier.rawValue)
        put(e.status.rawValue)
        put(e.apiKeyID)
        put(e.upstreamAccount)
        put(e.serviceID)
        put(e.reportedCost?.description)
        starts.append(Int32(text.count))
        count += 1
    }

    @inline(__always)
    private mutating func put(_ s: String?) {
        guard let s else { starts.append(-1); return }
        starts.append(Int32(text.count))
        text.append(contentsOf: s.utf8)
    }

    /// Where the text arena starts, for cells to point into. An empty arena has no address;
    /// no cell then has a byte to read, so the one-byte block below stands in (never read).
    static func base(_ text: UnsafeRawBufferPointer) -> UnsafeRawPointer {
        text.baseAddress ?? UnsafeRawPointer(emptyArena)
    }

    nonisolated(unsafe) private static let emptyArena = UnsafeMutableRawPointer.allocate(byteCount: 1, alignment: 1)

    /// The request_id of row `row`, for error messages.
    public func requestID(_ row: Int) -> String {
        let k = row * Self.textsPerRow
        let start = Int(starts[k])
        var j = k + 1
        while starts[j] < 0 { j += 1 }
        return String(decoding: text[start..<Int(starts[j])], as: UTF8.self)
    }

    /// Calls `body(column, pointer, length)` for each text cell of `row` (pointer nil for null),
    /// and `int(column, value)` for each integer cell (value nil for null).
    @inline(__always)
    func withCells(
        row: Int, base: UnsafeRawPointer, starts: UnsafeBufferPointer<Int32>, ints: UnsafeBufferPointer<Int64>,
        text body: (Int, UnsafeRawPointer?, Int) -> Void, int: (Int, Int64?) -> Void
    ) {
        let k = row * Self.textsPerRow
        for i in 0..<Self.textsPerRow {
            let start = starts[k + i]
            if start < 0 { body(i, nil, 0); continue }
            var j = k + i + 1
            while starts[j] < 0 { j += 1 }
            body(i, base + Int(start), Int(starts[j] - start))
        }
        let n = row * Self.intsPerRow
        for i in 0..<Self.intsPerRow {
            let v = ints[n + i]
            int(i, v == Int64.min ? nil : v)
        }
    }
}
