import CPostgreSQL
#if canImport(Glibc)
import Glibc
#endif

/// A libpq connection: parameterised queries, COPY FROM STDIN, and errors that carry the
/// server's message. Connection strings are libpq's own (URIs or key=value), so PGPASSWORD,
/// .pgpass and service files work as operators expect.
final class PGConnection {
    let handle: OpaquePointer

    /// Connection attempts before a server that cannot be reached is given up on (exit 75, try
    /// later), and the pause before the second; it doubles each time (1 s, 2 s: three tries
    /// over three seconds, enough for a restart or a failover's switch, short enough for cron).
    static let connectAttempts = 3
    static let firstPause: UInt32 = 1_000_000

    convenience init(url: String, applicationName: String = "settle") throws(StoreError) {
        var attempt = 1
        while true {
            do {
                try self.init(connectingOnce: url, applicationName: applicationName)
                return
            } catch let error where error.isUnreachable && attempt < Self.connectAttempts {
                usleep(Self.firstPause << UInt32(attempt - 1))
                attempt += 1
            } catch let error where error.isUnreachable {
                throw StoreError("\(error.description) (tried \(attempt) times over \((1 << (attempt - 1)) - 1) s); try again later", detail: error.detail,
                                 unreachable: true)
            }
        }
    }

    private init(connectingOnce url: String, applicationName: String) throws(StoreError) {
        // application_name shows in pg_stat_activity: it is how a second run names the holder of the lock.
        let keys = ["dbname", "application_name", "fallback_application_name"]
        let values = [url, applicationName, "settle"]
        var keyPointers = keys.map { strdup($0) } + [nil]
        var valuePointers = values.map { strdup($0) } + [nil]
        defer {
            keyPointers.forEach { free($0) }
            valuePointers.forEach { free($0) }
        }
        let conn = keyPointers.withUnsafeMutableBufferPointer { k in
            valuePointers.withUnsafeMutableBufferPointer { v in
                PQconnectdbParams(
                    UnsafeRawPointer(k.baseAddress!).assumingMemoryBound(to: UnsafePointer<CChar>?.self),
                    UnsafeRawPointer(v.baseAddress!).assumingMemoryBound(to: UnsafePointer<CChar>?.self), 1)
            }
        }
        guard let conn else { throw StoreError("cannot connect to PostgreSQL: out of memory") }
        guard PQstatus(conn) == CONNECTION_OK else {
            let message = String(cString: PQerrorMessage(conn)).trimmingCharacters(in: "\n ")
            PQfinish(conn)
            // A server that is down, restarting or unreachable is worth trying later; a refused
            // login or a database that does not exist is not.
            let refused = ["authentication failed", "does not exist", "password", "no pg_hba.conf entry", "permission denied"]
                .contains { message.contains($0) }
            throw StoreError("cannot connect to PostgreSQL at \(StoreOpener.redacted(url)): \(message)", unreachable: !refused)
        }
        handle = conn
        try execute("SET client_min_messages = warning")
    }

    deinit { PQfinish(handle) }

    var lastError: String { String(cString: PQerrorMessage(handle)).trimmingCharacters(in: "\n ") }

    /// Runs one or more statements without parameters.
    func execute(_ sql: String) throws(StoreError) {
        let result = PQexec(handle, sql)
        defer { PQclear(result) }
        let status = PQresultStatus(result)
        guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK else {
            throw failure(result, "in: \(sql.prefix(120))")
        }
    }

    private func resultError(_ result: OpaquePointer?) -> String {
        guard let result, let message = PQresultErrorMessage(result), message.pointee != 0 else { return lastError }
        return String(cString: message).trimmingCharacters(in: "\n ")
    }

    /// The server's primary message and SQLSTATE, which name a constraint but no value, for
    /// the description; its whole message (DETAIL quotes the values) and `context` as detail.
    private func failure(_ result: OpaquePointer?, _ context: String) -> StoreError {
        func field(_ code: UInt8) -> String? {
            guard let result, let p = PQresultErrorField(result, Int32(code)), p.pointee != 0 else { return nil }
            return String(cString: p)
        }
        let code = field(UInt8(ascii: "C"))
        let state = code.map { " (SQLSTATE \($0))" } ?? ""
        // Class 22 (data exceptions) quotes the value in its primary message: named by column.
        if code?.hasPrefix("22") == true {
            let column = field(UInt8(ascii: "c")).map { " in column \($0)" } ?? ""
            return StoreError("PostgreSQL: a value does not fit its type\(column)\(state)", detail: "\(resultError(result)) \(context)",
                              sqlState: code)
        }
        let primary = field(UInt8(ascii: "M")) ?? lastError.split(separator: "\n").first.map(String.init) ?? "failed"
        return StoreError("PostgreSQL: \(primary)\(state)", detail: "\(resultError(result)) \(context)", sqlState: code)
    }

