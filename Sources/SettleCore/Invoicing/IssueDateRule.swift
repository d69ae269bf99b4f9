/// Numbers follow time (PRODUCT.md, "Billing"; VAT law): an issue date is never earlier than
/// the latest issue date already used, nor later than today (UTC). Since documents are then
/// issued in date order, they also consume prepaid credit in the order they were issued,
/// whatever order the runs happen in.
public enum IssueDateRule {
    /// Refuses `date` when it would put a document before one already issued, or in the future.
    public static func check(_ date: UTCDay, latest: UTCDay?, today: UTCDay) throws(IssueDateError) {
        if date > today {
            let range = latest.map { $0 <= today ? "from \($0) to \(today)" : "after \($0), the latest issue date already used, once that day has come" } ?? "up to \(today)"
            throw IssueDateError(message: "the issue date \(date) is after today (\(today), UTC); an invoice cannot be dated in the future: give an issue date \(range)")
        }
        if let latest, date < latest {
            throw IssueDateError(message: "the issue date \(date) is before \(latest), the latest issue date already used; invoice numbers follow issue dates, so give --issue-date \(latest) or later (up to today, \(today))")
        }
    }
}

/// An issue date the rule refuses: a bad command line (exit 64) whose message names the latest
/// issue date.
public struct IssueDateError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
