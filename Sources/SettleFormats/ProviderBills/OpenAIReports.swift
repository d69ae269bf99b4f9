import SettleCore

/// OpenAI's Usage API (completions) and Costs API pages.
///
/// Usage: `input_tokens` includes cached and cache-write tokens, so the uncached input is
/// input − cached − cache writes (and the newer `input_uncached_tokens` must say the same).
/// Costs: `amount.value` is dollars as a number or a string, read from its text (the API sends
/// float noise such as 0.00032195744715549047); `line_item` names the model and token type, and
/// other line items stay named lines. A report not grouped by model or line item cannot be
/// reconciled: its results are quarantined with the `group_by` to ask for.
enum OpenAIReports {
    static let provider = "openai"

    static func usageLines(_ r: JSONValue, day: UTCDay) throws(BillFieldProblem) -> [BillLine] {
        guard let model = r.text("model"), !model.isEmpty else {
            throw BillFieldProblem(.notGroupedByModel, "the result has no model; request the Usage API with group_by=model")
        }
        let input = try r.count("input_tokens", absent: nil)
        let cached = try r.count("input_cached_tokens")
        let cacheWrite = try r.count("input_cache_write_tokens")
        let output = try r.count("output_tokens", absent: nil)
        let uncachedInput = TokenCounts.uncachedInput(input: input, cached: cached, cacheWrite: cacheWrite)
        guard cached + cacheWrite <= input else {
            throw BillFieldProblem(.badCount, "input_cached_tokens + input_cache_write_tokens exceed input_tokens")
        }
        if r["input_uncached_tokens"] != nil && r["input_uncached_tokens"] != .null {
            let uncached = try r.count("input_uncached_tokens")
            guard uncached == uncachedInput else {
                throw BillFieldProblem(.uncachedMismatch, "input_uncached_tokens \(uncached) is not input_tokens − input_cached_tokens − input_cache_write_tokens = \(uncachedInput)")
            }
        }
        var tier = try ProviderTier.parse(r.text("service_tier"))
        if r["batch"] == .bool(true) { tier = .batch }
        return [
            (TokenType.input, uncachedInput), (.cachedInput, cached), (.cacheWrite, cacheWrite), (.output, output),
        ].map { BillLine(provider: provider, day: day, model: model, tier: tier, tokenType: $0.0, quantity: $0.1) }
    }

    /// `^(?:priority \| )?(.+?), (input|output|cached input|cache writes)(?:, long context)?$`
    static func costLine(_ r: JSONValue, day: UTCDay) throws(BillFieldProblem) -> BillLine {
        guard let amount = r["amount"] else { throw BillFieldProblem(.missingField, "amount") }
        let value = try amount.amount("value")
        if let currency = amount.text("currency"), currency.lowercased() != "usd" {
            throw BillFieldProblem(.unsupportedCurrency, "\(currency) (settle reconciles USD)")
        }
        guard let item = r.text("line_item"), !item.isEmpty else {
            throw BillFieldProblem(.notGroupedByLineItem, "the result has no line_item; request the Costs API with group_by=line_item")
        }
        if let parsed = parseLineItem(item) {
            return BillLine(provider: provider, day: day, model: parsed.model, tier: parsed.tier, tokenType: parsed.type, cost: value,
                            band: parsed.longContext ? BillLine.longContext : 0)
        }
        return BillLine(provider: provider, day: day, model: item, tokenType: nil, cost: value)
    }

    /// `longContext`: the line bills prompts of the model's long-context band, apart from the rest.
    static func parseLineItem(_ item: String) -> (model: String, type: TokenType, tier: Tier, longContext: Bool)? {
        var text = Substring(item)
        var tier = Tier.standard
        if text.hasPrefix("priority | ") {
            tier = .priority
            text = text.dropFirst("priority | ".count)
        }
        let longContext = text.hasSuffix(", long context")
        if longContext { text = text.dropLast(", long context".count) }
        let kinds: [(String, TokenType)] = [(", cached input", .cachedInput), (", cache writes", .cacheWrite),
                                            (", input", .input), (", output", .output)]
        for (suffix, type) in kinds where text.hasSuffix(suffix) {
            let model = text.dropLast(suffix.count)
            guard !model.isEmpty else { return nil }
            return (String(model), type, tier, longContext)
        }
        return nil
    }
}
