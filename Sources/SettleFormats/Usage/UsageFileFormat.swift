/// The file formats `settle ingest usage` reads.
public enum UsageFileFormat: String, Sendable, CaseIterable {
    case jsonl
    case csv
    /// LiteLLM proxy's `LiteLLM_SpendLogs` exported as CSV.
    case litellmCSV = "litellm-csv"

    /// By extension first (`.jsonl`, `.ndjson`, `.json`, `.csv`), else by the first non-blank
    /// byte: `{` is JSON Lines, anything else is tried as CSV with a header.
    public static func detect(path: String, firstLine: UnsafeRawBufferPointer?) -> UsageFileFormat {
        let lower = path.lowercased()
        if lower.hasSuffix(".jsonl") || lower.hasSuffix(".ndjson") || lower.hasSuffix(".json") { return .jsonl }
        if lower.hasSuffix(".csv") { return .csv }
        if let firstLine, let first = firstLine.first(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0xEF && $0 != 0xBB && $0 != 0xBF }),
           first == UInt8(ascii: "{") { return .jsonl }
        return .csv
    }
}
