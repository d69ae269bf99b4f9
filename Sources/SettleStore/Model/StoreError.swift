/// A store failure (exit 1). `description` says what went wrong in terms safe for cron mail
/// and run records; `detail` holds what the database said in full and the statement, which may
/// quote stored values (a customer id in a duplicate key): shown at `--log-level debug` only.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public var detail: String?
    /// PostgreSQL's SQLSTATE, when the server gave one.
    public var sqlState: String?
    /// A PostgreSQL server (the store, or the gateway's database) that could not be reached
    /// after its retries: exit 75, try later.
    public var isUnreachable = false
    public init(_ description: String, detail: String? = nil, sqlState: String? = nil, unreachable: Bool = false) {
        self.description = description
        self.detail = detail
        self.sqlState = sqlState
        self.isUnreachable = unreachable
    }

    /// A deadlock or serialization failure: the server rolled the work back because another
    /// session's work crossed it, and doing it again will succeed. Concurrent ingests of files
    /// that share request ids meet this (each waits for an id the other holds).
    public var isTransient: Bool { sqlState == "40P01" || sqlState == "40001" }

    /// A stored value that cannot be read as what its column holds.
    static func unreadable(_ column: String, _ value: String?) -> StoreError {
        StoreError("the store holds a value settle cannot read in \(column) (\(value == nil ? "NULL" : "--log-level debug shows it")): "
            + "was the database edited by hand, or written by a newer settle?",
                   detail: "\(column) = \(value.map { "\"\($0.prefix(80))\"" } ?? "NULL")")
    }
}

/// Another run holds the lock this job needs (exit 75). Names the holder so an operator can
/// decide whether to wait or to look for a stuck process.
public struct LockHeld: Error, Sendable, CustomStringConvertible {
    public var holder: String
    public init(holder: String) { self.holder = holder }
    public var description: String { "another run holds the settle lock (\(holder)); try again later" }
}
