import SettleCore

/// FOCUS 1.0–1.3 cost and usage CSV (the FinOps Open Cost and Usage Specification), as
/// FORMATS.md describes it.
///
/// A FOCUS export is usually a whole cloud bill: compute, storage, network, and a few AI rows.
/// Only token usage is ours to reconcile; every other row is counted as skipped under its
/// `ServiceName`, never quarantined, or a monthly export would quarantine thousands of rows
/// every night. The model and token type come from the first source that gives both:
/// `SkuPriceDetails` (JSON inside the CSV field), then `SkuMeter`, then `SkuId` or
/// `ChargeDescription` by the configurable `[focus] sku_pattern`. A row's charge period may be an
/// hour, a day or a month: a longer period becomes a bill line with a `through` day.
struct FOCUSDecoder {
    static let required = ["ChargePeriodStart", "ChargeCategory", "BilledCost", "ConsumedQuantity", "ConsumedUnit"]
    let header: BillCSVHeader
    let pattern: Regex<AnyRegexOutput>
    let providerNames: [String: String]
    let options: BillReadOptions
    /// `ServiceProviderName` in FOCUS 1.3, `ProviderName` before it.
    let providerColumns: [String]

    init(header cells: [String], path: String, options: BillReadOptions) throws(InputFileError) {
        header = try BillCSVHeader(cells, required: Self.required, path: path, format: .focus)
        providerColumns = ["ServiceProviderName", "ProviderName"].filter(header.has)
        guard !providerColumns.isEmpty else {
            throw InputFileError(path: path, line: 1, "not a FOCUS file: the header has neither ServiceProviderName (FOCUS 1.3) nor ProviderName (1.0–1.2)")
        }
        guard ["SkuPriceDetails", "SkuMeter", "SkuId", "ChargeDescription"].contains(where: header.has) else {
            throw InputFileError(path: path, line: 1, "not a FOCUS file: the header has none of SkuPriceDetails, SkuMeter, SkuId and ChargeDescription, so no model can be read")
        }
        do {
            pattern = try Regex(options.focusPattern)
        } catch {
            throw InputFileError(path: path, "the FOCUS pattern \(options.focusPattern) is not a regular expression: \(error)")
        }
        providerNames = options.providerNames
        self.options = options
    }

    /// A cell with FOCUS's bare `NULL` read as empty.
    func cell(_ cells: [String], _ column: String) -> String {
        let text = header.cell(cells, column)
        return text == "NULL" ? "" : text
    }

    func decode(_ cells: [String]) throws(BillFieldProblem) -> BillRecord {
        let category = cell(cells, "ChargeCategory")
        let correction = cell(cells, "ChargeClass").lowercased() == "correction"
        let unit = cell(cells, "ConsumedUnit")
        let meter = ConsumedMeter(unit)
        let identity = tokenIdentity(cells)
        let isUsage = category.lowercased() == "usage"
        guard let (model, type) = identity else {
            // Not token usage: compute, storage, an AI service's VMs, and the credits and taxes
            // of such services. A row in tokens that names no model is ours, and unreadable.
            if isUsage, meter?.isTokens == true {
                throw BillFieldProblem(.unmatchedSku, "a row in \(unit) names no model and token type (SkuPriceDetails ModelId and TokenType or TokenDirection, SkuMeter, or SkuId/ChargeDescription matching [focus] sku_pattern)")
            }
            let service = cell(cells, "ServiceName")
            return .skipped(service.isEmpty ? (category.isEmpty ? "(no ServiceName)" : "(\(category))") : service)
        }
        let provider = try self.provider(cells)
        let (day, through) = try period(cells)
        // A bill in another currency than the base: converted at the rate of its charge period's
        // last day, and the line says which.
        let rate = try options.rate(billedIn: cell(cells, "BillingCurrency"), on: through ?? day)
        let cost = BillReadOptions.converted(try BillAmount.parse(cell(cells, "BilledCost"), "BilledCost"), rate)
        guard isUsage else {
            // A credit, adjustment or tax of token usage: a named line beside the model's cells.
            var line = BillLine(provider: provider, day: day, through: through, model: "\(category): \(model) \(type.rawValue)",
                                tokenType: nil, cost: cost, correction: correction)
            line.exchangeRate = rate
            return .lines([line])
        }
        var quantity: Int64?
        let amount = cell(cells, "ConsumedQuantity")
        if !amount.isEmpty {
            guard let meter else {
                throw BillFieldProblem(.unknownUnit, "\(unit.isEmpty ? "(none)" : unit) (expected Tokens, N Tokens such as 1M Tokens, or Requests)")
            }
            let q = try meter.count(amount)
            guard q >= 0 || correction else { throw BillFieldProblem(.badCount, "ConsumedQuantity is negative on a charge that is not a correction") }
            quantity = q
        }
        var line = BillLine(provider: provider, day: day, through: through, model: model, tokenType: type, quantity: quantity,
                            cost: cost, correction: correction)
        line.exchangeRate = rate
        return .lines([line])
    }