    /// Runs a parameterised statement (text parameters; nil is NULL) and returns its rows as text.
    @discardableResult
    func query(_ sql: String, _ params: [String?] = []) throws(StoreError) -> PGRows {
        try checked(withTextParameters(params) { PQexecParams(handle, sql, Int32(params.count), nil, $0, nil, nil, 0) },
                    context: "in: \(sql.prefix(120))")
    }

    /// Calls `body` with `params` as C strings for libpq, freeing them afterwards.
    private func withTextParameters(_ params: [String?], _ body: (UnsafePointer<UnsafePointer<CChar>?>?) -> OpaquePointer?) -> OpaquePointer? {
        var owned = params.map { $0.map { strdup($0) } ?? nil }
        defer { owned.forEach { free($0) } }
        return owned.withUnsafeMutableBufferPointer { buf in
            body(UnsafeRawPointer(buf.baseAddress).map { $0.assumingMemoryBound(to: UnsafePointer<CChar>?.self) })
        }
    }

    /// The rows of a successful result; the server's message otherwise.
    private func checked(_ result: OpaquePointer?, context: String) throws(StoreError) -> PGRows {
        let status = PQresultStatus(result)
        guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK else {
            let error = failure(result, context)
            PQclear(result)
            throw error
        }
        return PGRows(result)
    }

    /// Statements prepared on this session, by name.
    private var prepared = Set<String>()
    /// Names of the shared statements (`SQLExecutor`) prepared on this session, by SQL text.
    var sharedStatementNames: [String: String] = [:]

    /// Runs `sql` as the prepared statement `name`, preparing it on first use in this session.
    @discardableResult
    func executePrepared(_ name: String, _ sql: String, _ params: [String?]) throws(StoreError) -> PGRows {
        if !prepared.contains(name) {
            let result = PQprepare(handle, name, sql, Int32(params.count), nil)
            defer { PQclear(result) }
            guard PQresultStatus(result) == PGRES_COMMAND_OK else {
                throw failure(result, "preparing: \(sql.prefix(120))")
            }
            prepared.insert(name)
        }
        return try checked(withTextParameters(params) { PQexecPrepared(handle, name, Int32(params.count), $0, nil, nil, 0) },
                           context: "in prepared statement \(name)")
    }

