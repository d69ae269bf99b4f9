/// Where usage rows come from: a file, or a query against the gateway's own database. The
/// ingest job treats them alike: one transaction, one ledger entry and one digest per source.
public protocol UsageSource: Sendable {
    /// The name in the run record and the quarantine (`path` for files).
    var name: String { get }
    /// `jsonl`, `csv`, `litellm-csv`, `postgres:usage_logs`, …
    var format: String { get }
    /// Streams every row in order; returns the digest and size of what was read.
    func forEachRow(_ body: (UsageRow) throws -> Void) throws -> LineReader.Summary
}

extension UsageFileReader: UsageSource {
    public var name: String { path }
    public var format: String { kind.rawValue }
}
