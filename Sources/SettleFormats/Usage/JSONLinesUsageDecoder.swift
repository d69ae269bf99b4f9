import SettleCore

/// Native JSON Lines: one event object per line; unknown members are ignored.
public struct JSONLinesUsageDecoder {
    public init() {}

    /// Member names → the slot in `UsageEventFields.columnNames`, matched on raw bytes so that
    /// no string is made for a key.
    private static let keys: [[UInt8]] = UsageEventFields.columnNames.map { Array($0.utf8) }

    @inline(__always)
    static func slot(_ key: UnsafeRawBufferPointer) -> Int? {
        let n = key.count
        for (i, k) in keys.enumerated() where k.count == n {
            if k.withUnsafeBytes({ memEqual($0, key) }) { return i }
        }
        return nil
    }

    public func decode(_ line: UnsafeRawBufferPointer, lineNumber: Int, source: String) -> UsageRow {
        var fields = UsageEventFields()
        do {
            try FlatJSONObject.parse(line, wants: Self.slot) { slot, value in
                fields.set(slot: slot, value)
            }
        } catch {
            return .quarantined(QuarantinedRow(
                source: source, line: lineNumber, reason: QuarantineReason.notJSON(error.description).description,
                raw: line.lossyString))
        }
        do {
            return .event(try UsageEvent(validating: fields), line: lineNumber)
        } catch {
            return .quarantined(QuarantinedRow(source: source, line: lineNumber, reason: error.description, raw: line.lossyString))
        }
    }
}

@inline(__always)
func memEqual(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
    guard a.count == b.count else { return false }
    for i in 0..<a.count where a[i] != b[i] { return false }
    return true
}

extension UsageEventFields {
    /// Sets a field by its index in `columnNames`: the decoders' fast path.
    @inline(__always)
    public mutating func set(slot: Int, _ value: FieldValue) {
        switch slot {
        case 0: requestID = value
        case 1: ts = value
        case 2: customerID = value
        case 3: provider = value
        case 4: model = value
        case 5: inputTokens = value
        case 6: cachedInputTokens = value
        case 7: cacheWriteTokens = value
        case 8: outputTokens = value
        case 9: requests = value
        case 10: tier = value
        case 11: status = value
        case 12: apiKeyID = value
        case 13: upstreamAccount = value
        case 14: serviceID = value
        case 15: latencyMs = value
        default: break
        }
    }
}
