import CPostgreSQL

/// Streams the result of a query out of a PostgreSQL database with `COPY (…) TO STDOUT`, row
/// by row, at libpq's pace: memory holds one row, whatever the table's size. This is how
/// settle reads a gateway's own usage table.
public final class PostgresCopyReader {
    let db: PGConnection
    public let displayURL: String

    public init(url: String) throws {
        db = try PGConnection(url: url, applicationName: "settle ingest reader")
        displayURL = StoreOpener.redacted(url)
        // Times are read as UTC text, whatever the server's own time zone.
        try db.execute("SET TIME ZONE 'UTC'")
    }

    /// Runs `COPY (query) TO STDOUT` and calls `row` with each line of COPY text (no newline).
    public func copyOut(query: String, _ row: (UnsafeRawBufferPointer) throws -> Void) throws {
        try db.copyOut(query: query, naming: "PostgreSQL at \(displayURL)", row)
    }
}
