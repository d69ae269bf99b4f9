import SettleCore

/// The columns of one SELECT, named once: the statement's select list is made from them, and
/// the row they read is decoded in the same order under the same names, so that a column is
/// never read by a number that the statement no longer means, and an unreadable value is
/// reported as `table.column`.
struct StoredColumns: Sendable {
    /// The table (or view) named in messages.
    let table: String
    /// Each a column or an expression, as the select list says it (`day`, `SUM(events)`).
    let names: [String]

    init(_ table: String, _ names: [String]) {
        self.table = table
        self.names = names
    }

    /// `a, b, c`: the select list.
    var list: String { names.joined(separator: ", ") }

    /// `SELECT a, b, c FROM …`: `rest` starts at FROM (or at the table's name for a plain one).
    func select(_ rest: String) -> String { "SELECT \(list) \(rest)" }

    func reader(_ values: [String?]) -> StoredRow { StoredRow(values, self) }
}

/// One row read back, taken column by column in select-list order. Every read is strict: a
/// NULL where a value must be, a number that is not one, a day, time, decimal or enum case that
/// does not parse, is a `StoreError` naming `table.column`, never a default.
struct StoredRow {
    private let values: [String?]
    private let columns: StoredColumns
    private var next = 0

    init(_ values: [String?], _ columns: StoredColumns) {
        self.values = values
        self.columns = columns
    }

    /// The next column's text and place. Reading past the row is settle's own mistake (a
    /// decoder that reads more columns than its select list names), not the database's.
    private mutating func take() throws(StoreError) -> (String?, Int) {
        guard next < values.count else {
            throw StoreError("settle read column \(next + 1) of a \(columns.table) row that has \(values.count): a bug in this settle, not in the database; report it with --log-level debug's output",
                             detail: "select list: \(columns.list)")
        }
        defer { next += 1 }
        return (values[next], next)
    }

    /// `table.column` of the column at `i`. Made only for a value that does not read: a read
    /// of a million rows (a month's summary lines) makes no text for its names.
    private func name(_ i: Int) -> String {
        let column = i < columns.names.count ? columns.names[i] : "column \(i + 1)"
        return "\(columns.table).\(column)"
    }

    /// Text that must be there (an empty text is text).
    mutating func text() throws(StoreError) -> String {
        let (v, i) = try take()
        guard let v else { throw StoreError.unreadable(name(i), nil) }
        return v
    }

    /// Text, or nil for NULL.
    mutating func optionalText() throws(StoreError) -> String? { try take().0 }

    mutating func int() throws(StoreError) -> Int64 {
        let (v, i) = try take()
        guard let v, let n = Int64(v) else { throw StoreError.unreadable(name(i), v) }
        return n
    }

    /// nil for NULL; anything else must be a whole number.
    mutating func optionalInt() throws(StoreError) -> Int64? {
        let (v, i) = try take()
        guard let v else { return nil }
        guard let n = Int64(v) else { throw StoreError.unreadable(name(i), v) }
        return n
    }

    /// A flag written as 1/0 (SQLite) or read back as t/f (PostgreSQL boolean).
    mutating func flag() throws(StoreError) -> Bool {
        let (v, i) = try take()
        switch v {
        case "1", "t", "true": return true
        case "0", "f", "false": return false
        default: throw StoreError.unreadable(name(i), v)
        }
    }

    mutating func day() throws(StoreError) -> UTCDay {
        let (v, i) = try take()
        guard let v, let d = UTCDay(v) else { throw StoreError.unreadable(name(i), v) }
        return d
    }

    /// nil for NULL or empty; anything else must be a day.
    mutating func optionalDay() throws(StoreError) -> UTCDay? {
        let (v, i) = try take()
        guard let v, !v.isEmpty else { return nil }
        guard let d = UTCDay(v) else { throw StoreError.unreadable(name(i), v) }
        return d
    }

    mutating func month() throws(StoreError) -> PeriodMonth {
        let (v, i) = try take()
        guard let v, let m = PeriodMonth(v) else { throw StoreError.unreadable(name(i), v) }
        return m
    }

    mutating func time() throws(StoreError) -> Timestamp {
        let (v, i) = try take()
        guard let v, let t = Timestamp(rfc3339: v) else { throw StoreError.unreadable(name(i), v) }
        return t
    }

    /// nil for NULL or empty; anything else must be an RFC 3339 time.
    mutating func optionalTime() throws(StoreError) -> Timestamp? {
        let (v, i) = try take()
        guard let v, !v.isEmpty else { return nil }
        guard let t = Timestamp(rfc3339: v) else { throw StoreError.unreadable(name(i), v) }
        return t
    }

    /// An exact decimal that must be there (money, a rate).
    mutating func money() throws(StoreError) -> ExactDecimal {
        let (v, i) = try take()
        guard let v, let d = ExactDecimal(v) else { throw StoreError.unreadable(name(i), v) }
        return d
    }

    /// nil for NULL; anything else must be an exact decimal.
    mutating func decimal() throws(StoreError) -> ExactDecimal? {
        let (v, i) = try take()
        guard let v else { return nil }
        guard let d = ExactDecimal(v) else { throw StoreError.unreadable(name(i), v) }
        return d
    }

    /// A case of one of settle's enums (a tier, a token type, a status).
    mutating func value<E: RawRepresentable>(_ type: E.Type = E.self) throws(StoreError) -> E where E.RawValue == String {
        let (v, i) = try take()
        guard let v, let e = E(rawValue: v) else { throw StoreError.unreadable(name(i), v) }
        return e
    }

    /// nil for NULL or empty; anything else must be a case.
    mutating func optionalValue<E: RawRepresentable>(_ type: E.Type = E.self) throws(StoreError) -> E? where E.RawValue == String {
        let (v, i) = try take()
        guard let v, !v.isEmpty else { return nil }
        guard let e = E(rawValue: v) else { throw StoreError.unreadable(name(i), v) }
        return e
    }

}

extension SQLExecutor {
    /// `SELECT columns rest`, each row decoded by `decode`.
    func rows<T>(_ columns: StoredColumns, _ rest: String, _ params: [SQLParam] = [],
                 _ decode: (inout StoredRow) throws -> T) throws -> [T] {
        try fetch(columns.select(rest), params).map { values in
            var row = columns.reader(values)
            return try decode(&row)
        }
    }

    /// The same, a row at a time, none kept.
    func eachRow(_ columns: StoredColumns, _ rest: String, _ params: [SQLParam] = [],
                 _ body: (inout StoredRow) throws -> Void) throws {
        try fetchEach(columns.select(rest), params) { values in
            var row = columns.reader(values)
            try body(&row)
        }
    }
}
