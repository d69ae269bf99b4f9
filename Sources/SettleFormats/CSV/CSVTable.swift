/// A small CSV file read whole, with its header: the catalog tables finance edits by hand.
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

    /// Reads `path`; the header must hold every name in `required`.
    public init(path: String, required: [String]) throws(ConfigError) {
        self.path = path
        var header: [String]?
        var rows: [Row] = []
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
                    if header == nil {
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
                    } else {
                        if cells.count != header!.count {
                            problem = ConfigError(file: path, line: start,
                                "\(cells.count) columns, the header has \(header!.count)")
                            return false
                        }
                        rows.append(Row(line: start, cells: cells, index: index))
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
        self.header = header
        self.rows = rows
    }
}