    /// Streams rows into `table` with COPY FROM STDIN (text format). `fill` is called with a
    /// sink until it returns; the sink takes ready-made COPY text.
    func copy(into target: String, binary: Bool = false, _ fill: ((UnsafeRawBufferPointer) throws -> Void) throws -> Void) throws {
        let start = PQexec(handle, "COPY \(target) FROM STDIN\(binary ? " (FORMAT binary)" : "")")
        let status = PQresultStatus(start)
        PQclear(start)
        guard status == PGRES_COPY_IN else { throw StoreError("PostgreSQL: COPY \(target) refused: \(firstLine(lastError))", detail: lastError) }
        do {
            try fill { bytes throws in
                guard PQputCopyData(self.handle, bytes.baseAddress?.assumingMemoryBound(to: CChar.self), Int32(bytes.count)) == 1 else {
                    throw StoreError("PostgreSQL: COPY \(target) failed: \(self.firstLine(self.lastError))", detail: self.lastError)
                }
            }
        } catch {
            PQputCopyEnd(handle, "settle stopped the load")
            drainResults()
            throw error
        }
        guard PQputCopyEnd(handle, nil) == 1 else { throw StoreError("PostgreSQL: COPY \(target) failed: \(firstLine(lastError))", detail: lastError) }
        var failure: String?
        var sqlState: String?
        while let result = PQgetResult(handle) {
            if PQresultStatus(result) != PGRES_COMMAND_OK {
                failure = resultError(result)
                sqlState = PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) }
            }
            PQclear(result)
        }
        if let failure {
            if sqlState == "23505" { throw UniqueViolation(message: failure) }
            throw StoreError("PostgreSQL: COPY \(target) failed: \(firstLine(failure))", detail: failure, sqlState: sqlState)
        }
    }

    /// The first line of a server message: `ERROR: …` names a constraint or a type, while the
    /// `DETAIL:` and `CONTEXT:` lines after it quote the values.
    func firstLine(_ message: String) -> String {
        message.split(separator: "\n").first.map(String.init) ?? message
    }

    /// Runs `COPY (query) TO STDOUT` and calls `row` with each line of COPY text (no newline).
    func copyOut(query: String, naming source: String = "PostgreSQL", _ row: (UnsafeRawBufferPointer) throws -> Void) throws {
        let start = PQexec(handle, "COPY (\(query)) TO STDOUT")
        let status = PQresultStatus(start)
        let startError = status == PGRES_COPY_OUT ? "" : String(cString: PQresultErrorMessage(start))
        PQclear(start)
        guard status == PGRES_COPY_OUT else {
            let message = startError.trimmingCharacters(in: "\n ")
            throw StoreError("\(source): \(firstLine(message))", detail: "\(message) in: \(query.prefix(200))")
        }
        var failure: (any Error)?
        while true {
            var buffer: UnsafeMutablePointer<CChar>?
            let n = PQgetCopyData(handle, &buffer, 0)
            if n == -1 { break }
            if n == -2 {
                // Drained, so that the connection can still record the run's end.
                let message = lastError
                while let result = PQgetResult(handle) { PQclear(result) }
                throw StoreError("\(source): reading failed: \(firstLine(message))", detail: message)
            }
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
        while let result = PQgetResult(handle) {
            if PQresultStatus(result) != PGRES_COMMAND_OK { serverError = String(cString: PQresultErrorMessage(result)) }
            PQclear(result)
        }
        if let failure { throw failure }
        if let serverError {
            let message = serverError.trimmingCharacters(in: "\n ")
            throw StoreError("\(source): \(firstLine(message))", detail: message)
        }
    }

    /// Past this many rows an upsert goes through COPY and one statement (a day of a busy
    /// gateway is tens of thousands of daily rows; statements of a hundred rows cost seconds).
    static let stagedUpsertRows = 1_000

    /// `SQLExecutor.upsert` for many rows: COPYed into a temporary table like `table`, then
    /// one INSERT … SELECT in the rows' own order (`ord`: the caller's, which is also the order
    /// of the small path's VALUES, so two loads adding to the same rows lock them in the same
    /// order whichever path each takes) … ON CONFLICT DO UPDATE adding the `adding` columns.
    /// The staging table lives until the transaction ends; outside one, a transaction is made.
    func stagedUpsert(into table: String, columns: [String], rows: [[SQLParam]], key: [String], adding: [String]) throws {
        guard PQtransactionStatus(handle) == PQTRANS_INTRANS else {
            return try transaction { try stagedUpsert(into: table, columns: columns, rows: rows, key: key, adding: adding) }
        }
        let stage = "\(table)_upsert_stage"
        try execute("""
            CREATE TEMP TABLE IF NOT EXISTS \(stage) (LIKE \(table) INCLUDING DEFAULTS, ord bigserial) ON COMMIT DROP;
            TRUNCATE \(stage)
            """)
        try bulkInsert(into: stage, columns: columns, rows: rows)
        let list = columns.joined(separator: ", ")
        let update = adding.map { "\($0) = \(table).\($0) + excluded.\($0)" }.joined(separator: ", ")
        try execute("""
            INSERT INTO \(table) (\(list)) SELECT \(list) FROM \(stage) ORDER BY ord
            ON CONFLICT (\(key.joined(separator: ", "))) DO UPDATE SET \(update)
            """)
    }

    /// A COPY met a key that is already stored (SQLSTATE 23505).
    struct UniqueViolation: Error, CustomStringConvertible {
        var message: String
        /// The constraint, without the DETAIL line that quotes the key's values.
        var description: String { "PostgreSQL: \(message.split(separator: "\n").first.map(String.init) ?? "duplicate key") (SQLSTATE 23505)" }
    }

    private func drainResults() {
        while let result = PQgetResult(handle) { PQclear(result) }
    }

    func transaction<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN")
        do {
            let value = try body()
            try execute("COMMIT")
            return value
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }
}

/// The rows of a result, read as text; freed with the value.
final class PGRows {
    private let result: OpaquePointer?

    init(_ result: OpaquePointer?) { self.result = result }
    deinit { PQclear(result) }

    var count: Int { Int(PQntuples(result)) }
    var columns: Int { Int(PQnfields(result)) }
    /// Rows a command changed (INSERT … ON CONFLICT DO NOTHING: the rows it inserted).
    var affected: Int { Int(String(cString: PQcmdTuples(result))) ?? 0 }

    func text(_ row: Int, _ column: Int) -> String? {
        guard PQgetisnull(result, Int32(row), Int32(column)) == 0 else { return nil }
        return String(cString: PQgetvalue(result, Int32(row), Int32(column)))
    }

    func int(_ row: Int, _ column: Int) -> Int64 { Int64(text(row, column) ?? "") ?? 0 }

    /// Row `row`'s columns as text, NULL as nil: what a `StoredRow` reads.
    func values(_ row: Int) -> [String?] { (0..<columns).map { text(row, $0) } }
}
