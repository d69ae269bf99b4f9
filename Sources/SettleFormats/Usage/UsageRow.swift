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
    /// The reason's stable code (`missing_field`), from a typed reason: what reasons are
    /// counted by, never cut from the text.
    public var code: String
    /// The reason as a person reads it, its code first (`missing_field: model is required`).
    public var reason: String
    public var raw: String

    /// A gateway usage row.
    public init(source: String, line: Int, reason: QuarantineReason, raw: String) {
        self.source = source
        self.line = line
        self.code = reason.code
        self.reason = reason.description
        self.raw = raw
    }

    /// A provider bill record.
    init(source: String, line: Int, problem: BillFieldProblem, raw: String) {
        self.source = source
        self.line = line
        self.code = problem.code.rawValue
        self.reason = problem.reason
        self.raw = raw
    }
}
