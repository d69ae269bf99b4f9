import SettleCore

/// FOCUS 1.0–1.2 cost and usage CSV (the FinOps Open Cost and Usage Specification).
///
/// FOCUS does not name the model or token type of an AI charge: they are read from `SkuId`
/// (else `ChargeDescription`) by a configurable pattern with named groups `model` and
/// `token_type`. The provider is `ProviderName` through `[provider_names]`, else lower-cased.
/// Rows of other charge categories (Credit, Adjustment, Tax, Purchase) are kept as named lines;
/// `ChargeClass = Correction` rows are corrections that add to the day's report.
struct FOCUSDecoder {
    static let required = ["ChargePeriodStart", "ChargeCategory", "BilledCost", "ProviderName", "ConsumedQuantity", "ConsumedUnit"]
    let header: BillCSVHeader
    let pattern: Regex<AnyRegexOutput>
    let providerNames: [String: String]

    init(header cells: [String], path: String, options: BillReadOptions) throws(InputFileError) {
        header = try BillCSVHeader(cells, required: Self.required, path: path, format: .focus)
        guard header.has("SkuId") || header.has("ChargeDescription") else {
            throw InputFileError(path: path, line: 1, "not a FOCUS file: the header has neither SkuId nor ChargeDescription")
        }
        do {
            pattern = try Regex(options.focusPattern)
        } catch {
            throw InputFileError(path: path, "the FOCUS pattern \(options.focusPattern) is not a regular expression: \(error)")
        }
        providerNames = options.providerNames
    }

    func decode(_ cells: [String]) throws(BillFieldProblem) -> BillLine {
        let providerName = header.cell(cells, "ProviderName")
        guard !providerName.isEmpty else { throw BillFieldProblem("missing_field: ProviderName") }
        let provider = providerNames[providerName] ?? providerName.lowercased()
        let day = try Self.day(header.cell(cells, "ChargePeriodStart"))
        let currency = header.cell(cells, "BillingCurrency")
        guard currency.isEmpty || currency.uppercased() == "USD" else {
            throw BillFieldProblem("unsupported_currency: \(currency) (settle reconciles USD)")
        }
        let costText = header.cell(cells, "BilledCost")
        let cost = try BillAmount.parse(costText, "BilledCost")
        let correction = header.cell(cells, "ChargeClass").lowercased() == "correction"
        let category = header.cell(cells, "ChargeCategory")
        let sku = header.cell(cells, "SkuId"), description = header.cell(cells, "ChargeDescription")
        guard category.lowercased() == "usage" else {
            let name = [category, description.isEmpty ? sku : description].filter { !$0.isEmpty }.joined(separator: ": ")
            return BillLine(provider: provider, day: day, model: name, tokenType: nil, cost: cost, correction: correction)
        }
        guard let (model, type) = match(sku) ?? match(description) else {
            throw BillFieldProblem("unmatched_sku: neither SkuId nor ChargeDescription matches the [focus] sku_pattern")
        }
        var quantity: Int64?
        let amount = header.cell(cells, "ConsumedQuantity")
        if !amount.isEmpty {
            let q = try TokenUnit.tokens(amount, unit: header.cell(cells, "ConsumedUnit"))
            guard q >= 0 || correction else { throw BillFieldProblem("bad_count: ConsumedQuantity is negative on a charge that is not a correction") }
            quantity = q
        }
        return BillLine(provider: provider, day: day, model: model, tokenType: type, quantity: quantity, cost: cost, correction: correction)
    }

    private func match(_ text: String) -> (String, TokenType)? {
        guard !text.isEmpty, let m = try? pattern.firstMatch(in: text),
              let model = m.output["model"]?.substring, let type = m.output["token_type"]?.substring,
              let tokenType = Self.tokenType(String(type)), !model.isEmpty else { return nil }
        return (String(model), tokenType)
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

    /// `2026-10-25T00:00:00Z`, `2026-10-25 00:00:00` (UTC, as exports write it) or `2026-10-25`.
    static func day(_ text: String) throws(BillFieldProblem) -> UTCDay {
        if let t = Timestamp(rfc3339: text) { return t.day }
        if let t = Timestamp(rfc3339: text.replacingAll(" ", with: "T") + "Z") { return t.day }
        if let d = UTCDay(text) { return d }
        throw BillFieldProblem("bad_time: \(text.isEmpty ? "(empty)" : text) is not a date or time")
    }
}