    func provider(_ cells: [String]) throws(BillFieldProblem) -> String {
        guard let name = providerColumns.lazy.map({ self.cell(cells, $0) }).first(where: { !$0.isEmpty }) else {
            throw BillFieldProblem(.missingField, "\(providerColumns.joined(separator: " or "))")
        }
        return providerNames[name] ?? name.lowercased()
    }

    /// The row's first UTC day, and its last when the charge period covers more than one.
    /// `ChargePeriodEnd` is exclusive: a month is 2025-05-01T00:00:00Z to 2025-06-01T00:00:00Z.
    /// settle reconciles by UTC day, so an hour or a day must lie within one UTC day, and a
    /// longer period must start and end at midnight UTC; anything else is quarantined, never
    /// shifted by guess (a day billed 07:00 to 07:00 would otherwise become two).
    func period(_ cells: [String]) throws(BillFieldProblem) -> (UTCDay, UTCDay?) {
        let startText = cell(cells, "ChargePeriodStart"), endText = cell(cells, "ChargePeriodEnd")
        let start = try Self.time(startText, "ChargePeriodStart")
        guard !endText.isEmpty else { return (start.day, nil) }
        let end = try Self.time(endText, "ChargePeriodEnd")
        guard end > start else {
            throw BillFieldProblem(.badTime, "ChargePeriodEnd \(endText) is not after ChargePeriodStart")
        }
        let last = Timestamp(microseconds: end.microseconds - 1).day
        if last == start.day { return (start.day, nil) }
        let day = Timestamp.microsecondsPerDay
        guard end.microseconds - start.microseconds > day else {
            throw BillFieldProblem(.chargePeriodSpansDays, "\(startText) to \(endText) crosses midnight UTC; settle reconciles by UTC day (export the report in UTC)")
        }
        guard start == start.day.start, end == end.day.start else {
            throw BillFieldProblem(.chargePeriodNotUtcDays, "\(startText) to \(endText) does not start and end at midnight UTC; settle reconciles by UTC day (export the report in UTC)")
        }
        return (start.day, last)
    }

    /// The model and token type, from the first source that gives both.
    func tokenIdentity(_ cells: [String]) -> (String, TokenType)? {
        let details = Self.priceDetails(cell(cells, "SkuPriceDetails"))
        let modelID = details?.text("ModelId").flatMap { $0.isEmpty ? nil : $0 }
        if let modelID, let details, let type = Self.tokenType(details: details) { return (modelID, type) }
        if let type = Self.tokenType(meter: cell(cells, "SkuMeter")) {
            let sku = cell(cells, "SkuId")
            if let model = modelID ?? (sku.isEmpty ? nil : sku) { return (model, type) }
        }
        return match(cell(cells, "SkuId")) ?? match(cell(cells, "ChargeDescription"))
    }

    private func match(_ text: String) -> (String, TokenType)? {
        guard !text.isEmpty, let m = try? pattern.firstMatch(in: text),
              let model = m.output["model"]?.substring, let type = m.output["token_type"]?.substring,
              let tokenType = Self.tokenType(String(type)), !model.isEmpty else { return nil }
        return (String(model), tokenType)
    }

    /// `SkuPriceDetails`: a JSON object inside the CSV field; nil when absent or not an object.
    static func priceDetails(_ text: String) -> JSONValue? {
        guard text.hasPrefix("{"), let value = try? JSONValue.parse(Array(text.utf8)), case .object = value else { return nil }
        return value
    }

