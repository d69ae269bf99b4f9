/// Which calendar months `settle archive` may move out of the store (PRODUCT.md, "Archive"):
/// those older than the months kept, whose billing periods are all issued.
public enum ArchivePlan {
    /// Months before the returned one are due. `keepMonths` months stay, the current one
    /// included (13 keeps this month and the twelve before it); `--before P` names the first
    /// month kept instead.
    public static func firstKept(today: UTCDay, keepMonths: Int, before: PeriodMonth?) -> PeriodMonth {
        if let before { return before }
        var month = PeriodMonth(containing: today)
        for _ in 1..<max(keepMonths, 1) { month = month.previous }
        return month
    }

    /// A customer's usage in a month: the first and last day with events.
    public struct Usage: Sendable, Hashable {
        public var customerID: String
        public var firstDay: UTCDay
        public var lastDay: UTCDay
        public init(customerID: String, firstDay: UTCDay, lastDay: UTCDay) {
            self.customerID = customerID
            self.firstDay = firstDay
            self.lastDay = lastDay
        }
    }

    /// The billing periods holding `usage` that have no invoice yet, customer by customer, in
    /// order: while any is left the month's events stay, because that invoice is still to be
    /// summed from them. Customers the catalog does not know are never invoiced and do not
    /// hold a month back (`billingDay` answers nil for them).
    public static func unissuedPeriods(usage: [Usage], billingDay: (String) -> Int?, issued: Set<IssuedPeriod>) -> [IssuedPeriod] {
        var out = Set<IssuedPeriod>()
        for u in usage {
            guard let day = billingDay(u.customerID) else { continue }
            for d in [u.firstDay, u.lastDay] {
                let period = IssuedPeriod(customerID: u.customerID, start: BillingPeriod(containing: d, billingDay: day).firstDay)
                if !issued.contains(period) { out.insert(period) }
            }
        }
        return out.sorted { ($0.customerID, $0.start) < ($1.customerID, $1.start) }
    }
}

/// A customer's billing period, by its first day: one that has its invoice, or lacks one.
public struct IssuedPeriod: Sendable, Hashable {
    public var customerID: String
    public var start: UTCDay
    public init(customerID: String, start: UTCDay) {
        self.customerID = customerID
        self.start = start
    }
}
