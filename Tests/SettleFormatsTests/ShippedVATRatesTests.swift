import Foundation
import Testing
import SettleCore
@testable import SettleFormats

/// The VAT rates settle ships (`ShippedVATRates`, used when settle.toml names no
/// `[catalog] vat_rates`) are fixtures/vat_rates.csv, where each row's source is given.
@Suite struct ShippedVATRatesTests {
    static let csv = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("fixtures/vat_rates.csv").path

    @Test func theShippedRatesAreTheFixtureFile() throws {
        let file = try CatalogLoader.vatRates(Self.csv)
        #expect(file == ShippedVATRates.rates)
        // Every member state and GB, and today's rates where they changed lately.
        let countries = Set(file.map(\.country))
        #expect(TaxRules.memberStates.isSubset(of: countries) && countries.contains("GB") && countries.count == 28)
        let book = ShippedVATRates.book, day = UTCDay("2026-12-06")!
        #expect(book.standardRate(of: "EE", on: day) == ExactDecimal(24) && book.standardRate(of: "FI", on: day) == ExactDecimal("25.5"))
        #expect(book.standardRate(of: "RO", on: day) == ExactDecimal(21) && book.standardRate(of: "SK", on: day) == ExactDecimal(23))
        #expect(book.standardRate(of: "DE", on: day) == ExactDecimal(19) && book.standardRate(of: "HU", on: day) == ExactDecimal(27))
    }
}
