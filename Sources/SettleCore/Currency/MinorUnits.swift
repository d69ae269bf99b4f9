/// How many decimals a currency's amounts have (ISO 4217's minor unit): an invoice in yen is
/// in whole yen, one in Kuwaiti dinars in thousandths. Every amount of a document is rounded,
/// half away from zero, to its currency's minor unit (FINANCE.md, "Currencies").
public enum MinorUnits {
    /// ISO 4217's currencies whose minor unit is not 2 (list one, as published by SIX, the
    /// maintenance agency); every other code has 2.
    static let exceptions: [String: Int] = [
        "BIF": 0, "CLP": 0, "DJF": 0, "GNF": 0, "ISK": 0, "JPY": 0, "KMF": 0, "KRW": 0, "PYG": 0, "RWF": 0, "UGX": 0, "UYI": 0,
        "VND": 0, "VUV": 0, "XAF": 0, "XOF": 0, "XPF": 0,
        "BHD": 3, "IQD": 3, "JOD": 3, "KWD": 3, "LYD": 3, "OMR": 3, "TND": 3,
        "CLF": 4, "UYW": 4,
    ]

    public static func of(_ currency: String) -> Int { exceptions[currency] ?? 2 }
}

extension ExactDecimal {
    /// Rounded half away from zero to `currency`'s minor unit: an amount of a document in it.
    public func rounded(to currency: String) -> ExactDecimal { rounded(places: MinorUnits.of(currency)) }

    /// Money as the documents print it: `12.30` in euros, `1234` in yen, `1.235` in dinars.
    public func formatted(currency: String) -> String { formatted(places: MinorUnits.of(currency)) }
}
