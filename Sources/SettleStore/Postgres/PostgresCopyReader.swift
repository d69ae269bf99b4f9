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
        let start = PQexec(db.handle, "COPY (\(query)) TO STDOUT")
        let status = PQresultStatus(start)
        let startError = status == PGRES_COPY_OUT ? "" : String(cString: PQresultErrorMessage(start))
        PQclear(start)
        guard status == PGRES_COPY_OUT else {
            let message = startError.trimmingCharacters(in: "\n ")
            throw StoreError("PostgreSQL at \(displayURL): \(db.firstLine(message))", detail: "\(message) in: \(query.prefix(200))")
        }
        var failure: (any Error)?
        while true {
            var buffer: UnsafeMutablePointer<CChar>?
            let n = PQgetCopyData(db.handle, &buffer, 0)
            if n == -1 { break }
            if n == -2 { throw StoreError("PostgreSQL at \(displayURL): reading failed: \(db.firstLine(db.lastError))", detail: db.lastError) }
            defer { PQfreemem(buffer) }
            guard failure == nil, let buffer else { continue }
            var length = Int(n)
            if length > 0 && buffer[length - 1] == 0x0A { length -= 1 }
            do {
                try row(UnsafeRawBufferPointer(start: buffer, count: length))
            } catch {
                // Keep draining so the connection stays usable; report the first error.
                failure = error
            }
        }
        var serverError: String?
        while let result = PQgetResult(db.handle) {
            if PQresultStatus(result) != PGRES_COMMAND_OK { serverError = String(cString: PQresultErrorMessage(result)) }
            PQclear(result)
        }
        if let failure { throw failure }
        if let serverError {
            let message = serverError.trimmingCharacters(in: "\n ")
            throw StoreError("PostgreSQL at \(displayURL): \(db.firstLine(message))", detail: message)
        }
    }
}
