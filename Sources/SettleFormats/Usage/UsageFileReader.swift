import SettleCore

/// Streams one gateway usage file (JSON Lines or CSV) into rows: events and quarantined rows.
/// Blank lines are not rows; every other line is accounted for.
public struct UsageFileReader: Sendable {
    public let path: String
    public let kind: UsageFileFormat
    /// For LiteLLM exports: which column names the customer.
    public var litellm = LiteLLMOptions()

    public init(path: String, format: UsageFileFormat, litellm: LiteLLMOptions = LiteLLMOptions()) {
        self.path = path
        self.kind = format
        self.litellm = litellm
    }

    /// Opens the file and decides its format, checking that it can be read as that format at
    /// all. Fails with 65-class errors before anything is written.
    public static func open(path: String, format: UsageFileFormat? = nil,
                            litellm: LiteLLMOptions = LiteLLMOptions()) throws(InputFileError) -> UsageFileReader {
        var firstLine: [UInt8]?
        do {
            try LineReader(path: path, chunkSize: 64 << 10, hashing: false).forEachLine { line, _ in
                if line.isBlank { return true }
                firstLine = Array(line)
                return false
            }
        } catch let e as InputFileError {
            throw e
        } catch {
            throw InputFileError(path: path, "\(error)")
        }
        var chosen = format ?? firstLine.map { bytes in bytes.withUnsafeBytes { UsageFileFormat.detect(path: path, firstLine: $0) } }
            ?? UsageFileFormat.detect(path: path, firstLine: nil)
        if chosen != .jsonl, let firstLine {
            var parser = CSVRecordParser()
            let header: [String]
            switch firstLine.withUnsafeBytes({ parser.feed($0) }) {
            case .record(let cells): header = cells
            case .needsMoreLines, .invalid: throw InputFileError(path: path, line: 1, "not a usage CSV: the header row cannot be read")
            }
            if format == nil && LiteLLMSpendLogsDecoder.recognises(header) { chosen = .litellmCSV }
            if chosen == .litellmCSV {
                _ = try LiteLLMSpendLogsDecoder(header: header, path: path, options: litellm)
            } else {
                _ = try CSVUsageDecoder(header: header, path: path)
            }
        }
        if chosen == .jsonl, let firstLine, firstLine.first(where: { $0 != 0x20 && $0 != 0x09 }) != UInt8(ascii: "{") {
            throw InputFileError(path: path, "not JSON Lines: the first line does not start with {")
        }
        return UsageFileReader(path: path, format: chosen, litellm: litellm)
    }

    /// Reads every row, in file order, calling `body` for each.
    public func forEachRow(_ body: (UsageRow) throws -> Void) throws -> LineReader.Summary {
        switch kind {
        case .jsonl:
            let decoder = JSONLinesUsageDecoder()
            return try LineReader(path: path).forEachLine { line, number in
                if !line.isBlank { try body(decoder.decode(line, lineNumber: number, source: path)) }
                return true
            }
        case .csv, .litellmCSV:
            var decoder: ((_ cells: [String], _ line: Int, _ raw: () -> String) -> UsageRow)?
            return try CSVRecordStream(path: path).forEachRecord { record, line, raw in
                switch record {
                case .cells(let cells):
                    if let decoder {
                        try body(decoder(cells, line, raw))
                    } else if kind == .litellmCSV {
                        let d = try LiteLLMSpendLogsDecoder(header: cells, path: path, options: litellm)
                        decoder = { cells, line, raw in d.decode(cells, lineNumber: line, source: path, raw: raw()) }
                    } else {
                        let d = try CSVUsageDecoder(header: cells, path: path)
                        decoder = { cells, line, raw in d.decode(cells, lineNumber: line, source: path, raw: raw()) }
                    }
                case .invalid(let why):
                    try body(.quarantined(QuarantinedRow(source: path, line: line, reason: .notCSV(why), raw: raw())))
                }
                return true
            }
        }
    }
}
