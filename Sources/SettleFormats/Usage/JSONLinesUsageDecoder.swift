#if canImport(Glibc)
import Glibc
#endif
import SettleCore

/// Native JSON Lines: one event object per line; unknown members are ignored.
public struct JSONLinesUsageDecoder {
    public init() {}

    /// Member name → slot in `UsageEventFields.columnNames`, decided on the raw bytes by length
    /// and one distinguishing byte, then confirmed: no string is made for a key.
    @inline(__always)
    static func slot(_ key: UnsafeRawBufferPointer) -> Int? {
        let candidate: Int
        switch key.count {
        case 2: candidate = 1                                        // ts
        case 4: candidate = 10                                       // tier
        case 5: candidate = 4                                        // model
        case 6: candidate = 11                                       // status
        case 8:
            switch key[0] {
            case UInt8(ascii: "p"): candidate = 3                    // provider
            case UInt8(ascii: "r"): candidate = 9                    // requests
            default: return nil
            }
        case 10:
            switch key[0] {
            case UInt8(ascii: "r"): candidate = 0                    // request_id
            case UInt8(ascii: "a"): candidate = 12                   // api_key_id
            case UInt8(ascii: "s"): candidate = 14                   // service_id
            case UInt8(ascii: "l"): candidate = 15                   // latency_ms
            default: return nil
            }
        case 11: candidate = 2                                       // customer_id
        case 12: candidate = 5                                       // input_tokens
        case 13:
            switch key[0] {
            case UInt8(ascii: "o"): candidate = 8                    // output_tokens
            case UInt8(ascii: "r"): candidate = 16                   // reported_cost
            default: return nil
            }
        case 16: candidate = 13                                      // upstream_account
        case 18: candidate = 7                                       // cache_write_tokens
        case 19: candidate = 6                                       // cached_input_tokens
        case 21: candidate = 17                                      // cache_write_1h_tokens
        default: return nil
        }
        return keys[candidate].withUnsafeBytes { memEqual($0, key) } ? candidate : nil
    }

    private static let keys: [[UInt8]] = UsageEventFields.columnNames.map { Array($0.utf8) }

    public func decode(_ line: UnsafeRawBufferPointer, lineNumber: Int, source: String) -> UsageRow {
        var fields = UsageEventFields()
        do {
            try FlatJSONObject.parse(line, wants: Self.slot) { slot, value in
                fields.set(slot: slot, value)
            }
        } catch {
            return .quarantined(QuarantinedRow(
                source: source, line: lineNumber, reason: QuarantineReason.notJSON(error.description),
                raw: line.lossyString))
        }
        do {
            return .event(try UsageEvent(validating: fields), line: lineNumber)
        } catch {
            return .quarantined(QuarantinedRow(source: source, line: lineNumber, reason: error, raw: line.lossyString))
        }
    }
}

@inline(__always)
func memEqual(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
    a.count == b.count && (a.count == 0 || memcmp(a.baseAddress!, b.baseAddress!, a.count) == 0)
}
