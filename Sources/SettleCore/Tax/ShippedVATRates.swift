/// The standard VAT rates settle ships (the 27 member states and GB), used when settle.toml
/// names no `[catalog] vat_rates`. A copy of `fixtures/vat_rates.csv`, where each row's source
/// is; `ShippedVATRatesTests` fails when the two differ.
public enum ShippedVATRates {
    static let rows: [(country: String, ratePct: String, effectiveFrom: String)] = [
        ("AT", "20", "1984-01-01"),
        ("BE", "21", "1996-01-01"),
        ("BG", "20", "1999-01-01"),
        ("CY", "19", "2014-01-13"),
        ("CZ", "21", "2013-01-01"),
        ("DE", "19", "2021-01-01"),
        ("DK", "25", "1992-01-01"),
        ("EE", "20", "2009-07-01"),
        ("EE", "22", "2024-01-01"),
        ("EE", "24", "2025-07-01"),
        ("ES", "21", "2012-09-01"),
        ("FI", "24", "2013-01-01"),
        ("FI", "25.5", "2024-09-01"),
        ("FR", "20", "2014-01-01"),
        ("GB", "20", "2011-01-04"),
        ("GR", "24", "2016-06-01"),
        ("HR", "25", "2012-03-01"),
        ("HU", "27", "2012-01-01"),
        ("IE", "23", "2021-03-01"),
        ("IT", "22", "2013-10-01"),
        ("LT", "21", "2009-09-01"),
        ("LU", "16", "2023-01-01"),
        ("LU", "17", "2024-01-01"),
        ("LV", "21", "2012-07-01"),
        ("MT", "18", "2004-01-01"),
        ("NL", "21", "2012-10-01"),
        ("PL", "23", "2011-01-01"),
        ("PT", "23", "2011-01-01"),
        ("RO", "19", "2017-01-01"),
        ("RO", "21", "2025-08-01"),
        ("SE", "25", "1990-07-01"),
        ("SI", "22", "2013-07-01"),
        ("SK", "20", "2011-01-01"),
        ("SK", "23", "2025-01-01"),
    ]

    public static var book: VATRateBook {
        VATRateBook(rows.map { VATRateBook.Rate(country: $0.country, ratePct: ExactDecimal($0.ratePct)!, effectiveFrom: UTCDay($0.effectiveFrom)!) })
    }

    public static var rates: [VATRateBook.Rate] {
        rows.map { VATRateBook.Rate(country: $0.country, ratePct: ExactDecimal($0.ratePct)!, effectiveFrom: UTCDay($0.effectiveFrom)!) }
    }
}
