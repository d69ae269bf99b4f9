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
