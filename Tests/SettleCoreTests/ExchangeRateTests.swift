import Testing
@testable import SettleCore

/// FINANCE.md's rate rule and rounding, one case each: the cross rate, the seven days, N/A,
/// a currency the ECB stopped quoting, minor units (JPY 0, KWD 3), converting back.
@Suite struct ExchangeRateTests {
    static func d(_ s: String) -> ExactDecimal { ExactDecimal(s)! }
    static func day(_ s: String) -> UTCDay { UTCDay(s)! }

    static let table = ExchangeRateTable([
        .init(date: day("2026-10-30"), perEuro: ["USD": d("1.1172"), "JPY": d("175.68"), "GBP": d("0.8338")]),
        .init(date: day("2026-10-29"), perEuro: ["USD": d("1.113"), "JPY": d("175.92"), "GBP": d("0.83578"), "HRK": d("7.5")]),
        .init(date: day("2026-10-20"), perEuro: ["USD": d("1.1"), "KWD": d("0.33")]),
    ])

    @Test func theCrossRateIsTheQuotientOfTheTwoECBRatesToTenDecimals() {
        #expect(Self.table.rate(from: "USD", to: "EUR", on: Self.day("2026-10-31"))
                == ExchangeRate(from: "USD", to: "EUR", rate: Self.d("0.8950948801"), date: Self.day("2026-10-30")))
        #expect(Self.table.rate(from: "USD", to: "JPY", on: Self.day("2026-10-31"))?.rate == Self.d("157.2502685285"))
        #expect(Self.table.rate(from: "EUR", to: "GBP", on: Self.day("2026-10-31"))?.rate == Self.d("0.8338"))
        #expect(Self.table.rate(from: "GBP", to: "USD", on: Self.day("2026-10-29"))?.rate == Self.d("1.3316901577"))   // 1.113 ÷ 0.83578
    }

    @Test func theLatestDayOnOrBeforeThatQuotesBothAndNoMoreThanSevenDaysOlder() {
        // Saturday 31st: Friday's rate; the 29th's own on the 29th.
        #expect(Self.table.rate(from: "USD", to: "GBP", on: Self.day("2026-10-29"))?.date == Self.day("2026-10-29"))
        #expect(Self.table.rate(from: "USD", to: "GBP", on: Self.day("2026-11-06"))?.date == Self.day("2026-10-30"))
        #expect(Self.table.rate(from: "USD", to: "GBP", on: Self.day("2026-11-07")) == nil, "eight days: no rate, never an old one")
        // HRK is not quoted on the 30th (N/A): the 29th quotes both.
        #expect(Self.table.rate(from: "USD", to: "HRK", on: Self.day("2026-10-31"))?.date == Self.day("2026-10-29"))
        // KWD was last quoted on the 20th: eleven days before the 31st.
        #expect(Self.table.rate(from: "USD", to: "KWD", on: Self.day("2026-10-27"))?.date == Self.day("2026-10-20"))
        #expect(Self.table.rate(from: "USD", to: "KWD", on: Self.day("2026-10-31")) == nil)
        #expect(Self.table.rate(from: "USD", to: "CHF", on: Self.day("2026-10-31")) == nil)
        #expect(Self.table.rate(from: "USD", to: "EUR", on: Self.day("2026-10-19")) == nil, "before the first day")
        #expect(Self.table.missingRateReason(from: "USD", to: "GBP", on: Self.day("2026-11-14"))
                .hasPrefix("no exchange rate from USD to GBP for a period ending 2026-11-14: the latest day quoting both is 2026-10-30"))
    }

    @Test func pricesToSixDecimalsAmountsToTheMinorUnit() {
        let jpy = ExchangeRate(from: "USD", to: "JPY", rate: Self.d("157.2502685285"), date: Self.day("2026-10-30"))
        #expect(jpy.price(Self.d("2.50")) == Self.d("393.125671"))
        #expect(jpy.amount(Self.d("100.00")) == Self.d("15725"))
        let kwd = ExchangeRate(from: "USD", to: "KWD", rate: Self.d("0.3"), date: Self.day("2026-10-20"))
        #expect(kwd.amount(Self.d("12.3455")) == Self.d("3.704"), "3.70365 → three decimals")
        #expect(MinorUnits.of("JPY") == 0 && MinorUnits.of("KWD") == 3 && MinorUnits.of("EUR") == 2 && MinorUnits.of("CHF") == 2)
        #expect(Self.d("-2.5").rounded(to: "JPY") == Self.d("-3"), "half away from zero")
        #expect(Self.d("1234").formatted(currency: "JPY") == "1234" && Self.d("1.2").formatted(currency: "KWD") == "1.200")
        // Back to the base for the reports: ÷ rate, to cents.
        #expect(jpy.back(Self.d("18594")) == Self.d("118.24"))
    }

    @Test func aPlanFeeSetInTheCurrencyWinsElseItIsConverted() {
        var plan = Plan(name: "pro", monthlyFee: Self.d("100.00"))
        plan.fees["EUR"] = Self.d("90.00")
        let eur = InvoiceMoney(currency: "EUR", rate: ExchangeRate(from: "USD", to: "EUR", rate: Self.d("0.8950948801"), date: Self.day("2026-10-30")))
        let gbp = InvoiceMoney(currency: "GBP", rate: ExchangeRate(from: "USD", to: "GBP", rate: Self.d("0.746330111"), date: Self.day("2026-10-30")))
        #expect(eur.fee(plan) == Self.d("90.00") && gbp.fee(plan) == Self.d("74.63"))
        #expect(InvoiceMoney(currency: "USD").fee(plan) == Self.d("100.00"))
    }
}
