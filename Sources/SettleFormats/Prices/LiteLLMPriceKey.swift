import SettleCore

/// What a LiteLLM price key means: `input_cost_per_token_above_200k_tokens_priority` is the
/// input price of the band `>200000` on the priority tier.
///
/// LiteLLM composes its keys, in this order: a token type's key, then an optional
/// `_above_Nk_tokens` (prompts over N thousand tokens), then an optional tier suffix. Reading
/// them by that structure, rather than from a list of every combination, places keys LiteLLM
/// adds later (`cache_read_input_token_cost_above_200k_tokens_flex`) without a change here.
struct LiteLLMPriceKey: Equatable {
    var tokenType: TokenType
    var tier: Tier
    /// The band's threshold in tokens; nil for the standard band.
    var band: Int64?

    /// The token type of a key with its suffixes taken off. `cache_creation_input_token_cost_above_1hr`
    /// is a base of its own (one-hour cache writes are priced apart), not a band.
    static let tokenTypes: [String: TokenType] = [
        "input_cost_per_token": .input,
        "cache_read_input_token_cost": .cachedInput,
        "cache_creation_input_token_cost": .cacheWrite,
        "cache_creation_input_token_cost_above_1hr": .cacheWrite1h,
        "output_cost_per_token": .output,
    ]

    static let tiers: [(suffix: String, tier: Tier)] = [("_batches", .batch), ("_flex", .flex), ("_priority", .priority)]

    /// nil when the key is not a per-token price of a known token type (`input_cost_per_image`,
    /// `max_tokens`, a tier suffix before the band suffix, a band of 0k).
    init?(_ key: String) {
        var rest = Substring(key)
        // 1. The tier suffix, last.
        var tier = Tier.standard
        if let t = Self.tiers.first(where: { rest.hasSuffix($0.suffix) }) {
            tier = t.tier
            rest = rest.dropLast(t.suffix.count)
        }
        // 2. The band suffix, `_above_<digits>k_tokens`.
        var band: Int64?
        if rest.hasSuffix("k_tokens") {
            let beforeUnit = rest.dropLast("k_tokens".count)
            let digits = beforeUnit.reversed().prefix { $0.isASCII && $0.isNumber }.count
            let head = beforeUnit.dropLast(digits)
            guard digits > 0, head.hasSuffix("_above_"), let thousands = Int64(beforeUnit.suffix(digits)),
                  thousands > 0, thousands <= Int64.max / 1_000 else { return nil }
            band = thousands * 1_000
            rest = head.dropLast("_above_".count)
        }
        // 3. What is left names the token type.
        guard let type = Self.tokenTypes[String(rest)] else { return nil }
        self.init(tokenType: type, tier: tier, band: band)
    }

    init(tokenType: TokenType, tier: Tier, band: Int64?) {
        self.tokenType = tokenType
        self.tier = tier
        self.band = band
    }
}
