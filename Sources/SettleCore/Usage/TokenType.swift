/// settle's canonical token types. Providers split prompt tokens differently (OpenAI counts
/// cached tokens inside input, Anthropic apart); everything is mapped onto these disjoint ones.
public enum TokenType: String, Sendable, CaseIterable, Comparable {
    /// Uncached prompt tokens.
    case input
    case cachedInput = "cached_input"
    /// Prompt tokens written to cache for five minutes (the default).
    case cacheWrite = "cache_write"
    /// Prompt tokens written to cache for one hour: priced apart (Anthropic: 2× input, against
    /// 1.25× for five minutes).
    case cacheWrite1h = "cache_write_1h"
    /// Completion tokens, reasoning included.
    case output
    /// Per-request units (search calls, images), charged only where the price book prices them.
    case request

    public static func < (lhs: TokenType, rhs: TokenType) -> Bool {
        lhs.position < rhs.position
    }

    /// The order outputs list token types in: the order of the cases.
    public var position: Int {
        switch self {
        case .input: return 0
        case .cachedInput: return 1
        case .cacheWrite: return 2
        case .cacheWrite1h: return 3
        case .output: return 4
        case .request: return 5
        }
    }
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
