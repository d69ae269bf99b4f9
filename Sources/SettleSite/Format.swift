import SettleCore

/// Figures as the pages show them: money to the currency's minor unit with thousands
/// separators, counts grouped.
enum Format {
    static func money(_ d: ExactDecimal, _ currency: String) -> String {
        group(d.formatted(currency: currency)) + " " + currency
    }

    static func amount(_ d: ExactDecimal, _ currency: String) -> String { group(d.formatted(currency: currency)) }

    static func count(_ n: Int64) -> String { group(String(n)) }
    static func count(_ n: Int) -> String { group(String(n)) }

    /// "1234567.89" → "1,234,567.89".
    static func group(_ text: String) -> String {
        var s = Substring(text)
        var sign = ""
        if s.hasPrefix("-") { sign = "-"; s = s.dropFirst() }
        let parts = s.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let whole = Array(parts[0])
        var out = ""
        for (i, c) in whole.enumerated() {
            if i > 0 && (whole.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return sign + out + (parts.count > 1 ? "." + parts[1] : "")
    }
}
