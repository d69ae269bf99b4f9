import CSQLite
import Dispatch

/// A thin, owned SQLite connection: statements, transactions and errors that carry SQLite's
/// own message. Not shared across threads; each job opens its own.
final class SQLiteConnection {
    let handle: OpaquePointer
    let path: String

    /// Process-wide SQLite settings, applied once before the first connection opens.
    private static let configured: Bool = {
        _ = csqlite_disable_memstatus()
        return true
    }()

    init(path: String) throws(StoreError) {
        _ = Self.configured
        var db: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            if let db { sqlite3_close_v2(db) }
            throw StoreError("cannot open the SQLite database \(path): \(message)")
        }
        self.handle = db
        self.path = path
        sqlite3_extended_result_codes(db, 1)
    }

    /// Set while `checkpointInBackground` runs; waited for before the connection closes.
    private var checkpoint: DispatchGroup?

    deinit {
        checkpoint?.wait()
        sqlite3_close_v2(handle)
    }

    /// Copies the write-ahead log into the database file on a connection of its own, while this
    /// one goes on. After a large load the log holds the whole file's pages once more, and
    /// copying them takes seconds that the next steps (aggregate, reconcile) can use instead;
    /// a checkpoint is safe to interrupt, so a killed process loses nothing.
    func checkpointInBackground() {
        guard path != ":memory:" else { return }
        if let running = checkpoint, running.wait(timeout: .now()) == .timedOut { return }
        let group = DispatchGroup()
        let path = self.path
        DispatchQueue.global().async(group: group) {
            guard let other = try? SQLiteConnection(path: path) else { return }
            _ = sqlite3_exec(other.handle, "PRAGMA busy_timeout=10000; PRAGMA wal_checkpoint(PASSIVE)", nil, nil, nil)
        }
        checkpoint = group
    }

    var lastError: String { String(cString: sqlite3_errmsg(handle)) }

    func execute(_ sql: String) throws(StoreError) {
        var err: UnsafeMutablePointer<CChar>?
        guard sqlite3_exec(handle, sql, nil, nil, &err) == SQLITE_OK else {
            let message = err.map { String(cString: $0) } ?? lastError
            sqlite3_free(err)
            throw StoreError("SQLite: \(message)", detail: "in: \(sql.prefix(120))")
        }
    }

    func prepare(_ sql: String) throws(StoreError) -> SQLiteStatement {
        var stmt: OpaquePointer?
        guard sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &stmt, nil) == SQLITE_OK, let stmt else {
            throw StoreError("SQLite: \(lastError)", detail: "in: \(sql.prefix(120))")
        }
        return SQLiteStatement(stmt, connection: self)
    }

    var changes: Int { Int(sqlite3_changes(handle)) }
    var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// Runs `body` in one IMMEDIATE transaction: all of it is stored, or none of it.
    func transaction<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN IMMEDIATE")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    /// Statements of `query` and `run`, prepared once per connection: a job that stores a row per
    /// customer would otherwise spend most of its time compiling the same SQL.
    private var statements: [String: SQLiteStatement] = [:]

    func cached(_ sql: String) throws(StoreError) -> SQLiteStatement {
        if let stmt = statements[sql] {
            stmt.reset()
            return stmt
        }
        let stmt = try prepare(sql)
        statements[sql] = stmt
        return stmt
    }

    /// Runs a query and collects each row through `read`.
    func query<T>(_ sql: String, _ binds: [SQLiteValue] = [], _ read: (SQLiteStatement) -> T) throws(StoreError) -> [T] {
        let stmt = try cached(sql)
        for (i, v) in binds.enumerated() { stmt.bind(i + 1, v) }
        var out: [T] = []
        while try stmt.step() { out.append(read(stmt)) }
        return out
    }

    func run(_ sql: String, _ binds: [SQLiteValue] = []) throws(StoreError) {
        let stmt = try cached(sql)
        for (i, v) in binds.enumerated() { stmt.bind(i + 1, v) }
        while try stmt.step() {}
    }
}

enum SQLiteValue {
    case int(Int64)
    case text(String)
    case null
    case blob([UInt8])

