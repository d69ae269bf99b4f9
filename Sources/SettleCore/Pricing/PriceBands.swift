/// Prompt-size bands (PRODUCT.md, "Prompt-size bands"): a price row with `band` `>N` applies to
/// events whose `input_tokens` exceed N. An event's band is the highest band of its (provider,
/// model) that it exceeds, else the standard band (0). Decided when a day's events are summed,
/// and kept in the daily rows, so nothing reads events back to price them.
public struct PriceBands: Sendable, Hashable {
    /// "provider␟model" → thresholds, ascending.
    private let thresholds: [String: [Int64]]

    public static let none = PriceBands(rows: [])

    public init(rows: [PriceRow]) {
        var t: [String: Set<Int64>] = [:]
        for r in rows { if let band = r.band { t[Self.key(r.provider, r.model), default: []].insert(band) } }
        thresholds = t.mapValues { $0.sorted() }
    }

    static func key(_ provider: String, _ model: String) -> String { provider + "\u{1F}" + model }

    public var isEmpty: Bool { thresholds.isEmpty }

    /// Every banded (provider, model) with its thresholds, in name order.
    public var models: [(provider: String, model: String, thresholds: [Int64])] {
        thresholds.sorted { $0.key < $1.key }.map { key, values in
            let parts = key.split(separator: "\u{1F}", maxSplits: 1, omittingEmptySubsequences: false)
            return (String(parts[0]), parts.count > 1 ? String(parts[1]) : "", values)
        }
    }

    public func thresholds(provider: String, model: String) -> [Int64] { thresholds[Self.key(provider, model)] ?? [] }

    /// The band of a prompt of `inputTokens`: the highest threshold it exceeds, else 0.
    public static func band(of inputTokens: Int64, in thresholds: [Int64]) -> Int64 {
        var band: Int64 = 0
        for t in thresholds where inputTokens > t { band = t }
        return band
    }

    public func band(provider: String, model: String, inputTokens: Int64) -> Int64 {
        Self.band(of: inputTokens, in: thresholds(provider: provider, model: model))
    }

    /// What daily rows remember of the bands they were summed with: a new band makes the days
    /// due for a new rollup. Empty when there are none (the rows of a book without bands).
    public var signature: String {
        thresholds.sorted { $0.key < $1.key }.map { "\($0.key)>\($0.value.map(String.init).joined(separator: ">"))" }.joined(separator: ";")
    }

    /// `>200000`, as prices.csv and the invoice JSON write it; "" for the standard band.
    public static func label(_ band: Int64) -> String { band == 0 ? "" : ">\(band)" }

    /// `prompts over 200k`, for an invoice line's description.
    public static func phrase(_ band: Int64) -> String {
        let amount = band % 1_000_000 == 0 ? "\(band / 1_000_000)M" : band % 1_000 == 0 ? "\(band / 1_000)k" : "\(band)"
        return "prompts over \(amount)"
    }

    /// Reads `>N` (N a whole number of tokens ≥ 1).
    public static func parse(_ text: String) -> Int64? {
        guard text.hasPrefix(">"), let n = Int64(text.dropFirst()), n >= 1 else { return nil }
        return n
    }
}
