/// The days a reconciliation cell covers: one UTC day, or a provider's longer charge period
/// (a FOCUS row billed per month covers `2025-05-01` through `2025-05-31`).
public struct ChargeSpan: Sendable, Hashable, Comparable {
    public var first: UTCDay
    public var last: UTCDay

    public init(first: UTCDay, last: UTCDay) {
        self.first = first
        self.last = max(first, last)
    }

    public init(day: UTCDay) { self.init(first: day, last: day) }

    init(_ cell: ReconciliationCell) { self.init(first: cell.day, last: cell.lastDay) }

    /// nil for one day; else the last day, as cells and bill lines carry it.
    public var through: UTCDay? { last > first ? last : nil }

    public var isOneDay: Bool { first == last }

    public func contains(_ day: UTCDay) -> Bool { first <= day && day <= last }

    /// The folder name of the span's outputs: `2026-10-31`, or `2026-10-01_2026-10-31`.
    public var label: String { isOneDay ? first.description : "\(first)_\(last)" }

    public static func < (a: ChargeSpan, b: ChargeSpan) -> Bool { (a.first, a.last) < (b.first, b.last) }
}

/// Which charge period each provider's day belongs to, from the bill lines in force.
///
/// PRODUCT.md, "Charge periods longer than a day": a bill line whose charge period covers more
/// than one UTC day is reconciled over that whole period, and the day cells and period cells of
/// one provider never double count. So every day that one of a provider's period lines covers
/// belongs to that period, for the gateway's usage and for any day line of the same provider
/// alike; its other days are reconciled one by one. Restatement (`BillRestatement`) leaves no
/// two periods of different bills overlapping; where one bill's own periods overlap, a day
/// belongs to the earliest-starting, then longest.
public struct ChargePeriods: Sendable {
    /// Per provider, its periods longer than a day, earliest first.
    public private(set) var byProvider: [String: [ChargeSpan]] = [:]

    public init(_ lines: [BillLine]) {
        var spans: [String: Set<ChargeSpan>] = [:]
        for line in lines {
            guard let through = line.through else { continue }
            spans[line.provider, default: []].insert(ChargeSpan(first: line.day, last: through))
        }
        byProvider = spans.mapValues { $0.sorted { ($0.first, -$0.last.ordinal) < ($1.first, -$1.last.ordinal) } }
    }

    /// The period of `provider` that `day` belongs to, if one covers it.
    public func covering(provider: String, day: UTCDay) -> ChargeSpan? {
        byProvider[provider]?.first { $0.contains(day) }
    }

    /// The span a bill line is reconciled in: its own period, else the period covering its day,
    /// else its day.
    public func span(of line: BillLine) -> ChargeSpan {
        if let through = line.through { return ChargeSpan(first: line.day, last: through) }
        return covering(provider: line.provider, day: line.day) ?? ChargeSpan(day: line.day)
    }

    /// Every period (any provider) whose last day is in `days`, earliest first.
    public func ending(in days: ClosedRange<UTCDay>) -> [ChargeSpan] {
        Set(byProvider.values.joined().filter { days.contains($0.last) }).sorted()
    }

    /// How long after a provider's latest period ends its next bill may take before nightly
    /// says so: a month's invoice comes within the following month.
    public static let billGraceDays = 45

    /// Providers that bill by period whose usage after their latest period has waited longer
    /// than `billGraceDays` on `date` for the next bill: a finding for the operator.
    public static func overdue(_ billsByPeriod: [String: UTCDay], on date: UTCDay) -> [(provider: String, since: UTCDay)] {
        billsByPeriod.filter { date.ordinal - $0.value.ordinal > billGraceDays }
            .map { (provider: $0.key, since: $0.value.adding(days: 1)) }
            .sorted { $0.provider < $1.provider }
    }
}
