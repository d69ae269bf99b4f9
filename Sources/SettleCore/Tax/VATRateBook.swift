/// Standard VAT rates by country and date (`vat_rates.csv`): the rate settle charges when it
/// decides the tax itself (FINANCE.md, "Tax"). A rate is in force from its `effectiveFrom`
/// until the country's next row.
public struct VATRateBook: Sendable {
    public struct Rate: Sendable, Hashable {
        public var country: String
        public var ratePct: ExactDecimal
        public var effectiveFrom: UTCDay

        public init(country: String, ratePct: ExactDecimal, effectiveFrom: UTCDay) {
            self.country = country
            self.ratePct = ratePct
            self.effectiveFrom = effectiveFrom
        }
    }

    /// Per country, its rates sorted by date.
    private let byCountry: [String: [Rate]]

    public init(_ rates: [Rate]) {
        byCountry = Dictionary(grouping: rates, by: \.country).mapValues { $0.sorted { $0.effectiveFrom < $1.effectiveFrom } }
    }

    /// The standard rate of `country` in force on `day`; nil when the book has none then.
    public func standardRate(of country: String, on day: UTCDay) -> ExactDecimal? {
        byCountry[country]?.last { $0.effectiveFrom <= day }?.ratePct
    }

    public var countries: [String] { byCountry.keys.sorted() }
}
