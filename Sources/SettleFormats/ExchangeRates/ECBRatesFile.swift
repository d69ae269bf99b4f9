import SettleCore

/// The European Central Bank's reference rates as the ECB publishes them (`eurofxref-hist.csv`,
/// from its zip, and the one-day `eurofxref.csv`): a header `Date,USD,JPY,…` ending in a comma,
/// one row per TARGET day, newest first, units per euro, `N/A` for a currency not quoted that
/// day (currencies come and go over the years: CYP until 2007, HRK until 2022, RUB since 2022
/// not at all). The one-day file writes its date as `30 October 2026` and pads with spaces;
/// both are read.
///
/// Read strictly: a date or a rate that does not read is refused naming the line and the
/// column, and a file with no rate at all is refused (exit 78), never taken as "no rates".
public enum ECBRatesFile {
    public static func read(_ path: String) throws(ConfigError) -> ExchangeRateTable {
        var days: [ExchangeRateTable.Day] = []
        var seen: Set<UTCDay> = []
        try CSVTable.forEachRow(path: path, required: ["Date"]) { (row) throws(ConfigError) in
            let text = row["Date"]
            guard let date = UTCDay(text) ?? Self.longDate(text) else {
                throw ConfigError(file: path, line: row.line, key: "Date", "\"\(text)\" is not a date (YYYY-MM-DD, as the ECB writes it)")
            }
            guard seen.insert(date).inserted else { throw ConfigError(file: path, line: row.line, key: "Date", "\(date) is listed twice") }
            var perEuro: [String: ExactDecimal] = [:]
            for currency in row.index.keys where currency != "Date" && !currency.isEmpty {
                let cell = row[currency]
                if cell.isEmpty || cell == "N/A" { continue }
                guard let rate = ExactDecimal(cell), rate > .zero, rate.significand < 1_000_000_000_000_000 else {
                    throw ConfigError(file: path, line: row.line, key: currency,
                                      "\"\(cell)\" is not a rate: units of \(currency) per euro, such as 1.1172, or N/A")
                }
                perEuro[currency] = rate
            }
            days.append(ExchangeRateTable.Day(date: date, perEuro: perEuro))
        }
        guard days.contains(where: { !$0.perEuro.isEmpty }) else {
            throw ConfigError(file: path, "holds no rate: expected the ECB's eurofxref-hist.csv, a header Date,USD,JPY,… and a row per day")
        }
        for currency in Self.columns(of: days) where !ISOCodes.isCurrency(currency) {
            throw ConfigError(file: path, line: 1, key: currency, "is not an ISO 4217 currency code")
        }
        return ExchangeRateTable(days)
    }

    static func columns(of days: [ExchangeRateTable.Day]) -> [String] {
        Array(Set(days.flatMap { $0.perEuro.keys })).sorted()
    }

    /// `30 October 2026`, the one-day file's date.
    static func longDate(_ text: String) -> UTCDay? {
        let parts = text.split(separator: " ")
        let months = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
        guard parts.count == 3, let day = Int(parts[0]), let m = months.firstIndex(of: String(parts[1])), let year = Int(parts[2]) else { return nil }
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return UTCDay("\(year)-\(two(m + 1))-\(two(day))")
    }
}
