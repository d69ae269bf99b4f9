/// One UTC day of events summed in memory, in one pass: the daily usage rows (per price
/// stretch, customer, provider, model, tier, service and status) and the latency histogram.
///
/// The embedded store sums a day here rather than in SQL: SQLite's GROUP BY sorts a day of
/// events twice (once per grouping), a hash table does both groupings in a single read.
public struct DayRollup {
    public let day: UTCDay
    /// Starts of the price stretches after the day's first (times inside the day where a price changes), sorted.
    let cuts: [Int64]
    /// The prompt-size bands events are sorted into, and per group its model's thresholds
    /// (empty for a group that is already a band's, or a model without bands).
    let bands: PriceBands
    private var groupThresholds: [[Int64]] = []

    /// Each distinct (customer, provider, model, tier, service, status) of the day, as one
    /// length-prefixed byte string: a row costs one hash and one compare, not six lookups.
    var groups = TextInterner()
    /// Per group: its fields, and its latency group (provider, model, service).
    var fields: [Fields] = []
    var latencyGroups = TextInterner()
    /// Per latency group: the provider, model and service it names. A group keeps only its
    /// customer as text: a million customers' day is over half a million groups, and six
    /// strings each (a model name longer than fifteen bytes is an allocation of its own) were
    /// a fifth of a first night's memory.
    var names: [(provider: String, model: String, service: String)] = []
    /// Sums by group × stretch.
    var sums: [Sums] = []
    var latency: [LatencyKey: Int64] = [:]
    private var packed: [UInt8] = []
    /// Whether any event was added (or, for a load that does not sum a day, seen).
    public var touched = false

    struct Fields {
        var customer: String, tier: Tier, status: EventStatus
        var costed: Bool
        var band: Int64
        var latencyGroup: Int32
    }

    struct Sums {
        var events: Int64 = 0, input: Int64 = 0, cached: Int64 = 0, cacheWrite: Int64 = 0, output: Int64 = 0, requests: Int64 = 0
        var reportedNanos: Int64 = 0, cacheWrite1h: Int64 = 0
    }

    struct LatencyKey: Hashable {
        var group: Int32
        var bucket: Int64
    }

    public init(day: UTCDay, stretches: [Timestamp], bands: PriceBands = .none) {
        self.day = day
        self.bands = bands
        cuts = Self.cuts(stretches, in: day)
        packed.reserveCapacity(256)
    }

    /// The instants inside `day` where its rows are split, in order: the one rule for the rollup
    /// here and the store's SQL rollup alike.
    public static func cuts(_ stretches: [Timestamp], in day: UTCDay) -> [Int64] {
        stretches.map(\.microseconds).filter { $0 > day.start.microseconds && $0 < day.adding(days: 1).start.microseconds }.sorted()
    }

    /// Where a day's rows were split, as stored beside them: rows split elsewhere are not
    /// added to, and a price change inside the day makes them due for a new rollup.
    public static func signature(of stretches: [Timestamp], in day: UTCDay, bands: PriceBands = .none) -> String {
        let cuts = cuts(stretches, in: day).map(String.init).joined(separator: ",")
        return bands.isEmpty ? cuts : cuts + "|" + bands.signature
    }

    /// Latency kept to two significant figures (rounded down): below each bound, the step it is
    /// rounded down to; past the last, `latencyTopStep`. A histogram of a few hundred buckets per
    /// model and day, from which percentiles are read within 10 %.
    public static let latencySteps: [(below: Int64, step: Int64)] = [(100, 1), (1_000, 10), (10_000, 100), (100_000, 1_000)]
    public static let latencyTopStep: Int64 = 10_000

    public static func bucket(_ ms: Int64) -> Int64 {
        for (below, step) in latencySteps where ms < below { return ms / step * step }
        return ms / latencyTopStep * latencyTopStep
    }

