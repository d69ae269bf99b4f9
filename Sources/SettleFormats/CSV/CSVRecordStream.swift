/// Streams the records of a CSV file with the line each starts on and its raw text, quoted
/// line breaks included. Blank lines are not records. A record that cannot be parsed is handed
/// on as `.invalid`, so the caller can quarantine it and go on.
public struct CSVRecordStream {
    public let path: String
    public var hashing: Bool

    public init(path: String, hashing: Bool = true) {
        self.path = path
        self.hashing = hashing
    }

    public enum Record {
        case cells([String])
        case invalid(String)
    }

    /// Calls `body(record, line, raw)` for each record; `raw` builds the record's text on demand.
    @discardableResult
    public func forEachRecord(_ body: (Record, Int, () -> String) throws -> Bool) throws -> LineReader.Summary {
        var parser = CSVRecordParser()
        var recordStart = 0
        var rawLines: [String] = []
        var stopped = false
        let summary = try LineReader(path: path, hashing: hashing).forEachLine { line, number in
            if !parser.hasPending {
                if line.isBlank { return true }
                recordStart = number
                rawLines.removeAll(keepingCapacity: true)
            }
            let outcome = parser.feed(line)
            if case .needsMoreLines = outcome {
                rawLines.append(line.lossyString)
                return true
            }
            let raw = { () -> String in (rawLines + [line.lossyString]).joined(separator: "\n") }
            switch outcome {
            case .record(let cells): if try !body(.cells(cells), recordStart, raw) { stopped = true; return false }
            case .invalid(let why): if try !body(.invalid(why), recordStart, raw) { stopped = true; return false }
            case .needsMoreLines: break
            }
            return true
        }
        if parser.hasPending && !stopped {
            _ = try body(.invalid("a quoted field is not closed before the end of the file"), recordStart, { rawLines.joined(separator: "\n") })
        }
        return summary
    }
}