    /// `TokenType` (Input, Output, Cache Read, Cache Write), or `TokenDirection` with
    /// `TokenCacheAction` (Uncached, Read, Write; Other is no token type of ours).
    static func tokenType(details: JSONValue) -> TokenType? {
        if let text = details.text("TokenType"), let type = tokenType(text) { return type }
        switch details.text("TokenDirection")?.lowercased() {
        case "output"?: return .output
        case "input"?:
            switch details.text("TokenCacheAction")?.lowercased() {
            case nil, "uncached"?, ""?: return .input
            case "read"?: return .cachedInput
            case "write"?: return .cacheWrite
            default: return nil
            }
        default: return nil
        }
    }

    /// `SkuMeter`: Input Tokens, Output Tokens, Cache Read Input Tokens, Cache Write Input Tokens.
    static func tokenType(meter: String) -> TokenType? {
        switch meter.lowercased() {
        case "input tokens", "uncached input tokens": return .input
        case "output tokens": return .output
        case "cache read input tokens", "cached input tokens", "cache read tokens": return .cachedInput
        case "cache write input tokens", "cache write tokens": return .cacheWrite
        default: return nil
        }
    }

    static func tokenType(_ text: String) -> TokenType? {
        switch text.lowercased() {
        case "input": return .input
        case "output": return .output
        case "cached input", "cached_input", "cache read": return .cachedInput
        case "cache writes", "cache_write", "cache write": return .cacheWrite
        case "request", "requests": return .request
        default: return nil
        }
    }

    /// `2025-06-01T00:00:00Z` (RFC 3339) or `2024-10-01 00:00:00` (UTC, as FOCUS 1.0 samples write it).
    static func time(_ text: String, _ field: String) throws(BillFieldProblem) -> Timestamp {
        if let t = Timestamp(rfc3339: text) { return t }
        if let t = Timestamp(rfc3339: text.replacingAll(" ", with: "T") + "Z") { return t }
        if let d = UTCDay(text) { return d.start }
        throw BillFieldProblem(.badTime, "\(field) \(text.isEmpty ? "(empty)" : text) is not a date or time")
    }

    /// The UTC day of a time as exports write it (CUR reads its usage start date this way).
    static func day(_ text: String) throws(BillFieldProblem) -> UTCDay {
        if let t = Timestamp(rfc3339: text) { return t.day }
        if let t = Timestamp(rfc3339: text.replacingAll(" ", with: "T") + "Z") { return t.day }
        if let d = UTCDay(text) { return d }
        throw BillFieldProblem(.badTime, "\(text.isEmpty ? "(empty)" : text) is not a date or time")
    }
}

/// `ConsumedUnit` in FOCUS: `Tokens`, `1K Tokens`, `1M Tokens`, `1000000 Tokens`, `Requests`.
/// Quantities are read exactly from their text (`500000.0` is 500,000); a count that is not a
/// whole number of tokens after the multiplier is quarantined, never rounded.
struct ConsumedMeter {
    var multiplier: Int64
    var isTokens: Bool

    init?(_ unit: String) {
        var words = unit.lowercased().split(separator: " ").map(String.init)
        guard let last = words.popLast() else { return nil }
        switch last {
        case "tokens", "token": isTokens = true
        case "requests", "request": isTokens = false
        default: return nil
        }
        switch words.count {
        case 0: multiplier = 1
        case 1:
            var n = Substring(words[0])
            var factor: Int64 = 1
            if n.hasSuffix("k") { factor = 1_000; n = n.dropLast() } else if n.hasSuffix("m") { factor = 1_000_000; n = n.dropLast() }
            guard let base = Int64(n), base > 0, base <= 1_000_000_000 else { return nil }
            multiplier = base * factor
        default: return nil
        }
    }

    func count(_ amount: String) throws(BillFieldProblem) -> Int64 {
        guard let parsed = ExactDecimal(amount) else { throw BillFieldProblem(.badCount, "ConsumedQuantity \(amount) is not a number") }
        let value = try BillAmount.checked(parsed, "ConsumedQuantity") * ExactDecimal(multiplier)
        guard let n = value.exactInteger else {
            throw BillFieldProblem(.fractionalQuantity, "ConsumedQuantity \(amount) is not a whole number of \(isTokens ? "tokens" : "requests")")
        }
        return n
    }
}
