/// The European Central Bank's reference rates by day (`[exchange_rates] file`, the ECB's
/// `eurofxref-hist.csv`): units of each currency per euro. Which rate an invoice takes is
/// FINANCE.md's rule, here and nowhere else.
public struct ExchangeRateTable: Sendable {
    /// One ECB day: units per euro of each currency quoted that day (the euro itself is 1).
    public struct Day: Sendable, Hashable {
        public var date: UTCDay
        public var perEuro: [String: ExactDecimal]
        public init(date: UTCDay, perEuro: [String: ExactDecimal]) {
            self.date = date
            self.perEuro = perEuro
        }
    }

    /// Oldest first.
    public private(set) var days: [Day]

    /// How much older than the period's last day the rate may be: weekends and TARGET
    /// holidays have none, a currency the ECB stopped quoting has none for good.
    public static let maxAgeDays = 7

    public init(_ days: [Day]) {
        self.days = days.sorted { $0.date < $1.date }
    }

    public var isEmpty: Bool { days.isEmpty }

    /// The rate from `base` to `currency` for a period ending `day`: from the latest ECB day on
    /// or before `day` that quotes both, if that day is at most seven days older; nil otherwise
    /// (the invoice stays a draft, saying why: never an old rate).
    public func rate(from base: String, to currency: String, on day: UTCDay) -> ExchangeRate? {
        var i = days.partitionPoint { $0.date > day } - 1
        while i >= 0 {
            let d = days[i]
            if day.ordinal - d.date.ordinal > Self.maxAgeDays { return nil }
            if let b = Self.perEuro(base, d), let c = Self.perEuro(currency, d), !b.isZero {
                return ExchangeRate(from: base, to: currency, rate: Self.quotient(c, b), date: d.date)
            }
            i -= 1
        }
        return nil
    }

    /// Why there is no rate: for the draft's reason and the close's finding.
    public func missingRateReason(from base: String, to currency: String, on day: UTCDay) -> String {
        let quoted = days.last { $0.date <= day && Self.perEuro(base, $0) != nil && Self.perEuro(currency, $0) != nil }
        let last = quoted.map { "the latest day quoting both is \($0.date)" } ?? "no day on or before it quotes both"
        return "no exchange rate from \(base) to \(currency) for a period ending \(day): \(last), and a rate may be at most \(Self.maxAgeDays) days older than the period's last day; add the ECB's rates of those days to the exchange rates file"
    }

    static func perEuro(_ currency: String, _ day: Day) -> ExactDecimal? {
        currency == "EUR" ? ExactDecimal(1) : day.perEuro[currency]
    }

    /// `c ÷ b`, rounded half away from zero to `ExchangeRate.places` decimals, in one rounding.
    static func quotient(_ c: ExactDecimal, _ b: ExactDecimal, places: Int = ExchangeRate.places) -> ExactDecimal {
        // c ÷ (s × 10^-k) = (c × 10^k) ÷ s, with s the divisor's digits as an integer.
        let b = b.normalized
        var scaled = c
        for _ in 0..<max(b.scale, 0) { scaled = scaled * ExactDecimal(10) }
        return scaled.divided(by: Int64(b.significand), places: places)
    }
}

extension Array {
    /// The index of the first element for which `belongs` is true, the array being ordered so
    /// that every element for which it is false comes first.
    fileprivate func partitionPoint(_ belongs: (Element) -> Bool) -> Int {
        var low = 0, high = count
        while low < high {
            let mid = (low + high) / 2
            if belongs(self[mid]) { high = mid } else { low = mid + 1 }
        }
        return low
    }
}
