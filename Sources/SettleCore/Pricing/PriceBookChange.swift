/// Which summed usage a change of prices.csv touches (PRODUCT.md, "Guarantees": current
/// prices). A row added, edited or removed takes effect from its `effective_from`; the usage
/// of its provider and model from that day on is priced again by the next job that reads it.
public enum PriceBookChange {
    public struct Model: Hashable, Sendable, Comparable {
        public var provider: String
        public var model: String
        public init(provider: String, model: String) {
            self.provider = provider
            self.model = model
        }
        public static func < (a: Model, b: Model) -> Bool { (a.provider, a.model) < (b.provider, b.model) }
    }

    static let separator: Character = "\u{1F}"

    /// The book as one text line per row, sorted: what the store keeps to compare with later.
    public static func text(_ rows: [PriceRow]) -> String {
        rows.map { r in
            [r.provider, r.model, r.effectiveFrom.description, r.tokenType.rawValue, r.tier.rawValue, r.band.map(String.init) ?? "",
             r.price.description, r.per.rawValue].joined(separator: String(separator))
        }.sorted().joined(separator: "\n")
    }

    /// For each provider and model with a row in one text and not the other, the first day
    /// such a row takes effect.
    public static func firstDays(from old: String, to new: String) -> [Model: UTCDay] {
        let before = Set(old.split(separator: "\n")), after = Set(new.split(separator: "\n"))
        var out: [Model: UTCDay] = [:]
        for line in before.symmetricDifference(after) {
            let f = line.split(separator: separator, omittingEmptySubsequences: false)
            guard f.count >= 3, let from = Timestamp(rfc3339: String(f[2])) else { continue }
            let key = Model(provider: String(f[0]), model: String(f[1]))
            out[key] = min(out[key] ?? from.day, from.day)
        }
        return out
    }
}
