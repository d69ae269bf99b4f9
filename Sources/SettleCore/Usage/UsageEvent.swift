/// One gateway request, validated: the unit of ingest, deduplicated by `requestID` forever.
public struct UsageEvent: Sendable, Hashable {
    public var requestID: String
    public var timestamp: Timestamp
    public var customerID: String
    /// `openai`, `anthropic`, …; for a marketplace service, the service's seller.
    public var provider: String
    public var model: String
    /// All prompt tokens, cached reads and cache writes included (OpenAI's convention).
    public var inputTokens: Int64
    public var cachedInputTokens: Int64
    public var cacheWriteTokens: Int64
    /// The part of `cacheWriteTokens` written for one hour.
    public var cacheWrite1hTokens: Int64
    /// Completion tokens, reasoning included.
    public var outputTokens: Int64
    public var requests: Int64
    public var tier: Tier
    public var status: EventStatus
    public var apiKeyID: String?
    public var upstreamAccount: String?
    public var serviceID: String?
    public var latencyMs: Int64?
    /// The source's own cost figure (LiteLLM's `spend`, a gateway's `cost_usd`), as exact text:
    /// kept for comparison with settle's own prices, never billed from.
    public var reportedCost: ExactDecimal?

    public init(
        requestID: String, timestamp: Timestamp, customerID: String, provider: String, model: String,
        inputTokens: Int64, cachedInputTokens: Int64 = 0, cacheWriteTokens: Int64 = 0, cacheWrite1hTokens: Int64 = 0, outputTokens: Int64,
        requests: Int64 = 1, tier: Tier = .standard, status: EventStatus = .ok,
        apiKeyID: String? = nil, upstreamAccount: String? = nil, serviceID: String? = nil, latencyMs: Int64? = nil,
        reportedCost: ExactDecimal? = nil
    ) {
        self.requestID = requestID
        self.timestamp = timestamp
        self.customerID = customerID
        self.provider = provider
        self.model = model
        self.inputTokens = inputTokens
        self.cachedInputTokens = cachedInputTokens
        self.cacheWriteTokens = cacheWriteTokens
        self.cacheWrite1hTokens = cacheWrite1hTokens
        self.outputTokens = outputTokens
        self.requests = requests
        self.tier = tier
        self.status = status
        self.apiKeyID = apiKeyID
        self.upstreamAccount = upstreamAccount
        self.serviceID = serviceID
        self.latencyMs = latencyMs
        self.reportedCost = reportedCost
    }

    /// The billable quantity of each token type, per PRODUCT.md: the uncached part of input is
    /// input − cached − cache_write; the request count is billable only where priced.
    public func quantity(of type: TokenType) -> Int64 {
        switch type {
        case .input: return TokenCounts.uncachedInput(input: inputTokens, cached: cachedInputTokens, cacheWrite: cacheWriteTokens)
        case .cachedInput: return cachedInputTokens
        case .cacheWrite: return TokenCounts.fiveMinuteCacheWrite(cacheWrite: cacheWriteTokens, oneHour: cacheWrite1hTokens)
        case .cacheWrite1h: return cacheWrite1hTokens
        case .output: return outputTokens
        case .request: return requests
        }
    }

    public var day: UTCDay { timestamp.day }
}
