/// The upstream models the synthetic gateway routes to, with traffic shares and list prices
/// (USD per 1M tokens, as text, as they appear in public price lists around late 2026).
struct ModelProfile {
    var provider: String
    var model: String
    var share: Double
    var input: String
    var cachedInput: String?
    var cacheWrite: String?
    var output: String
    /// Prompt caching is common on this provider's traffic.
    var caches: Bool { cachedInput != nil }
    var offersBatch: Bool
    /// False for a model the gateway routes to before finance has priced it: its usage is unpriced.
    var priced: Bool = true
}

enum ModelMix {
    static let models: [ModelProfile] = [
        ModelProfile(provider: "openai", model: "gpt-4o-2024-08-06", share: 14, input: "2.50", cachedInput: "1.25", output: "10.00", offersBatch: true),
        ModelProfile(provider: "openai", model: "gpt-4o-mini", share: 20, input: "0.15", cachedInput: "0.075", output: "0.60", offersBatch: true),
        ModelProfile(provider: "openai", model: "gpt-4.1", share: 6, input: "2.00", cachedInput: "0.50", output: "8.00", offersBatch: true),
        ModelProfile(provider: "openai", model: "o3-mini", share: 4, input: "1.10", cachedInput: "0.55", output: "4.40", offersBatch: true),
        ModelProfile(provider: "anthropic", model: "claude-sonnet-4-20250514", share: 14, input: "3.00", cachedInput: "0.30", cacheWrite: "3.75", output: "15.00", offersBatch: true),
        ModelProfile(provider: "anthropic", model: "claude-3-5-haiku-20241022", share: 8, input: "0.80", cachedInput: "0.08", cacheWrite: "1.00", output: "4.00", offersBatch: true),
        ModelProfile(provider: "anthropic", model: "claude-opus-4-20250514", share: 2, input: "15.00", cachedInput: "1.50", cacheWrite: "18.75", output: "75.00", offersBatch: true),
        ModelProfile(provider: "google", model: "gemini-2.5-flash", share: 10, input: "0.30", cachedInput: "0.075", output: "2.50", offersBatch: false),
        ModelProfile(provider: "google", model: "gemini-2.5-pro", share: 4, input: "1.25", cachedInput: "0.31", output: "10.00", offersBatch: false),
        ModelProfile(provider: "mistral", model: "mistral-large-latest", share: 4, input: "2.00", output: "6.00", offersBatch: false),
        ModelProfile(provider: "mistral", model: "mistral-small-latest", share: 4, input: "0.10", output: "0.30", offersBatch: false),
        ModelProfile(provider: "mistral", model: "codestral-2508", share: 0.4, input: "0.30", output: "0.90", offersBatch: false, priced: false),
        ModelProfile(provider: "bedrock", model: "anthropic.claude-3-5-sonnet-20241022-v2:0", share: 3, input: "3.00", cachedInput: "0.30",
                     cacheWrite: "3.75", output: "15.00", offersBatch: true),
        ModelProfile(provider: "openrouter", model: "meta-llama/llama-3.3-70b-instruct", share: 5, input: "0.13", output: "0.40", offersBatch: false),
        ModelProfile(provider: "openrouter", model: "deepseek/deepseek-chat", share: 4, input: "0.27", output: "1.10", offersBatch: false),
        ModelProfile(provider: "openrouter", model: "qwen/qwen-2.5-72b-instruct", share: 1, input: "0.12", output: "0.39", offersBatch: false),
    ]

    /// Marketplace services: sellers' fine-tuned models, sold through the gateway, priced per 1K tokens.
    static let services: [(id: String, seller: String, model: String, prompt: String, completion: String, fee: String, trial: Int)] = [
        ("svc_legal_drafter", "lexica-labs", "lexica-legal-13b", "0.40", "1.20", "15", 1_000),
        ("svc_med_coder", "codewell-health", "icd-coder-v2", "0.25", "0.80", "20", 500),
        ("svc_sql_copilot", "querysmith", "sqlsmith-8b", "0.08", "0.16", "12.5", 2_000),
    ]

    /// Requests per UTC hour, relative: busiest in European and American working hours.
    static let hourly: [Double] = [3, 2.5, 2, 2, 2.5, 3, 4, 5.5, 7, 8, 8.5, 8.5, 8, 8.5, 9, 9.5, 9, 8, 7, 6, 5.5, 5, 4.5, 3.5]
}
