/// A customer's billing period, by the day it starts: what period summaries, trial use and
/// invoices are looked up by. Ordered by customer, then period.
public struct PeriodKey: Hashable, Comparable, Sendable {
    public var customerID: String
    public var periodStart: UTCDay

    public init(customerID: String, periodStart: UTCDay) {
        self.customerID = customerID
        self.periodStart = periodStart
    }

    public static func < (a: PeriodKey, b: PeriodKey) -> Bool { (a.customerID, a.periodStart) < (b.customerID, b.periodStart) }
}
