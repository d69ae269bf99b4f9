/// One UTC day of events summed in memory, in one pass: the daily usage rows (per price
/// stretch, customer, provider, model, tier, service and status) and the latency histogram.
///
/// The embedded store sums a day here rather than in SQL: SQLite's GROUP BY sorts a day of
/// events twice (once per grouping), a hash table does both groupings in a single read.
public struct DayRollup {
    public let day: UTCDay
    /// Starts of the price stretches after the day's first (times inside the day where a price changes), sorted.
    let cuts: [Int64]

    struct Key: Hashable {
        var stretch: Int64
        var customer: String
        var provider: String
        var model: String
        var tier: String
        var service: String
        var status: String
    }

    struct Sums {
        var events: Int64 = 0, input: Int64 = 0, cached: Int64 = 0, cacheWrite: Int64 = 0, output: Int64 = 0, requests: Int64 = 0
    }

    struct LatencyKey: Hashable {
        var provider: String
        var model: String
        var service: String
        var bucket: Int64
    }

    var sums: [Key: Sums] = [:]
    var latency: [LatencyKey: Int64] = [:]

    public init(day: UTCDay, stretches: [Timestamp]) {
        self.day = day
        cuts = stretches.map(\.microseconds).filter { $0 > day.start.microseconds && $0 < day.adding(days: 1).start.microseconds }.sorted()
    }

    /// Latency to two significant figures, rounded down (the store's SQL does the same).
    public static func bucket(_ ms: Int64) -> Int64 {
        switch ms {
        case ..<100: return ms
        case ..<1000: return ms / 10 * 10
        case ..<10000: return ms / 100 * 100
        case ..<100000: return ms / 1000 * 1000
        default: return ms / 10000 * 10000
        }
    }

    public mutating func add(ts: Int64, customer: String, provider: String, model: String, tier: String, service: String, status: String,
                             input: Int64, cached: Int64, cacheWrite: Int64, output: Int64, requests: Int64, latencyMs: Int64?) {
        var stretch = day.start.microseconds
        for cut in cuts where ts >= cut { stretch = cut }
        let key = Key(stretch: stretch, customer: customer, provider: provider, model: model, tier: tier, service: service, status: status)
        sums[key, default: Sums()].add(input, cached, cacheWrite, output, requests)
        if let latencyMs {
            latency[LatencyKey(provider: provider, model: model, service: service, bucket: Self.bucket(latencyMs)), default: 0] += 1
        }
    }

    public var rows: [UsageDailyRow] {
        sums.map { k, s in
            UsageDailyRow(day: day, stretchStart: Timestamp(microseconds: k.stretch), customerID: k.customer, provider: k.provider,
                          model: k.model, tier: Tier(rawValue: k.tier) ?? .standard, serviceID: k.service,
                          status: EventStatus(rawValue: k.status) ?? .ok, events: s.events, inputTokens: s.input,
                          cachedInputTokens: s.cached, cacheWriteTokens: s.cacheWrite, outputTokens: s.output, requests: s.requests)
        }
    }

    public var latencyBuckets: [LatencyBucket] {
        latency.map { k, n in LatencyBucket(provider: k.provider, model: k.model, serviceID: k.service, latencyMs: k.bucket, events: n) }
    }
}

extension DayRollup.Sums {
    @inline(__always) mutating func add(_ input: Int64, _ cached: Int64, _ cacheWrite: Int64, _ output: Int64, _ requests: Int64) {
        events += 1
        self.input &+= input
        self.cached &+= cached
        self.cacheWrite &+= cacheWrite
        self.output &+= output
        self.requests &+= requests
    }
}
