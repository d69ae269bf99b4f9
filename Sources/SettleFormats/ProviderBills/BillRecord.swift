import SettleCore

/// One record of a provider bill after decoding. A record (an API result, a CSV row) may
/// give several bill lines: one OpenAI usage result holds four token types.
public enum BillRecord: Sendable {
    case lines([BillLine])
    case quarantined(QuarantinedRow)
    /// A row that is not ours to reconcile (a CUR row of another AWS service, a FOCUS row of a
    /// cloud bill's compute or storage): counted per service, named here, not kept.
    case skipped(String)
}

/// Why a provider bill record is quarantined: the stable codes, counted per file.
public enum BillQuarantineCode: String, Sendable, CaseIterable {
    case badAmount = "bad_amount"
    case badCount = "bad_count"
    case badTime = "bad_time"
    case bucketSpansDays = "bucket_spans_days"
    case chargePeriodNotUtcDays = "charge_period_not_utc_days"
    case chargePeriodSpansDays = "charge_period_spans_days"
    case fractionalQuantity = "fractional_quantity"
    case missingField = "missing_field"
    case notCsv = "not_csv"
    case notGroupedByLineItem = "not_grouped_by_line_item"
    case notGroupedByModel = "not_grouped_by_model"
    case uncachedMismatch = "uncached_mismatch"
    case unknownContextWindow = "unknown_context_window"
    case unknownTier = "unknown_tier"
    case unknownTokenType = "unknown_token_type"
    case unknownUnit = "unknown_unit"
    case unknownUsageType = "unknown_usage_type"
    case unmatchedSku = "unmatched_sku"
    case unsupportedCurrency = "unsupported_currency"
    case noExchangeRate = "no_exchange_rate"
}

/// A field of a report record that settle cannot use; the record is quarantined with it.
struct BillFieldProblem: Error {
    var code: BillQuarantineCode
    var detail: String
    init(_ code: BillQuarantineCode, _ detail: String) {
        self.code = code
        self.detail = detail
    }

    /// `code: detail`, as the quarantine file and the store keep it.
    var reason: String { "\(code.rawValue): \(detail)" }
}

extension JSONValue {
    /// Compact JSON text again, for quarantine records.
    var rendered: String { jsonText.rendered() }

    var jsonText: JSONText {
        switch self {
        case .object(let members): return .object(members.map { ($0.0, $0.1.jsonText) })
        case .array(let items): return .array(items.map(\.jsonText))
        case .string(let s): return .string(s)
        case .number(let n): return .number(n)
        case .bool(let b): return .bool(b)
        case .null: return .null
        }
    }

    /// A token count: a JSON integer or a digit string, ≥ 0. Absent or null gives `absent`.
    func count(_ key: String, absent: Int64? = 0) throws(BillFieldProblem) -> Int64 {
        guard let v = self[key], v != .null else {
            guard let absent else { throw BillFieldProblem(.missingField, "\(key)") }
            return absent
        }
        guard let text = v.decimalText, let n = Int64(text), n >= 0, n < 1_000_000_000_000_000 else {
            throw BillFieldProblem(.badCount, "\(key) is not a whole number ≥ 0")
        }
        return n
    }

    /// An exact amount from a number or a string (OpenAI sends both).
    func amount(_ key: String) throws(BillFieldProblem) -> ExactDecimal {
        guard let v = self[key], let text = v.decimalText else { throw BillFieldProblem(.missingField, "\(key)") }
        // JSON numbers carry binary float noise; one far below a cent may need more decimals
        // than any money figure keeps.
        guard let d = ExactDecimal(roundingExcessDecimals: text) else { throw BillFieldProblem(.badAmount, "\(key) is not a decimal number") }
        return try BillAmount.checked(d, key)
    }

    func text(_ key: String) -> String? {
        guard let v = self[key] else { return nil }
        switch v {
        case .string(let s): return s
        case .number(let n): return n
        default: return nil
        }
    }

    func requiredText(_ key: String) throws(BillFieldProblem) -> String {
        guard let s = text(key), !s.isEmpty else { throw BillFieldProblem(.missingField, "\(key)") }
        return s
    }
}

/// Amounts and quantities beyond any real bill are refused per record, so that a corrupt field
/// is quarantined instead of overflowing the exact arithmetic later.
enum BillAmount {
    static let limit = ExactDecimal(1_000_000_000_000_000)   // 10^15

    static func checked(_ d: ExactDecimal, _ field: String) throws(BillFieldProblem) -> ExactDecimal {
        guard d.magnitude < limit else { throw BillFieldProblem(.badAmount, "\(field) \(d) is beyond any real bill") }
        return d
    }

    /// Parses an amount from CSV text.
    static func parse(_ text: String, _ field: String) throws(BillFieldProblem) -> ExactDecimal {
        guard let d = ExactDecimal(text) else { throw BillFieldProblem(.badAmount, "\(field) \(text.isEmpty ? "(empty)" : text) is not a decimal number") }
        return try checked(d, field)
    }
}

/// The UTC day of a report bucket, from its bounds; a bucket that spans two UTC days is not
/// split by guess.
enum BucketDay {
    static func fromUnix(start: JSONValue?, end: JSONValue?) throws(BillFieldProblem) -> UTCDay {
        guard let s = start?.decimalText, let startSeconds = Int64(s) else { throw BillFieldProblem(.missingField, "start_time") }
        let day = UTCDay(ordinal: Int(floorDiv(startSeconds, 86_400)))
        if let e = end?.decimalText, let endSeconds = Int64(e), endSeconds > Int64(day.ordinal + 1) * 86_400 {
            throw BillFieldProblem(.bucketSpansDays, "the bucket runs past the end of \(day) UTC; ask for 1d buckets starting at midnight UTC")
        }
        return day
    }

    static func fromRFC3339(start: String?, end: String?) throws(BillFieldProblem) -> UTCDay {
        guard let start, let t = Timestamp(rfc3339: start) else { throw BillFieldProblem(.badTime, "starting_at") }
        let day = t.day
        if let end, let e = Timestamp(rfc3339: end), e > day.adding(days: 1).start {
            throw BillFieldProblem(.bucketSpansDays, "the bucket runs past the end of \(day) UTC; ask for 1d buckets")
        }
        return day
    }

    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        a >= 0 ? a / b : -((-a + b - 1) / b)
    }
}

/// Service tiers as providers spell them. An unknown tier is quarantined, never guessed.
enum ProviderTier {
    static func parse(_ text: String?) throws(BillFieldProblem) -> Tier {
        guard let raw = text?.lowercased(), !raw.isEmpty else { return .standard }
        switch raw {
        case "standard", "default", "auto", "on_demand": return .standard
        case "batch": return .batch
        case "priority", "priority_on_demand", "scale": return .priority
        case "flex", "flex_discount": return .flex
        default: throw BillFieldProblem(.unknownTier, "\(raw)")
        }
    }
}
