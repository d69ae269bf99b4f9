/// One bucket of the daily latency histogram: events of a model (or marketplace service)
/// whose latency, rounded down to two significant figures, was `latencyMs`.
public struct LatencyBucket: Sendable, Hashable {
    public var provider: String
    public var model: String
    public var serviceID: String
    public var latencyMs: Int64
    public var events: Int64

    public init(provider: String, model: String, serviceID: String, latencyMs: Int64, events: Int64) {
        self.provider = provider
        self.model = model
        self.serviceID = serviceID
        self.latencyMs = latencyMs
        self.events = events
    }
}

/// Requests, errors and latency of one model or marketplace service over a period: the
/// "Service quality" sheet of the finance workbook.
public struct ServiceQualityRow: Sendable, Hashable {
    public var provider: String
    public var model: String
    public var serviceID: String
    public var requests: Int64
    public var errors: Int64
    /// Percentiles by nearest rank, to two significant figures; nil when no event had a latency.
    public var p50: Int64?
    public var p95: Int64?
    public var p99: Int64?

    /// Errors per hundred requests, to two decimals.
    public var errorRatePct: ExactDecimal {
        guard requests > 0 else { return .zero }
        return (ExactDecimal(errors) * ExactDecimal(100)).divided(by: requests, places: 2)
    }
}

public enum ServiceQuality {
    /// One row per (provider, model, service), from the daily usage rows (requests and errors)
    /// and the latency histogram, sorted by provider, model and service.
    public static func rows(daily: [UsageDailyRow], latency: [LatencyBucket]) -> [ServiceQualityRow] {
        struct Key: Hashable, Comparable {
            var provider: String, model: String, service: String
            static func < (a: Key, b: Key) -> Bool { (a.provider, a.model, a.service) < (b.provider, b.model, b.service) }
        }
        var counts: [Key: (requests: Int64, errors: Int64)] = [:]
        for r in daily {
            let k = Key(provider: r.provider, model: r.model, service: r.serviceID)
            var c = counts[k] ?? (0, 0)
            c.requests += r.events
            if r.status == .error { c.errors += r.events }
            counts[k] = c
        }
        var histograms: [Key: [Int64: Int64]] = [:]
        for b in latency {
            histograms[Key(provider: b.provider, model: b.model, service: b.serviceID), default: [:]][b.latencyMs, default: 0] += b.events
        }
        return Set(counts.keys).union(histograms.keys).sorted().map { k in
            let c = counts[k] ?? (0, 0)
            let h = histograms[k] ?? [:]
            return ServiceQualityRow(provider: k.provider, model: k.model, serviceID: k.service, requests: c.requests, errors: c.errors,
                                     p50: percentile(50, h), p95: percentile(95, h), p99: percentile(99, h))
        }
    }

    /// The nearest-rank percentile of a histogram: the smallest value with at least p % of the
    /// events at or below it.
    public static func percentile(_ p: Int, _ histogram: [Int64: Int64]) -> Int64? {
        let n = histogram.values.reduce(0, +)
        guard n > 0 else { return nil }
        let rank = (Int64(p) * n + 99) / 100
        var seen: Int64 = 0
        for value in histogram.keys.sorted() {
            seen += histogram[value]!
            if seen >= max(rank, 1) { return value }
        }
        return histogram.keys.max()
    }
}
