import SettleCore

/// Streams one provider bill file into records, whatever its format. `open` decides the
/// format (from content, or `--format`) and checks that the file can be read as it before
/// anything is written.
public struct BillFileReader {
    public let path: String
    /// nil for a JSON report with no records at all (an empty page): any format reads it.
    public let format: BillFileFormat?
    public let options: BillReadOptions

    public var formatName: String { format?.rawValue ?? "empty-report" }

    public static func open(path: String, format: BillFileFormat? = nil, options: BillReadOptions = BillReadOptions()) throws -> BillFileReader {
        // Spaces, line breaks and a UTF-8 byte-order mark may come first.
        let first = try LineReader.head(path: path).first { ![0x20, 0x09, 0x0A, 0x0D, 0xEF, 0xBB, 0xBF].contains($0) }
        guard let first else { throw InputFileError(path: path, "empty: not a provider bill") }
        let looksJSON = first == UInt8(ascii: "{") || first == UInt8(ascii: "[")
        if looksJSON {
            if let format, !format.isJSON { throw InputFileError(path: path, line: 1, "not a \(format.title) file: it holds JSON") }
            // The whole document is walked once here, so that a truncated download stops the
            // run (65) before any file of it is stored, not halfway through.
            var detected: BillFileFormat?
            var hasRecords = false
            var shaped: [BillFileFormat.JSONShape: Int] = [:]
            let walk = try JSONPageStream(path: path, hashing: false).walk { element in
                if detected == nil { detected = BillFileFormat.detect(element: element.value) }
                if case .array(let r)? = element.value["results"], r.isEmpty {} else { hasRecords = true }
                shaped[BillFileFormat.JSONShape(element.value), default: 0] += 1
                return true
            }
            if walk.elements == 0 {
                guard walk.isEmptyReport else { throw notAReport(path: path, format: format) }
                return BillFileReader(path: path, format: format, options: options)
            }
            if let format {
                if let detected, detected != format {
                    // A usage page read as a cost page would come out all quarantined: say so now.
                    throw InputFileError(path: path, "holds a \(detected.title) page, not \(format.title); drop --format or fix it")
                }
                // Not one element shaped as this format's records: another kind of JSON file.
                guard shaped[format.jsonShape, default: 0] > 0 else { throw notAReport(path: path, format: format) }
                return BillFileReader(path: path, format: format, options: options)
            }
            guard let detected else {
                guard !hasRecords else {
                    guard shaped[.bucket, default: 0] > 0 else { throw notAReport(path: path, format: nil) }
                    throw InputFileError(path: path, "cannot tell which provider bill this is; name it with --format (\(BillFileFormat.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
                return BillFileReader(path: path, format: nil, options: options)
            }
            return BillFileReader(path: path, format: detected, options: options)
        }
        if let format, format.isJSON { throw InputFileError(path: path, line: 1, "not a \(format.title) file: it does not start with { or [") }
        var header: [String]?
        try CSVRecordStream(path: path, hashing: false).forEachRecord { record, _, _ in
            if case .cells(let cells) = record { header = cells }
            return false
        }
        guard let header else { throw InputFileError(path: path, line: 1, "the header row cannot be read as CSV") }
        guard let chosen = format ?? BillFileFormat.detect(header: header) else {
            throw InputFileError(path: path, line: 1, "cannot tell which provider bill this CSV is (not FOCUS, AWS CUR or provider,date,model,token_type,tier,quantity,cost); name it with --format")
        }
        let reader = BillFileReader(path: path, format: chosen, options: options)
        _ = try reader.csvDecoder(header: header)
        return reader
    }

    /// A JSON file with no page and no bucket in it: never "read 0", always exit 65.
    static func notAReport(path: String, format: BillFileFormat?) -> InputFileError {
        let what = format.map { "a \($0.title) report" } ?? "a provider bill"
        let expected = format == .openRouterActivity ? "a page {\"data\": [rows]}" : "an API page {\"data\": [buckets]}, a list of pages or buckets, or JSON Lines of either"
        return InputFileError(path: path, "holds JSON but not \(what): expected \(expected)")
    }

    init(path: String, format: BillFileFormat?, options: BillReadOptions) {
        self.path = path
        self.format = format
        self.options = options
    }

    private func csvDecoder(header: [String]) throws -> ([String]) throws(BillFieldProblem) -> BillRecord {
        switch format {
        case .focus?:
            let d = try FOCUSDecoder(header: header, path: path, options: options)
            return { cells throws(BillFieldProblem) in try d.decode(cells) }
        case .cur?:
            let d = try CURBedrockDecoder(header: header, path: path, options: options)
            return { cells throws(BillFieldProblem) in try d.decode(cells).map { .lines([$0]) } ?? .skipped(d.service(cells)) }
        default:
            let d = try PlainBillCSV(header: header, path: path)
            return { cells throws(BillFieldProblem) in .lines([try d.decode(cells)]) }
        }
    }

    /// Reads every record in file order. For CSV the number is the record's line; for JSON
    /// reports (often one line) it is the record's ordinal among the file's results.
    ///
    /// A file that yields no record must be a well-formed empty report (a CSV header alone,
    /// empty pages, `[]`); anything else is an error (65), never "read 0".
    public func forEachRecord(_ body: (BillRecord) throws -> Void) throws -> LineReader.Summary {
        guard let format else {
            let walk = try JSONPageStream(path: path).walk { _ in true }
            guard walk.isEmptyReport || walk.elements > 0 else { throw Self.notAReport(path: path, format: nil) }
            return walk.file
        }
        if format.isJSON {
            let walk = try readJSON(format, body)
            guard walk.elements > 0 || walk.isEmptyReport else { throw Self.notAReport(path: path, format: format) }
            return walk.file
        }
        var decode: (([String]) throws(BillFieldProblem) -> BillRecord)?
        return try CSVRecordStream(path: path).forEachRecord { record, line, raw in
            switch record {
            case .invalid(let why):
                try body(.quarantined(QuarantinedRow(source: path, line: line, problem: BillFieldProblem(.notCsv, why), raw: raw())))
            case .cells(let cells):
                guard let decode else {
                    decode = try csvDecoder(header: cells)
                    return true
                }
                do {
                    try body(try decode(cells))
                } catch let problem as BillFieldProblem {
                    try body(.quarantined(QuarantinedRow(source: path, line: line, problem: problem, raw: raw())))
                }
            }
            return true
        }
    }

    private func readJSON(_ format: BillFileFormat, _ body: (BillRecord) throws -> Void) throws -> JSONPageStream.Walk {
        var record = 0
        func quarantine(_ value: JSONValue, _ problem: BillFieldProblem, at element: JSONPageStream.Element, index: Int?) throws {
            let place = "bucket \(element.ordinal)" + (index.map { ", results[\($0)]" } ?? "")
            try body(.quarantined(QuarantinedRow(source: path, line: record,
                                                 problem: BillFieldProblem(problem.code, "\(problem.detail) (\(place), from line \(element.line))"),
                                                 raw: value.rendered)))
        }
        return try JSONPageStream(path: path).walk { element in
            let value = element.value
            guard format.hasBuckets else {
                record += 1
                do {
                    try body(.lines(try OpenRouterActivity.lines(value)))
                } catch let problem as BillFieldProblem {
                    try quarantine(value, problem, at: element, index: nil)
                }
                return true
            }
            guard case .array(let results)? = value["results"] else {
                record += 1
                try quarantine(value, BillFieldProblem(.missingField, "results (a bucket holds results)"), at: element, index: nil)
                return true
            }
            let day: Result<UTCDay, BillFieldProblem>
            do throws(BillFieldProblem) {
                day = .success(format.rawValue.hasPrefix("openai")
                    ? try BucketDay.fromUnix(start: value["start_time"], end: value["end_time"])
                    : try BucketDay.fromRFC3339(start: value.text("starting_at"), end: value.text("ending_at")))
            } catch {
                day = .failure(error)
            }
            for (i, r) in results.enumerated() {
                record += 1
                do {
                    let d = try day.get()
                    switch format {
                    case .openAIUsage: try body(.lines(try OpenAIReports.usageLines(r, day: d)))
                    case .openAICosts: try body(.lines([try OpenAIReports.costLine(r, day: d)]))
                    case .anthropicUsage: try body(.lines(try AnthropicReports.usageLines(r, day: d)))
                    default: try body(.lines([try AnthropicReports.costLine(r, day: d)]))
                    }
                } catch let problem as BillFieldProblem {
                    try quarantine(r, problem, at: element, index: i)
                }
            }
            return true
        }
    }
}
