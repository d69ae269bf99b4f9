/// The standard VAT rates settle ships (the 27 member states and GB), used when settle.toml
/// names no `[catalog] vat_rates`. A copy of `fixtures/vat_rates.csv`, where each row's source
/// is; `ShippedVATRatesTests` fails when the two differ. Written as typed values (a rate as
/// significand and scale, a date as year, month, day), so nothing is parsed at run time.
public enum ShippedVATRates {
    public static let rates: [VATRateBook.Rate] = [
        rate("AT", 20, 0, 1984, 1, 1),
        rate("BE", 21, 0, 1996, 1, 1),
        rate("BG", 20, 0, 1999, 1, 1),
        rate("CY", 19, 0, 2014, 1, 13),
        rate("CZ", 21, 0, 2013, 1, 1),
        rate("DE", 19, 0, 2021, 1, 1),
        rate("DK", 25, 0, 1992, 1, 1),
        rate("EE", 20, 0, 2009, 7, 1),
        rate("EE", 22, 0, 2024, 1, 1),
        rate("EE", 24, 0, 2025, 7, 1),
        rate("ES", 21, 0, 2012, 9, 1),
        rate("FI", 24, 0, 2013, 1, 1),
        rate("FI", 255, 1, 2024, 9, 1),
        rate("FR", 20, 0, 2014, 1, 1),
        rate("GB", 20, 0, 2011, 1, 4),
        rate("GR", 24, 0, 2016, 6, 1),
        rate("HR", 25, 0, 2012, 3, 1),
        rate("HU", 27, 0, 2012, 1, 1),
        rate("IE", 23, 0, 2021, 3, 1),
        rate("IT", 22, 0, 2013, 10, 1),
        rate("LT", 21, 0, 2009, 9, 1),
        rate("LU", 16, 0, 2023, 1, 1),
        rate("LU", 17, 0, 2024, 1, 1),
        rate("LV", 21, 0, 2012, 7, 1),
        rate("MT", 18, 0, 2004, 1, 1),
        rate("NL", 21, 0, 2012, 10, 1),
        rate("PL", 23, 0, 2011, 1, 1),
        rate("PT", 23, 0, 2011, 1, 1),
        rate("RO", 19, 0, 2017, 1, 1),
        rate("RO", 21, 0, 2025, 8, 1),
        rate("SE", 25, 0, 1990, 7, 1),
        rate("SI", 22, 0, 2013, 7, 1),
        rate("SK", 20, 0, 2011, 1, 1),
        rate("SK", 23, 0, 2025, 1, 1),
    ]

    public static var book: VATRateBook { VATRateBook(rates) }

    private static func rate(_ country: String, _ significand: Int128, _ scale: Int, _ year: Int, _ month: Int, _ day: Int) -> VATRateBook.Rate {
        VATRateBook.Rate(country: country, ratePct: ExactDecimal(significand: significand, scale: scale),
                         effectiveFrom: UTCDay(CivilDate(unchecked: year, month, day)))
    }
}
