/// What upstream providers charge us, by provider, model, token type and tier, over time.
///
/// The row in force for an event is the one with the latest `effective_from` not after the
/// event. A tier with no row of its own (batch, flex, priority) falls back to the standard row
/// times the tier's multiplier from settle.toml. No row in force means unpriced: reported, and
/// never guessed.
public struct PriceBook: Sendable {
    struct Key: Hashable {
        var provider: String
        var model: String
        var tokenType: TokenType
        var tier: Tier
        /// 0: the standard band.
        var band: Int64 = 0
    }

    /// Rows per key, oldest first.
    private let rows: [Key: [PriceRow]]
    private let tierMultipliers: [Tier: ExactDecimal]
    /// Every instant a price changes, sorted: usage is priced per stretch between them.
    private let changeInstants: [Timestamp]

    public init(rows: [PriceRow], tierMultipliers: [Tier: ExactDecimal] = [:]) {
        var byKey: [Key: [PriceRow]] = [:]
        for row in rows {
            byKey[Key(provider: row.provider, model: row.model, tokenType: row.tokenType, tier: row.tier, band: row.band ?? 0), default: []]
                .append(row)
        }
        self.rows = byKey.mapValues { $0.sorted { $0.effectiveFrom < $1.effectiveFrom } }
        self.tierMultipliers = tierMultipliers
        self.changeInstants = Array(Set(rows.map(\.effectiveFrom))).sorted()
        self.bands = PriceBands(rows: rows)
    }

    /// The prompt-size bands of the book's models.
    public let bands: PriceBands

    /// The instants strictly inside `day` at which some price changes (most days: none).
    public func changes(within day: UTCDay) -> [Timestamp] {
        let start = day.start, end = day.adding(days: 1).start
        return changeInstants.filter { $0 > start && $0 < end }
    }

    /// A price in force, and where it came from.
    public struct Quote: Sendable, Equatable {
        /// Exact price of one unit (one token, or one request).
        public var perUnit: ExactDecimal
        /// The price-book row it rests on.
        public var row: PriceRow
        /// Set when the tier had no row and the standard price was multiplied.
        public var multiplier: ExactDecimal?
    }

    /// The price of one unit in `band` (0: standard). A token type with no row in that band
    /// falls back to the next lower band of the model that has one, and to the standard band
    /// last (PRODUCT.md, "Prompt-size bands"): a 600k prompt whose >500000 band prices only
    /// input pays the >200000 output price, never less than a 300k prompt. Within each band a
    /// tier without a row of its own takes that band's standard-tier price times the tier's
    /// multiplier before the walk goes down a band, so a band's price outranks a lower band's.
    public func quote(provider: String, model: String, tokenType: TokenType, tier: Tier, band: Int64 = 0, at time: Timestamp) -> Quote? {
        func key(_ band: Int64) -> Key { Key(provider: provider, model: model, tokenType: tokenType, tier: tier, band: band) }
        if band != 0 {
            if let q = quote(key(band), at: time) { return q }
            // The model's lower bands, highest first (thresholds are ascending).
            for lower in bands.thresholds(provider: provider, model: model).reversed() where lower < band {
                if let q = quote(key(lower), at: time) { return q }
            }
        }
        return quote(key(0), at: time)
    }

    private func quote(_ key: Key, at time: Timestamp) -> Quote? {
        if let row = inForce(key, at: time) {
            return Quote(perUnit: row.pricePerUnit, row: row, multiplier: nil)
        }
        var standard = key
        standard.tier = .standard
        guard key.tier != .standard, let multiplier = tierMultipliers[key.tier], let row = inForce(standard, at: time) else {
            return nil
        }
        return Quote(perUnit: row.pricePerUnit * multiplier, row: row, multiplier: multiplier)
    }

    private func inForce(_ key: Key, at time: Timestamp) -> PriceRow? {
        guard let candidates = rows[key] else { return nil }
        // The last row whose effective_from is not after `time` (binary search: rows are sorted).
        var lo = 0, hi = candidates.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if candidates[mid].effectiveFrom <= time { lo = mid + 1 } else { hi = mid }
        }
        return lo == 0 ? nil : candidates[lo - 1]
    }
}
