/// A catalog CSV file with its header: the tables finance edits by hand, read whole, or a row
/// at a time when they are large (`forEachRow`).
public struct CSVTable {
    public struct Row {
        public let line: Int
        let cells: [String]
        let index: [String: Int]

        /// The cell of `column`, trimmed; "" when the column is absent.
        public subscript(column: String) -> String {
            guard let i = index[column], i < cells.count else { return "" }
            return cells[i].trimmingSpaces()
        }
    }

    public let path: String
    public let header: [String]
    public let rows: [Row]

    /// Reads `path` whole; the header must hold every name in `required`.
    public init(path: String, required: [String]) throws(ConfigError) {
        self.path = path
        var rows: [Row] = []
        header = try Self.forEachRow(path: path, required: required) { rows.append($0) }
        self.rows = rows
    }

    /// Hands out the rows of `path` one at a time, none kept (customers.csv has a million), and
    /// returns the header; the header must hold every name in `required`. An error `body`
    /// throws stops the walk and is thrown as it is.
    @discardableResult
    public static func forEachRow(path: String, required: [String], _ body: (Row) throws(ConfigError) -> Void) throws(ConfigError) -> [String] {
        var header: [String]?
        var index: [String: Int] = [:]
        var parser = CSVRecordParser()
        var start = 0
        var problem: ConfigError?
        do {
            try LineReader(path: path, chunkSize: 64 << 10, hashing: false).forEachLine { line, number in
                if !parser.hasPending {
                    if line.isBlank { return true }
                    start = number
                }
                switch parser.feed(line) {
                case .needsMoreLines:
                    return true
                case .invalid(let why):
                    problem = ConfigError(file: path, line: start, "not valid CSV: \(why)")
                    return false
                case .record(var cells):
                    if let header {
                        if cells.count != header.count {
                            problem = ConfigError(file: path, line: start,
                                "\(cells.count) columns, the header has \(header.count)")
                            return false
                        }
                        do throws(ConfigError) {
                            try body(Row(line: start, cells: cells, index: index))
                        } catch {
                            problem = error
                            return false
                        }
                    } else {
                        if let f = cells.first, f.hasPrefix("\u{FEFF}") { cells[0] = String(f.dropFirst()) }
                        let names = cells.map { $0.trimmingSpaces() }
                        header = names
                        for (i, n) in names.enumerated() { index[n] = i }
                        let missing = required.filter { index[$0] == nil }
                        if !missing.isEmpty {
                            problem = ConfigError(file: path, line: start,
                                "the header lacks \(missing.joined(separator: ", ")); expected \(required.joined(separator: ","))")
                            return false
                        }
                    }
                    return true
                }
            }
        } catch {
            throw ConfigError(file: path, "cannot be read: \(error)")
        }
        if let problem { throw problem }
        if parser.hasPending { throw ConfigError(file: path, line: start, "a quoted field is not closed") }
        guard let header else { throw ConfigError(file: path, "empty file; expected a header row \(required.joined(separator: ","))") }
        return header
    }
}
