/// A store failure (exit 1): the message says what the database answered.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }

    /// A stored value that cannot be read as what its column holds.
    static func unreadable(_ column: String, _ value: String?) -> StoreError {
        StoreError("the store holds a value settle cannot read in \(column) (\(value.map { "\"\($0.prefix(40))\"" } ?? "NULL")): "
            + "was the database edited by hand, or written by a newer settle?")
    }
}

/// Another run holds the lock this job needs (exit 75). Names the holder so an operator can
/// decide whether to wait or to look for a stuck process.
public struct LockHeld: Error, Sendable, CustomStringConvertible {
    public var holder: String
    public init(holder: String) { self.holder = holder }
    public var description: String { "another run holds the settle lock (\(holder)); try again later" }
}
