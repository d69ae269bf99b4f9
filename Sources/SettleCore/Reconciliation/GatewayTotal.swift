/// What the gateway metered for one UTC day (or one price stretch of it), provider, model and
/// tier: every event, whatever its status, because the provider bills failed requests that
/// consumed tokens too.
public struct GatewayTotal: Sendable, Hashable {
    public var day: UTCDay
    /// Where the stretch starts: the day's start, or an instant inside it where a price changes.
    /// The expected cost of its units is the price in force then.
    public var stretchStart: Timestamp
    /// The prompt-size band of the events (0: standard).
    public var band: Int64
    public var provider: String
    public var model: String
    public var tier: Tier
    public var events: Int64
    /// Uncached prompt tokens: input − cached − cache writes, summed.
    public var input: Int64
    public var cachedInput: Int64
    /// Five-minute cache writes (the one-hour ones taken out).
    public var cacheWrite: Int64
    public var cacheWrite1h: Int64
    public var output: Int64
    public var requests: Int64

    public init(day: UTCDay, stretchStart: Timestamp? = nil, provider: String, model: String, tier: Tier, band: Int64 = 0, events: Int64 = 0,
                input: Int64 = 0, cachedInput: Int64 = 0, cacheWrite: Int64 = 0, cacheWrite1h: Int64 = 0, output: Int64 = 0, requests: Int64 = 0) {
        self.band = band
        self.stretchStart = stretchStart ?? day.start
        self.cacheWrite1h = cacheWrite1h
        self.day = day
        self.provider = provider
        self.model = model
        self.tier = tier
        self.events = events
        self.input = input
        self.cachedInput = cachedInput
        self.cacheWrite = cacheWrite
        self.output = output
        self.requests = requests
    }

    public func quantity(of type: TokenType) -> Int64 {
        switch type {
        case .input: return input
        case .cachedInput: return cachedInput
        case .cacheWrite: return cacheWrite
        case .cacheWrite1h: return cacheWrite1h
        case .output: return output
        case .request: return requests
        }
    }
}

private struct SumKey: Hashable {
    var day: UTCDay, stretch: Int64, provider: String, model: String, tier: Tier, band: Int64
}

private struct Sums {
    var events: Int64 = 0, input: Int64 = 0, cached: Int64 = 0, cacheWrite: Int64 = 0, cacheWrite1h: Int64 = 0
    var output: Int64 = 0, requests: Int64 = 0
}

extension GatewayTotal {
    /// What reconciliation compares: the gateway's daily rows of every customer, service and
    /// status summed per day, price stretch, provider, model, tier and band. The one rule for
    /// a day summed from its events (`DayRollup`) and for one whose daily rows are stored (the
    /// store's `GROUP BY` sums the same columns over the same keys; `GatewayTotalsTests`
    /// compares the two). Sorted by that key, so the result does not depend on row order.
    public static func sum(_ rows: [UsageDailyRow]) -> [GatewayTotal] {
        var sums: [SumKey: Sums] = [:]
        for r in rows {
            let key = SumKey(day: r.day, stretch: r.stretchStart.microseconds, provider: r.provider, model: r.model, tier: r.tier, band: r.band)
            var s = sums[key] ?? Sums()
            s.events += r.events
            s.input += r.inputTokens
            s.cached += r.cachedInputTokens
            s.cacheWrite += r.cacheWriteTokens
            s.cacheWrite1h += r.cacheWrite1hTokens
            s.output += r.outputTokens
            s.requests += r.requests
            sums[key] = s
        }
        return sums.map { k, s in
            GatewayTotal(summedFor: k.day, stretchStart: Timestamp(microseconds: k.stretch), provider: k.provider, model: k.model, tier: k.tier,
                         band: k.band, events: s.events, input: s.input, cached: s.cached, cacheWrite: s.cacheWrite,
                         cacheWrite1h: s.cacheWrite1h, output: s.output, requests: s.requests)
        }.sorted {
            ($0.day, $0.stretchStart.microseconds, $0.provider, $0.model, $0.tier.rawValue, $0.band)
                < ($1.day, $1.stretchStart.microseconds, $1.provider, $1.model, $1.tier.rawValue, $1.band)
        }
    }

    /// A total from sums of the daily rows' columns, which count all prompt tokens and all
    /// cache writes: `TokenCounts` takes out the cached part and the one-hour writes (a sum is
    /// linear, so the difference of sums is the sum of differences).
    public init(summedFor day: UTCDay, stretchStart: Timestamp, provider: String, model: String, tier: Tier, band: Int64, events: Int64,
                input: Int64, cached: Int64, cacheWrite: Int64, cacheWrite1h: Int64, output: Int64, requests: Int64) {
        self.init(day: day, stretchStart: stretchStart, provider: provider, model: model, tier: tier, band: band, events: events,
                  input: TokenCounts.uncachedInput(input: input, cached: cached, cacheWrite: cacheWrite), cachedInput: cached,
                  cacheWrite: TokenCounts.fiveMinuteCacheWrite(cacheWrite: cacheWrite, oneHour: cacheWrite1h), cacheWrite1h: cacheWrite1h,
                  output: output, requests: requests)
    }
}
