/// settle's canonical token types. Providers split prompt tokens differently (OpenAI counts
/// cached tokens inside input, Anthropic apart); everything is mapped onto these disjoint ones.
public enum TokenType: String, Sendable, CaseIterable, Comparable {
    /// Uncached prompt tokens.
    case input
    case cachedInput = "cached_input"
    case cacheWrite = "cache_write"
    /// Completion tokens, reasoning included.
    case output
    /// Per-request units (search calls, images), charged only where the price book prices them.
    case request

    public static func < (lhs: TokenType, rhs: TokenType) -> Bool {
        lhs.sortIndex < rhs.sortIndex
    }

    private var sortIndex: Int { TokenType.allCases.firstIndex(of: self)! }
}

/// The service tier a request ran on; batch and flex are cheaper, priority dearer.
public enum Tier: String, Sendable, CaseIterable, Comparable {
    case standard, batch, priority, flex

    public static func < (lhs: Tier, rhs: Tier) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// Only `ok` events are charged to customers; every event is reconciled against the bill,
/// because the provider bills failed requests that consumed tokens too.
public enum EventStatus: String, Sendable, CaseIterable {
    case ok, error
}
