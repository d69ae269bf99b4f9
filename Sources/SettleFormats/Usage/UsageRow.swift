import SettleCore

/// One row of an input file after decoding: an event, or a row to quarantine.
public enum UsageRow: Sendable {
    case event(UsageEvent, line: Int)
    case quarantined(QuarantinedRow)
}

/// A row settle could not use, kept with where it came from and why.
public struct QuarantinedRow: Sendable, Equatable {
    /// The input file's path as given.
    public var source: String
    public var line: Int
    public var reason: String
    public var raw: String

    public init(source: String, line: Int, reason: String, raw: String) {
        self.source = source
        self.line = line
        self.reason = reason
        self.raw = raw
    }
}
