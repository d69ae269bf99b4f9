/// A customer's billing period: from `billing_day` 00:00 UTC of one month to the same day of
/// the next, named by the month it starts in (`2026-10`).
///
/// billing_day is limited to 1–28 so that every month has the day and a period never drifts.
public struct BillingPeriod: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The month the period starts in.
    public let month: PeriodMonth
    public let billingDay: Int

    /// The days a billing period may start on: every month has them.
    public static let billingDays = 1...28

    public init(month: PeriodMonth, billingDay: Int) {
        precondition(Self.billingDays.contains(billingDay), "billing_day must be \(Self.billingDays.lowerBound)–\(Self.billingDays.upperBound)")
        self.month = month
        self.billingDay = billingDay
    }

    /// The period that contains `day` for a customer billed on `billingDay`.
    public init(containing day: UTCDay, billingDay: Int) {
        let d = day.date
        var month = PeriodMonth(year: d.year, month: d.month)
        if d.day < billingDay { month = month.previous }
        self.init(month: month, billingDay: billingDay)
    }

    /// First day of the period (inclusive).
    public var firstDay: UTCDay { UTCDay(CivilDate(unchecked: month.year, month.month, billingDay)) }

    /// First day after the period (exclusive end).
    public var endDay: UTCDay {
        let next = month.next
        return UTCDay(CivilDate(unchecked: next.year, next.month, billingDay))
    }

    /// Last day of the period (inclusive), as invoices print it.
    public var lastDay: UTCDay { endDay.adding(days: -1) }

    public var dayCount: Int { endDay.ordinal - firstDay.ordinal }

    public func contains(_ day: UTCDay) -> Bool { day >= firstDay && day < endDay }

    public var description: String { month.description }

    public static func < (lhs: BillingPeriod, rhs: BillingPeriod) -> Bool {
        lhs.firstDay < rhs.firstDay
    }
}

/// A calendar month, `YYYY-MM`: the name of a billing period (`--period 2026-10`).
public struct PeriodMonth: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let year: Int
    public let month: Int

    public init(year: Int, month: Int) {
        self.year = year
        self.month = month
    }

    public init?(_ text: String) {
        let b = Array(text.utf8)
        guard b.count == 7, b[4] == UInt8(ascii: "-"),
              let y = parseDigits(b, 0, 4), let m = parseDigits(b, 5, 2), (1...12).contains(m), y >= 1 else { return nil }
        self.init(year: y, month: m)
    }

    public var next: PeriodMonth { month == 12 ? PeriodMonth(year: year + 1, month: 1) : PeriodMonth(year: year, month: month + 1) }
    public var previous: PeriodMonth { month == 1 ? PeriodMonth(year: year - 1, month: 12) : PeriodMonth(year: year, month: month - 1) }

    /// The calendar month `day` falls in.
    public init(containing day: UTCDay) {
        let date = day.date
        self.init(year: date.year, month: date.month)
    }

    /// The month's first UTC day.
    public var firstDay: UTCDay { UTCDay(CivilDate(unchecked: year, month, 1)) }
    /// The month's last UTC day.
    public var lastDay: UTCDay { next.firstDay.adding(days: -1) }

    public var description: String { "\(fourDigits(year))-\(twoDigits(month))" }

    public static func < (lhs: PeriodMonth, rhs: PeriodMonth) -> Bool { (lhs.year, lhs.month) < (rhs.year, rhs.month) }
}
