import SettleCore

/// OpenRouter's `/api/v1/activity`: one row per day and model, tokens and `usage` (USD).
///
/// OpenRouter does not split cost by token type, so the cost is a model-total line; output is
/// completion_tokens, reasoning included; there is no cache split.
enum OpenRouterActivity {
    static let provider = "openrouter"

    static func lines(_ r: JSONValue) throws(BillFieldProblem) -> [BillLine] {
        let date = try r.requiredText("date")
        guard let day = UTCDay(String(date.prefix(10))) else { throw BillFieldProblem(.badTime, "date \(date)") }
        let model = try r.requiredText("model")
        let prompt = try r.count("prompt_tokens", absent: nil)
        let completion = try r.count("completion_tokens", absent: nil)
        let cost = try r.amount("usage")
        return [
            BillLine(provider: provider, day: day, model: model, tokenType: .input, quantity: prompt),
            BillLine(provider: provider, day: day, model: model, tokenType: .output, quantity: completion),
            BillLine(provider: provider, day: day, model: model, tokenType: nil, cost: cost),
        ]
    }
}
