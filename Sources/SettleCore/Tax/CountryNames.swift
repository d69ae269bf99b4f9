/// English short names of the countries an invoice names (ISO 3166-1), for the printed place
/// of supply; any other country is printed by its code.
public enum CountryNames {
    static let names: [String: String] = [
        "AT": "Austria", "BE": "Belgium", "BG": "Bulgaria", "CY": "Cyprus", "CZ": "Czechia", "DE": "Germany", "DK": "Denmark",
        "EE": "Estonia", "ES": "Spain", "FI": "Finland", "FR": "France", "GR": "Greece", "HR": "Croatia", "HU": "Hungary",
        "IE": "Ireland", "IT": "Italy", "LT": "Lithuania", "LU": "Luxembourg", "LV": "Latvia", "MT": "Malta", "NL": "Netherlands",
        "PL": "Poland", "PT": "Portugal", "RO": "Romania", "SE": "Sweden", "SI": "Slovenia", "SK": "Slovakia",
        "GB": "United Kingdom", "CH": "Switzerland", "NO": "Norway", "IS": "Iceland", "LI": "Liechtenstein", "US": "United States",
        "CA": "Canada", "MX": "Mexico", "BR": "Brazil", "AU": "Australia", "NZ": "New Zealand", "JP": "Japan", "KR": "South Korea",
        "CN": "China", "IN": "India", "SG": "Singapore", "IL": "Israel", "AE": "United Arab Emirates", "ZA": "South Africa",
        "TR": "Türkiye", "UA": "Ukraine",
    ]

    /// "United States", nil for a country not in the table.
    public static func shortName(of code: String) -> String? { names[code] }

    /// "United States (US)", or the code alone for a country not in the table.
    public static func name(of code: String) -> String {
        names[code].map { "\($0) (\(code))" } ?? code
    }
}
