/// A payment reminder (FINANCE.md, "Payments and receivables"): an overdue invoice reaching one
/// of `[reminders] days` past its due date. Each invoice gets each reminder once, ever; when
/// several are reached at once (settle started late, or nightly did not run for weeks), only
/// the latest is sent and the earlier ones are recorded as passed, so no customer gets three
/// letters on one morning.
public struct Reminder: Sendable, Hashable {
    public var invoice: String
    public var customerID: String
    public var currency: String
    /// The reminder's step: the days past due it is sent at.
    public var days: Int
    public var dueDate: UTCDay
    /// What is open, and how long past due, on the day it was decided.
    public var open: ExactDecimal
    public var daysOverdue: Int
    /// The day it was decided on (the receivables' as-of day).
    public var day: UTCDay
    /// Recorded but not sent: a later step was reached at the same time.
    public var passed: Bool

    public init(invoice: String, customerID: String, currency: String, days: Int, dueDate: UTCDay, open: ExactDecimal, daysOverdue: Int,
                day: UTCDay, passed: Bool = false) {
        self.invoice = invoice
        self.customerID = customerID
        self.currency = currency
        self.days = days
        self.dueDate = dueDate
        self.open = open
        self.daysOverdue = daysOverdue
        self.day = day
        self.passed = passed
    }

    public struct Key: Sendable, Hashable {
        public var invoice: String
        public var days: Int
        public init(invoice: String, days: Int) {
            self.invoice = invoice
            self.days = days
        }
    }

    public var key: Key { Key(invoice: invoice, days: days) }

    /// The reminders due on `day`: for each invoice open and overdue then, each step of
    /// `steps` it has reached and not had (`earlier`).
    public static func due(_ receivables: [Receivable], on day: UTCDay, steps: [Int], earlier: Set<Key>) -> [Reminder] {
        var out: [Reminder] = []
        for r in receivables where r.status(on: day) == .overdue {
            let overdue = r.daysOverdue(on: day)
            let reached = steps.filter { $0 <= overdue && !earlier.contains(Key(invoice: r.number, days: $0)) }.sorted()
            for step in reached {
                out.append(Reminder(invoice: r.number, customerID: r.customerID, currency: r.currency, days: step, dueDate: r.dueDate,
                                    open: r.open, daysOverdue: overdue, day: day, passed: step != reached.last))
            }
        }
        return out
    }
}
