/// How the catalog writes countries and currencies: ISO 3166-1 alpha-2 (`DE`) and ISO 4217
/// (`EUR`), capital letters only, so that a lower-case or three-letter country is caught when
/// read rather than compared wrongly later.
public enum ISOCodes {
    public static func isCountry(_ code: String) -> Bool { capitals(code, 2) }
    public static func isCurrency(_ code: String) -> Bool { capitals(code, 3) }

    private static func capitals(_ code: String, _ count: Int) -> Bool {
        code.utf8.count == count && code.utf8.allSatisfy { $0 >= 65 && $0 <= 90 }
    }
}
