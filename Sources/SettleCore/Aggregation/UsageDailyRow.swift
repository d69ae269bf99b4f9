/// Usage of one customer summed per UTC day and price stretch, provider, model, tier, service
/// and status: what period summaries are built from, so that a night's work reads one day of
/// events, not a whole billing period.
///
/// A day splits into stretches only where a price changes inside it (an `effective_from` with a
/// time), so each row has one price in force: the one at `stretchStart`.
public struct UsageDailyRow: Sendable, Hashable {
    public var day: UTCDay
    public var stretchStart: Timestamp
    public var customerID: String
    public var provider: String
    public var model: String
    public var tier: Tier
    /// "" for gateway traffic; the marketplace service otherwise.
    public var serviceID: String
    public var status: EventStatus
    public var events: Int64
    /// All prompt tokens, cached and cache writes included.
    public var inputTokens: Int64
    public var cachedInputTokens: Int64
    /// All cache writes, the one-hour ones included.
    public var cacheWriteTokens: Int64
    public var cacheWrite1hTokens: Int64
    public var outputTokens: Int64
    public var requests: Int64
    /// Whether these events carry the gateway's own `reported_cost` (rows of events with and
    /// without one are kept apart, so the charge audit compares like with like).
    public var costed: Bool
    /// The sum of their `reported_cost`, in billionths of a dollar (each event's rounded half
    /// away from zero at the ninth decimal; the events keep the exact text).
    public var reportedNanos: Int64
    /// The prompt-size band of these events (`PriceBands`); 0 for the standard band.
    public var band: Int64

    public init(day: UTCDay, stretchStart: Timestamp, customerID: String, provider: String, model: String, tier: Tier,
                serviceID: String, status: EventStatus, events: Int64, inputTokens: Int64, cachedInputTokens: Int64,
                cacheWriteTokens: Int64, cacheWrite1hTokens: Int64 = 0, outputTokens: Int64, requests: Int64, costed: Bool = false,
                reportedNanos: Int64 = 0, band: Int64 = 0) {
        self.band = band
        self.cacheWrite1hTokens = cacheWrite1hTokens
        self.costed = costed
        self.reportedNanos = reportedNanos
        self.day = day
        self.stretchStart = stretchStart
        self.customerID = customerID
        self.provider = provider
        self.model = model
        self.tier = tier
        self.serviceID = serviceID
        self.status = status
        self.events = events
        self.inputTokens = inputTokens
        self.cachedInputTokens = cachedInputTokens
        self.cacheWriteTokens = cacheWriteTokens
        self.outputTokens = outputTokens
        self.requests = requests
    }

    public var reportedCost: ExactDecimal { ExactDecimal(significand: Int128(reportedNanos), scale: 9) }

    /// Billable quantities by token type (PRODUCT.md): input is the uncached part.
    public var quantities: [(TokenType, Int64)] {
        [(.input, TokenCounts.uncachedInput(input: inputTokens, cached: cachedInputTokens, cacheWrite: cacheWriteTokens)),
         (.cachedInput, cachedInputTokens),
         (.cacheWrite, TokenCounts.fiveMinuteCacheWrite(cacheWrite: cacheWriteTokens, oneHour: cacheWrite1hTokens)),
         (.cacheWrite1h, cacheWrite1hTokens), (.output, outputTokens), (.request, requests)]
    }
}
