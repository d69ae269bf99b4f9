/// Which months the journal may write, and where a late event goes (FINANCE.md, "The
/// journal"; journals are append-only, as invoices are): a month is written once it is over,
/// and never before a later one; once written it is only read back. An event dated in a month
/// already written (a payment taken in late, a document issued with an earlier date) is booked
/// in the next month written, on its first day, saying so.
public enum JournalMonth {
    public enum Mode: Sendable, Equatable {
        /// Written before: its entries are read back, nothing is added.
        case readBack
        /// New: every event dated by its last day not yet booked goes in.
        case write
    }

    public static func mode(of month: PeriodMonth, written: [PeriodMonth], today: UTCDay) throws(JournalMonthError) -> Mode {
        if written.contains(month) { return .readBack }
        guard month.next.firstDay <= today else {
            throw JournalMonthError("\(month) is not over: its journal can be written from \(month.next.firstDay) (UTC), once nothing more can be dated in it")
        }
        if let later = written.filter({ $0 > month }).max() {
            throw JournalMonthError("the journal of \(later) is written, and journals are written in order: \(month)'s events were booked in \(written.filter { $0 > month }.min() ?? later)'s, as late ones")
        }
        return .write
    }

    /// The date an event is booked on in `month`'s journal: its own, or the month's first day
    /// for one dated in an earlier month (late).
    public static func bookingDate(of day: UTCDay, in month: PeriodMonth) -> (date: UTCDay, late: Bool) {
        day < month.firstDay ? (month.firstDay, true) : (day, false)
    }
}

/// A journal month that cannot be written (64, as a bad command line).
public struct JournalMonthError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
