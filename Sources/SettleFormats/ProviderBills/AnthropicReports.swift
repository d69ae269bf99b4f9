import SettleCore

/// Anthropic's Admin API usage report and cost report.
///
/// Usage token types are disjoint (unlike OpenAI's): input = uncached_input_tokens, cache_write =
/// the five-minute cache-creation count, cache_write_1h = the one-hour one (priced apart),
/// cached_input = cache_read_input_tokens. Cost `amount` is a decimal string **in cents**:
/// "123.78912" is $1.2378912.
enum AnthropicReports {
    static let provider = "anthropic"

    static func usageLines(_ r: JSONValue, day: UTCDay) throws(BillFieldProblem) -> [BillLine] {
        guard let model = r.text("model"), !model.isEmpty else {
            throw BillFieldProblem(.missingField, "model (export the usage report grouped by model)")
        }
        let tier = try ProviderTier.parse(r.text("service_tier"))
        let input = try r.count("uncached_input_tokens", absent: nil)
        let creation = r["cache_creation"] ?? .object([])
        let cacheWrite = try creation.count("ephemeral_5m_input_tokens")
        let cacheWrite1h = try creation.count("ephemeral_1h_input_tokens")
        let cached = try r.count("cache_read_input_tokens")
        let output = try r.count("output_tokens", absent: nil)
        let band = try Self.band(r.text("context_window"))
        var lines = [
            (TokenType.input, input), (.cacheWrite, cacheWrite), (.cacheWrite1h, cacheWrite1h), (.cachedInput, cached), (.output, output),
        ].map { BillLine(provider: provider, day: day, model: model, tier: tier, tokenType: $0.0, quantity: $0.1, band: band) }
        let searches = try (r["server_tool_use"] ?? .object([])).count("web_search_requests")
        if searches > 0 {
            // Billed per search, not per token: a named line that meets the cost report's web_search.
            lines.append(BillLine(provider: provider, day: day, model: "web_search", tier: tier, tokenType: nil, quantity: searches))
        }
        return lines
    }

    static func costLine(_ r: JSONValue, day: UTCDay) throws(BillFieldProblem) -> BillLine {
        let cents = try r.amount("amount")
        if let currency = r.text("currency"), currency.uppercased() != "USD" {
            throw BillFieldProblem(.unsupportedCurrency, "\(currency) (settle reconciles USD)")
        }
        let dollars = cents.shifted(right: 2)
        let tier = try ProviderTier.parse(r.text("service_tier"))
        let costType = r.text("cost_type") ?? "tokens"
        guard costType == "tokens" else {
            return BillLine(provider: provider, day: day, model: costType, tier: tier, tokenType: nil, cost: dollars)
        }
        guard let model = r.text("model"), !model.isEmpty else { throw BillFieldProblem(.missingField, "model") }
        let type: TokenType
        switch r.text("token_type") ?? "" {
        case "uncached_input_tokens": type = .input
        case "output_tokens": type = .output
        case "cache_read_input_tokens": type = .cachedInput
        case "cache_creation.ephemeral_5m_input_tokens": type = .cacheWrite
        case "cache_creation.ephemeral_1h_input_tokens": type = .cacheWrite1h
        case let other: throw BillFieldProblem(.unknownTokenType, "\(other.isEmpty ? "(none)" : other)")
        }
        return BillLine(provider: provider, day: day, model: model, tier: tier, tokenType: type, cost: dollars,
                        band: try Self.band(r.text("context_window")))
    }

    /// `context_window`: `0-200k` (or none) is the standard band; `200k-1M` the band of prompts
    /// over 200,000 tokens.
    static func band(_ window: String?) throws(BillFieldProblem) -> Int64 {
        guard let window, !window.isEmpty else { return 0 }
        let lower = window.split(separator: "-").first.map(String.init) ?? ""
        func tokens(_ s: String) -> Int64? {
            if s.hasSuffix("k") { return Int64(s.dropLast()).map { $0 * 1_000 } }
            if s.hasSuffix("M") { return Int64(s.dropLast()).map { $0 * 1_000_000 } }
            return Int64(s)
        }
        guard let n = tokens(lower) else { throw BillFieldProblem(.unknownContextWindow, "\(window)") }
        return n
    }
}
