import Testing
@testable import SettleCore

@Suite struct ExactDecimalTests {
    @Test func parsesPlainAndExponentTextExactly() {
        #expect(ExactDecimal("79.00")!.description == "79.00")
        #expect(ExactDecimal("-0.5")!.description == "-0.5")
        #expect(ExactDecimal(".25")!.description == "0.25")
        #expect(ExactDecimal("+3")!.description == "3")
        #expect(ExactDecimal("2.5e-06")!.description == "0.0000025")
        #expect(ExactDecimal("1E3")!.description == "1000")
        #expect(ExactDecimal("1.5e2")!.description == "150")
        #expect(ExactDecimal(" 12.30 ")!.description == "12.30")
        // Text back exactly, on both sides of 64 bits (the writer divides in 64 bits when it can).
        for text in ["0", "0.00", "-0.01", "7", "-12.345", "18446744073709551615", "18446744073709551616.5",
                     "-123456789012345678901234567.890", "0.000000000000000000000000000001", "99999999999999999999999999999999999999"] {
            #expect(ExactDecimal(text)!.description == text)
        }
        #expect(ExactDecimal(significand: -5, scale: 3).description == "-0.005")
        #expect(ExactDecimal(significand: Int128.min + 1, scale: 0).description == "-170141183460469231731687303715884105727")
        for bad in ["", "-", "1.2.3", "12a", "e5", "1e", "0x10", "1,000"] {
            #expect(ExactDecimal(bad) == nil, "\(bad) must not parse")
        }
    }

    /// The catalog's numbers (PRODUCT.md, "Configuration"): digits, one optional `.`, an
    /// optional leading `-`; what `init?(_:)` also takes for vendor formats is refused.
    @Test func plainDecimalsOnlyForTheCatalog() {
        for (text, value) in [("0", "0"), ("19.5", "19.5"), ("-10.00", "-10.00"), ("100", "100"), ("0.0000025", "0.0000025"), ("-0", "0")] {
            #expect(ExactDecimal(plain: text)?.description == value, "\(text)")
        }
        for bad in ["", "-", "1e2", "2.5e-06", "1E3", "+3", ".25", "5.", "1,000.00", "$5", "5$", " 5", "5 ", "1.2.3", "--1", "0x10", "١٢"] {
            #expect(ExactDecimal(plain: bad) == nil, "\(bad) must not parse")
        }
        // The general parser keeps reading what price lists write.
        #expect(ExactDecimal("1e2")?.description == "100")
        #expect(ExactDecimal("2.5e-06")?.description == "0.0000025")
    }

    @Test func perTokenPriceBecomesPerMillionWithoutLoss() {
        // A float would give 2.4999999999999998; the text keeps the digits.
        let perToken = ExactDecimal("2.5e-06")!
        #expect((perToken * ExactDecimal(1_000_000)).normalized.description == "2.5")
    }

    @Test func roundsHalfAwayFromZeroToCents() {
        #expect(ExactDecimal("0.125")!.roundedToCents.description == "0.13")
        #expect(ExactDecimal("0.124999")!.roundedToCents.description == "0.12")
        #expect(ExactDecimal("-0.125")!.roundedToCents.description == "-0.13")
        #expect(ExactDecimal("-0.115")!.roundedToCents.description == "-0.12")
        #expect(ExactDecimal("2.005")!.roundedToCents.description == "2.01")
        #expect(ExactDecimal("7")!.roundedToCents.description == "7.00")
        #expect(ExactDecimal("1.99999")!.formatted(places: 2) == "2.00")
    }

    @Test func arithmeticIsExact() {
        let a = ExactDecimal("0.1")!, b = ExactDecimal("0.2")!
        #expect(a + b == ExactDecimal("0.3")!)
        #expect((ExactDecimal("79.00")! - ExactDecimal("0.01")!).description == "78.99")
        #expect((ExactDecimal("1234567")! * ExactDecimal("0.0000025")!).description == "3.0864175")
        #expect(ExactDecimal("20")!.percent(of: ExactDecimal("79.00")!).formatted(places: 2) == "15.80")
        #expect(ExactDecimal("8.875")!.percent(of: ExactDecimal("100.00")!).formatted(places: 2) == "8.88")
        #expect(ExactDecimal("1.50")! == ExactDecimal("1.5")!)
        #expect(Set([ExactDecimal("1.50")!, ExactDecimal("1.5")!]).count == 1)
        #expect(ExactDecimal("-1")! < ExactDecimal("0.001")!)
    }

    @Test func formatsUnitPricesWithTheDigitsTheyNeed() {
        #expect(ExactDecimal("0.0000025")!.formatted(minimumPlaces: 2) == "0.0000025")
        #expect(ExactDecimal("3")!.formatted(minimumPlaces: 2) == "3.00")
        #expect(ExactDecimal("3.7500")!.formatted(minimumPlaces: 2) == "3.75")
    }

    @Test func priceRowGivesTheExactPricePerUnit() {
        let row = PriceRow(provider: "openai", model: "gpt-4o", tokenType: .input, tier: .standard,
                           price: ExactDecimal("2.50")!, per: .perMillion, effectiveFrom: UTCDay("2026-01-01")!.start)
        #expect(row.pricePerUnit == ExactDecimal("0.0000025")!)
        let k = PriceRow(provider: "google", model: "g", tokenType: .request, tier: .standard,
                         price: ExactDecimal("35")!, per: .perThousand, effectiveFrom: UTCDay("2026-01-01")!.start)
        #expect(k.pricePerUnit == ExactDecimal("0.035")!)
    }

    @Test func comparesAcrossScalesThatWouldOverflowWhenWidened() {
        let noise = ExactDecimal(roundingExcessDecimals: "1.1102230246251565e-16")!
        #expect(noise.description == "0.000000000000000111022302462516")
        let limit = ExactDecimal(1_000_000_000_000_000)
        #expect(noise < limit && !(limit < noise) && noise != limit)
        #expect(-limit < -noise && -noise < noise)
        #expect(ExactDecimal("-1.5")! < ExactDecimal("-1.2")! && ExactDecimal("-0.5")! < ExactDecimal("0.3")!)
        #expect(ExactDecimal("-99999999.5")! < ExactDecimal("0.000000000000000000000000000001")!)
        #expect(-limit < ExactDecimal("-99999999.000000000000000000000000000001")!)
        #expect(ExactDecimal("2.50")! == ExactDecimal("2.5")!)
        // Exact text keeps every digit; more than 30 decimals is refused unless rounding is asked for.
        #expect(ExactDecimal("1.1102230246251565e-16") == nil)
        #expect(ExactDecimal(roundingExcessDecimals: "0.00032195744715549047")!.description == "0.00032195744715549047")
    }
}
