/// The rate an invoice in another currency than the base is converted at (FINANCE.md,
/// "Currencies"): `rate` units of `to` per unit of `from`, the European Central Bank's
/// reference rates of `date`.
///
/// The rate is the quotient of the two ECB rates (`to` per euro ÷ `from` per euro), rounded half
/// away from zero to ten decimals, and that printed figure is the one every conversion uses: a
/// reader checks a line with the rate on the document and a pencil, and gets its figures.
public struct ExchangeRate: Sendable, Hashable {
    public var from: String
    public var to: String
    public var rate: ExactDecimal
    /// The ECB's day the rate is of (on or before the period's last day).
    public var date: UTCDay

    /// Decimals of the printed rate.
    public static let places = 10
    /// Decimals of a converted unit price.
    public static let pricePlaces = 6

    public init(from: String, to: String, rate: ExactDecimal, date: UTCDay) {
        self.from = from
        self.to = to
        self.rate = rate
        self.date = date
    }

    /// A unit price in `from`, in `to`: × rate, rounded to 6 decimals.
    public func price(_ value: ExactDecimal) -> ExactDecimal { (value * rate).rounded(places: Self.pricePlaces) }

    /// An amount in `from`, in `to`: × rate, rounded to `to`'s minor unit.
    public func amount(_ value: ExactDecimal) -> ExactDecimal { (value * rate).rounded(to: to) }

    /// A value in `from`, in `to`, unrounded (a threshold compared with, never billed).
    public func exactly(_ value: ExactDecimal) -> ExactDecimal { value * rate }

    /// An amount in `to`, back in `from` (÷ rate, rounded to `from`'s minor unit): what a
    /// document in another currency counts for in the base-currency reports.
    public func back(_ value: ExactDecimal) -> ExactDecimal {
        ExchangeRateTable.quotient(value, rate, places: MinorUnits.of(from))
    }
}

extension ExchangeRate {
    /// `EUR USD 1.1172 2026-10-30`: as the store keeps it beside a bill line or a cell.
    public var storedText: String { "\(from) \(to) \(rate.normalized) \(date)" }

    public init?(storedText text: String) {
        let parts = text.split(separator: " ")
        guard parts.count == 4, let rate = ExactDecimal(String(parts[2])), let date = UTCDay(String(parts[3])) else { return nil }
        self.init(from: String(parts[0]), to: String(parts[1]), rate: rate, date: date)
    }

    /// `1 EUR = 1.1172 USD (ECB 2026-10-30)`: as a report prints it.
    public var printed: String { "1 \(from) = \(rate.normalized) \(to) (ECB \(date))" }
}