    static func optional(_ s: String?) -> SQLiteValue { s.map { .text($0) } ?? .null }
    static func optional(_ n: Int64?) -> SQLiteValue { n.map { .int($0) } ?? .null }
}

final class SQLiteStatement {
    let stmt: OpaquePointer
    unowned let connection: SQLiteConnection

    init(_ stmt: OpaquePointer, connection: SQLiteConnection) {
        self.stmt = stmt
        self.connection = connection
    }

    deinit { sqlite3_finalize(stmt) }

    @inline(__always) func bind(_ index: Int, _ value: Int64) {
        sqlite3_bind_int64(stmt, Int32(index), value)
    }

    @inline(__always) func bind(_ index: Int, _ value: String) {
        var value = value
        value.withUTF8 { buf in
            _ = sqlite3_bind_text(stmt, Int32(index), UnsafeRawPointer(buf.baseAddress!).assumingMemoryBound(to: CChar.self),
                                  Int32(buf.count), csqlite_transient())
        }
    }

    /// Binds bytes the caller keeps alive until the statement has been stepped (SQLITE_STATIC):
    /// no copy, no allocation.
    @inline(__always) func bindStatic(_ index: Int, _ base: UnsafeRawPointer, _ count: Int) {
        sqlite3_bind_text(stmt, Int32(index), base.assumingMemoryBound(to: CChar.self), Int32(count), nil)
    }

    @inline(__always) func bind(_ index: Int, _ value: String?) {
        if let value { bind(index, value) } else { sqlite3_bind_null(stmt, Int32(index)) }
    }

    @inline(__always) func bind(_ index: Int, _ value: Int64?) {
        if let value { bind(index, value) } else { sqlite3_bind_null(stmt, Int32(index)) }
    }

    func bind(_ index: Int, _ value: SQLiteValue) {
        switch value {
        case .int(let n): bind(index, n)
        case .text(let s): bind(index, s)
        case .null: sqlite3_bind_null(stmt, Int32(index))
        case .blob(let b): b.withUnsafeBytes { _ = sqlite3_bind_blob(stmt, Int32(index), $0.baseAddress, Int32($0.count), csqlite_transient()) }
        }
    }

    /// Steps once: true while a row is available; resets after the last.
    @discardableResult
    @inline(__always) func step() throws(StoreError) -> Bool {
        let rc = sqlite3_step(stmt)
        if rc == SQLITE_ROW { return true }
        sqlite3_reset(stmt)
        guard rc == SQLITE_DONE else { throw StoreError("SQLite: \(connection.lastError)") }
        return false
    }

    func reset() {
        sqlite3_reset(stmt)
        sqlite3_clear_bindings(stmt)
    }

    func int(_ column: Int) -> Int64 { sqlite3_column_int64(stmt, Int32(column)) }

    func text(_ column: Int) -> String? {
        guard let p = sqlite3_column_text(stmt, Int32(column)) else { return nil }
        return String(cString: p)
    }

    var columnCount: Int { Int(sqlite3_column_count(stmt)) }

    func isNull(_ column: Int) -> Bool { sqlite3_column_type(stmt, Int32(column)) == SQLITE_NULL }

    /// The column's bytes ("" for NULL), valid until the next step: for interning without a `String`.
    @inline(__always) func bytes(_ column: Int) -> UnsafeRawBufferPointer {
        guard let p = sqlite3_column_text(stmt, Int32(column)) else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        return UnsafeRawBufferPointer(start: p, count: Int(sqlite3_column_bytes(stmt, Int32(column))))
    }

    /// The column's text ("" for NULL), decoded from the bytes SQLite holds: no C-string scan.
    @inline(__always) func string(_ column: Int) -> String {
        guard let p = sqlite3_column_text(stmt, Int32(column)) else { return "" }
        let n = Int(sqlite3_column_bytes(stmt, Int32(column)))
        return String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self)
    }
}

extension SQLiteConnection {
    /// Steps through a query's rows one at a time: a day of events is read without holding it.
    func forEachRow(_ sql: String, _ params: [SQLParam], _ body: (SQLiteStatement) throws -> Void) throws {
        let s = try prepare(sql)
        for (i, p) in params.enumerated() { s.bind(i + 1, p.sqlite) }
        while try s.step() { try body(s) }
    }
}
