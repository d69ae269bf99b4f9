/// Why an input row could not become an event. The row is quarantined with this reason, its
/// source, line number and raw text, and counted: nothing is dropped in silence.
public enum QuarantineReason: Error, Sendable, Hashable, CustomStringConvertible {
    case notJSON(String)
    case missingField(String)
    case badTimestamp(String)
    case notACount(field: String, value: String)
    case negativeCount(field: String, value: String)
    case countTooLarge(field: String, value: String)
    case unstorableText(field: String, why: String)
    case cacheExceedsInput(cached: Int64, cacheWrite: Int64, input: Int64)
    case unknownTier(String)
    case unknownStatus(String)
    case requestsBelowOne(String)
    case notText(field: String)
    case wrongColumnCount(expected: Int, found: Int)
    case notUTF8
    case badReportedCost(String)
    case oneHourExceedsCacheWrite(oneHour: Int64, cacheWrite: Int64)
    /// A CSV record that cannot be read as one (an unterminated quote, say).
    case notCSV(String)

    /// A stable code, first in the reason text, for grouping in a spreadsheet.
    public var code: String {
        switch self {
        case .notJSON: return "not_json"
        case .missingField: return "missing_field"
        case .badTimestamp: return "bad_timestamp"
        case .notACount: return "not_a_count"
        case .negativeCount: return "negative_count"
        case .countTooLarge: return "count_too_large"
        case .unstorableText: return "unstorable_text"
        case .cacheExceedsInput: return "cache_exceeds_input"
        case .unknownTier: return "unknown_tier"
        case .unknownStatus: return "unknown_status"
        case .requestsBelowOne: return "requests_below_one"
        case .notText: return "not_text"
        case .wrongColumnCount: return "wrong_column_count"
        case .notUTF8: return "not_utf8"
        case .badReportedCost: return "bad_reported_cost"
        case .oneHourExceedsCacheWrite: return "cache_1h_exceeds_cache_write"
        case .notCSV: return "not_csv"
        }
    }

    public var description: String {
        switch self {
        case .notJSON(let detail): return "not_json: \(detail)"
        case .missingField(let field): return "missing_field: \(field) is required"
        case .badTimestamp(let value): return "bad_timestamp: ts \(quoted(value)) is not an RFC 3339 time"
        case .notACount(let field, let value): return "not_a_count: \(field) \(quoted(value)) is not a whole number"
        case .negativeCount(let field, let value): return "negative_count: \(field) is \(value)"
        case .countTooLarge(let field, let value): return "count_too_large: \(field) is \(value), more than one event can carry (at most 2147483647)"
        case .unstorableText(let field, let why): return "unstorable_text: \(field) \(why)"
        case .cacheExceedsInput(let cached, let write, let input):
            return "cache_exceeds_input: cached_input_tokens \(cached) + cache_write_tokens \(write) > input_tokens \(input)"
        case .unknownTier(let value): return "unknown_tier: tier \(quoted(value)) is not standard, batch, priority or flex"
        case .unknownStatus(let value): return "unknown_status: status \(quoted(value)) is not ok or error"
        case .requestsBelowOne(let value): return "requests_below_one: requests is \(value), at least 1 expected"
        case .notText(let field): return "not_text: \(field) must be a string"
        case .wrongColumnCount(let expected, let found): return "wrong_column_count: \(found) columns, the header has \(expected)"
        case .notUTF8: return "not_utf8: the line is not valid UTF-8"
        case .badReportedCost(let value): return "bad_reported_cost: reported_cost \(quoted(value)) is not an amount ≥ 0"
        case .notCSV(let why): return "not_csv: \(why)"
        case .oneHourExceedsCacheWrite(let oneHour, let cacheWrite):
            return "cache_1h_exceeds_cache_write: cache_write_1h_tokens \(oneHour) > cache_write_tokens \(cacheWrite) (the one-hour writes are part of them)"
        }
    }

    private func quoted(_ s: String) -> String {
        let cut = s.count > 60 ? String(s.prefix(60)) + "…" : s
        return "\"\(cut)\""
    }
}
