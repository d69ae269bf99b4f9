extension UsageEvent {
    /// Applies PRODUCT.md's rules for gateway usage events to one raw row. The first rule
    /// broken is the reason the row is quarantined.
    public init(validating f: UsageEventFields) throws(QuarantineReason) {
        let requestID = try Self.requiredText(f.requestID, "request_id")
        let tsText = try Self.requiredText(f.ts, "ts")
        guard let timestamp = Timestamp(rfc3339: tsText) else { throw .badTimestamp(tsText) }
        let customerID = try Self.requiredText(f.customerID, "customer_id")
        let provider = try Self.requiredText(f.provider, "provider")
        let model = try Self.requiredText(f.model, "model")
        let input = try Self.count(f.inputTokens, "input_tokens", required: true)!
        let cached = try Self.count(f.cachedInputTokens, "cached_input_tokens", required: false) ?? 0
        let cacheWrite = try Self.count(f.cacheWriteTokens, "cache_write_tokens", required: false) ?? 0
        let cacheWrite1h = try Self.count(f.cacheWrite1hTokens, "cache_write_1h_tokens", required: false) ?? 0
        guard cacheWrite1h <= cacheWrite else { throw .oneHourExceedsCacheWrite(oneHour: cacheWrite1h, cacheWrite: cacheWrite) }
        let output = try Self.count(f.outputTokens, "output_tokens", required: true)!
        guard cached <= input - cacheWrite else {
            throw .cacheExceedsInput(cached: cached, cacheWrite: cacheWrite, input: input)
        }
        var requests: Int64 = 1
        if !f.requests.isAbsent {
            requests = try Self.count(f.requests, "requests", required: true, allowNegative: true)!
            guard requests >= 1 else { throw .requestsBelowOne(String(requests)) }
        }
        var tier = Tier.standard
        if !f.tier.isAbsent {
            let text = try Self.optionalText(f.tier, "tier")!
            guard let t = Tier(rawValue: text) else { throw .unknownTier(text) }
            tier = t
        }
        var status = EventStatus.ok
        if !f.status.isAbsent {
            let text = try Self.optionalText(f.status, "status")!
            guard let s = EventStatus(rawValue: text) else { throw .unknownStatus(text) }
            status = s
        }
        let latency = try Self.count(f.latencyMs, "latency_ms", required: false)
        self.init(
            requestID: requestID, timestamp: timestamp, customerID: customerID, provider: provider, model: model,
            inputTokens: input, cachedInputTokens: cached, cacheWriteTokens: cacheWrite, cacheWrite1hTokens: cacheWrite1h,
            outputTokens: output, requests: requests, tier: tier, status: status,
            apiKeyID: try Self.optionalText(f.apiKeyID, "api_key_id"),
            upstreamAccount: try Self.optionalText(f.upstreamAccount, "upstream_account"),
            serviceID: try Self.optionalText(f.serviceID, "service_id"),
            latencyMs: latency,
            reportedCost: try Self.reportedCost(f.reportedCost)
        )
    }

    /// The gateway's own charge, for the charge audit: an amount ≥ 0 read exactly (float
    /// noise past 30 decimals rounded), or absent. Anything else is quarantined: an audit that
    /// dropped a figure it could not read would compare less than the gateway charged.
    private static func reportedCost(_ v: FieldValue) throws(QuarantineReason) -> ExactDecimal? {
        switch v {
        case .missing, .null: return nil
        case .text(let s) where s.isEmpty: return nil
        case .integer(let n):
            guard n >= 0 else { throw .badReportedCost(String(n)) }
            return ExactDecimal(n)
        case .text(let s), .otherNumber(let s):
            guard let d = ExactDecimal(roundingExcessDecimals: s), !d.isNegative, ReportedCost.nanos(d) != nil else { throw .badReportedCost(s) }
            return d
        case .bool(let b): throw .badReportedCost(String(b))
        case .nested: throw .badReportedCost("(an object or array)")
        }
    }

    private static func requiredText(_ v: FieldValue, _ name: String) throws(QuarantineReason) -> String {
        guard !v.isAbsent else { throw .missingField(name) }
        return try optionalText(v, name)!
    }

    /// The longest name and request id an event may carry, in UTF-8 bytes: far beyond any real
    /// one, and small enough that the eight names of an event always fit the store's index of
    /// them (PostgreSQL refuses index rows over about 2.7 kB).
    public static let maxNameBytes = 256
    public static let maxRequestIDBytes = 1_024

    /// Text fields accept strings, and numbers written without quotes (an id such as `42`).
    /// A NUL character or an overlong value is refused: no store keeps it as it came.
    private static func optionalText(_ v: FieldValue, _ name: String) throws(QuarantineReason) -> String? {
        let text: String?
        switch v {
        case .missing, .null: text = nil
        case .text(let s): text = s.isEmpty ? nil : s
        case .integer(let n): text = String(n)
        case .otherNumber(let s): text = s
        case .bool, .nested: throw .notText(field: name)
        }
        guard let text else { return nil }
        let limit = name == "request_id" ? maxRequestIDBytes : name == "ts" ? maxRequestIDBytes : maxNameBytes
        if text.utf8.count > limit { throw .unstorableText(field: name, why: "is \(text.utf8.count) bytes long (at most \(limit))") }
        // Over the contiguous bytes (every decoded field is): this runs for every text of every event.
        let nul = text.utf8.withContiguousStorageIfAvailable { bytes in
            var i = 0
            while i < bytes.count { if bytes[i] == 0 { return true }; i += 1 }
            return false
        } ?? text.utf8.contains(0)
        if nul { throw .unstorableText(field: name, why: "contains a NUL character") }
        return text
    }

    /// The largest count one event may carry (tokens, requests, latency in milliseconds): far
    /// beyond any request (a context window is millions of tokens, not billions), and what a
    /// 32-bit column holds, which halves an event's size in PostgreSQL. A row above it is a
    /// gateway's error, quarantined like a negative count.
    public static let maxCount: Int64 = 2_147_483_647

    /// Counts arrive as JSON numbers or digit strings; anything else is not a count.
    private static func count(
        _ v: FieldValue, _ name: String, required: Bool, allowNegative: Bool = false
    ) throws(QuarantineReason) -> Int64? {
        let value: Int64
        switch v {
        case .missing, .null:
            if required { throw .missingField(name) }
            return nil
        case .integer(let n):
            value = n
        case .text(let s):
            if s.isEmpty {
                if required { throw .missingField(name) }
                return nil
            }
            guard let n = parseInteger(s) else { throw .notACount(field: name, value: s) }
            value = n
        case .otherNumber(let s):
            throw .notACount(field: name, value: s)
        case .bool(let b):
            throw .notACount(field: name, value: String(b))
        case .nested:
            throw .notACount(field: name, value: "{…}")
        }
        if value < 0 && !allowNegative { throw .negativeCount(field: name, value: String(value)) }
        if value > maxCount { throw .countTooLarge(field: name, value: String(value)) }
        return value
    }

    private static func parseInteger(_ s: String) -> Int64? {
        let trimmed = s.utf8.count > 0 && s.utf8.first == UInt8(ascii: "+") ? String(s.dropFirst()) : s
        return Int64(trimmed)
    }
}