    @inline(__always) private static func put(_ bytes: UnsafeRawBufferPointer, into out: inout [UInt8]) {
        let n = min(bytes.count, 0xffff)
        out.append(UInt8(truncatingIfNeeded: n))
        out.append(UInt8(truncatingIfNeeded: n >> 8))
        out.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[0..<n]))
    }

    /// Adds one event, its text fields as UTF-8 bytes (a null service is empty; so is a missing
    /// `reported`, the event's reported cost as the store keeps it: plain decimal text).
    @inline(__always)
    public mutating func add(ts: Int64, customer: UnsafeRawBufferPointer, provider: UnsafeRawBufferPointer, model: UnsafeRawBufferPointer,
                             tier: UnsafeRawBufferPointer, service: UnsafeRawBufferPointer, status: UnsafeRawBufferPointer,
                             input: Int64, cached: Int64, cacheWrite: Int64, output: Int64, requests: Int64, latencyMs: Int64?,
                             reported: UnsafeRawBufferPointer = UnsafeRawBufferPointer(start: nil, count: 0), cacheWrite1h: Int64 = 0) {
        let nanos = reported.isEmpty ? nil : ReportedCost.nanos(reported)
        packed.removeAll(keepingCapacity: true)
        Self.put(customer, into: &packed)
        Self.put(provider, into: &packed)
        Self.put(model, into: &packed)
        Self.put(tier, into: &packed)
        Self.put(service, into: &packed)
        Self.put(status, into: &packed)
        packed.append(nanos == nil ? 0 : 1)
        // One hash per event: the band is looked up through the group, and only a prompt that
        // exceeds its model's threshold (rare) takes a second key, the group's with its band.
        var group = packed.withUnsafeBytes { groups.id($0) }
        if Int(group) == fields.count {
            newGroup(band: 0, customer: customer, provider: provider, model: model, tier: tier, service: service, status: status,
                     costed: nanos != nil)
        }
        let thresholds = groupThresholds[Int(group)]
        if !thresholds.isEmpty, case let band = PriceBands.band(of: input, in: thresholds), band != 0 {
            withUnsafeBytes(of: band.littleEndian) { packed.append(contentsOf: $0) }
            group = packed.withUnsafeBytes { groups.id($0) }
            if Int(group) == fields.count {
                newGroup(band: band, customer: customer, provider: provider, model: model, tier: tier, service: service, status: status,
                         costed: nanos != nil)
            }
        }
        var stretch = 0
        for (i, cut) in cuts.enumerated() where ts >= cut { stretch = i + 1 }
        sums[Int(group) * (cuts.count + 1) + stretch].add(input, cached, cacheWrite, output, requests, nanos ?? 0, cacheWrite1h)
        touched = true
        if let latencyMs {
            latency[LatencyKey(group: fields[Int(group)].latencyGroup, bucket: Self.bucket(latencyMs)), default: 0] += 1
        }
    }

    /// Makes the group just interned: its fields, its sums, its model's band thresholds.
    private mutating func newGroup(band: Int64, customer: UnsafeRawBufferPointer, provider: UnsafeRawBufferPointer,
                                   model: UnsafeRawBufferPointer, tier: UnsafeRawBufferPointer, service: UnsafeRawBufferPointer,
                                   status: UnsafeRawBufferPointer, costed: Bool) {
        var key: [UInt8] = []
        Self.put(provider, into: &key)
        Self.put(model, into: &key)
        Self.put(service, into: &key)
        let latencyGroup = key.withUnsafeBytes { latencyGroups.id($0) }
        func text(_ b: UnsafeRawBufferPointer) -> String { String(decoding: b, as: UTF8.self) }
        if Int(latencyGroup) == names.count { names.append((text(provider), text(model), text(service))) }
        // A tier or status that is no case (a store edited by hand) is kept aside and stops
        // `rows()`: a day is never summed under a guessed tier.
        let parsedTier = Tier(rawValue: text(tier)), parsedStatus = EventStatus(rawValue: text(status))
        if parsedTier == nil, unreadable == nil { unreadable = UnreadableEventValue(day: day, field: "tier", value: text(tier)) }
        if parsedStatus == nil, unreadable == nil { unreadable = UnreadableEventValue(day: day, field: "status", value: text(status)) }
        fields.append(Fields(customer: text(customer), tier: parsedTier ?? .standard, status: parsedStatus ?? .ok, costed: costed, band: band,
                             latencyGroup: latencyGroup))
        // A marketplace service prices its own prompt and completion tokens: no bands.
        groupThresholds.append(bands.isEmpty || band != 0 || !service.isEmpty ? [] : bands.thresholds(provider: text(provider), model: text(model)))
        sums.append(contentsOf: repeatElement(Sums(), count: cuts.count + 1))
    }

    public mutating func add(ts: Int64, customer: String, provider: String, model: String, tier: String, service: String, status: String,
                             input: Int64, cached: Int64, cacheWrite: Int64, output: Int64, requests: Int64, latencyMs: Int64?,
                             reported: String = "", cacheWrite1h: Int64 = 0) {
        var (c, p, m, t, sv, st, r) = (customer, provider, model, tier, service, status, reported)
        c.withUTF8 { c in p.withUTF8 { p in m.withUTF8 { m in t.withUTF8 { t in sv.withUTF8 { sv in st.withUTF8 { st in r.withUTF8 { r in
            add(ts: ts, customer: UnsafeRawBufferPointer(c), provider: UnsafeRawBufferPointer(p), model: UnsafeRawBufferPointer(m),
                tier: UnsafeRawBufferPointer(t), service: UnsafeRawBufferPointer(sv), status: UnsafeRawBufferPointer(st),
                input: input, cached: cached, cacheWrite: cacheWrite, output: output, requests: requests, latencyMs: latencyMs,
                reported: UnsafeRawBufferPointer(r), cacheWrite1h: cacheWrite1h)
        } } } } } } }
    }

    private func stretchStart(_ index: Int) -> Timestamp {
        Timestamp(microseconds: index == 0 ? day.start.microseconds : cuts[index - 1])
    }

    /// The first event value that is no case of its enum, if any.
    public private(set) var unreadable: UnreadableEventValue?

    /// The day's rows; throws if any event's tier or status could not be read.
    public func rows() throws(UnreadableEventValue) -> [UsageDailyRow] {
        if let unreadable { throw unreadable }
        var out: [UsageDailyRow] = []
        out.reserveCapacity(fields.count)
        let width = cuts.count + 1
        for (g, f) in fields.enumerated() {
            let n = names[Int(f.latencyGroup)]
            for stretch in 0..<width {
                let s = sums[g * width + stretch]
                guard s.events > 0 else { continue }
                out.append(UsageDailyRow(day: day, stretchStart: stretchStart(stretch), customerID: f.customer, provider: n.provider,
                                         model: n.model, tier: f.tier, serviceID: n.service,
                                         status: f.status, events: s.events, inputTokens: s.input,
                                         cachedInputTokens: s.cached, cacheWriteTokens: s.cacheWrite, cacheWrite1hTokens: s.cacheWrite1h,
                                         outputTokens: s.output,
                                         requests: s.requests, costed: f.costed, reportedNanos: s.reportedNanos, band: f.band))
            }
        }
        return out
    }

    public var latencyBuckets: [LatencyBucket] {
        latency.map { k, n in
            let names = names[Int(k.group)]
            return LatencyBucket(provider: names.provider, model: names.model, serviceID: names.service, latencyMs: k.bucket, events: n)
        }
    }
}

extension DayRollup.Sums {
    @inline(__always) mutating func add(_ input: Int64, _ cached: Int64, _ cacheWrite: Int64, _ output: Int64, _ requests: Int64,
                                        _ nanos: Int64, _ cacheWrite1h: Int64) {
        events += 1
        reportedNanos &+= nanos
        self.cacheWrite1h &+= cacheWrite1h
        self.input &+= input
        self.cached &+= cached
        self.cacheWrite &+= cacheWrite
        self.output &+= output
        self.requests &+= requests
    }
}

/// An event whose stored tier or status is none that settle knows: its day is not summed.
public struct UnreadableEventValue: Error, Sendable, CustomStringConvertible {
    public var day: UTCDay
    public var field: String
    public var value: String
    public var description: String {
        "an event of \(day) has the \(field) \"\(value.prefix(40))\", which settle cannot read: was the database edited by hand, or written by a newer settle?"
    }
}
