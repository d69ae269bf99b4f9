/// One UTC calendar day, the unit of reconciliation and of every `--date`/`--from`/`--to` flag.
public struct UTCDay: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Days since 1970-01-01.
    public let ordinal: Int

    public init(ordinal: Int) { self.ordinal = ordinal }

    public init(_ date: CivilDate) { self.ordinal = date.daysSinceEpoch }

    /// Parses `YYYY-MM-DD`; nil for anything else, including impossible dates like 2026-02-30.
    public init?(_ text: String) {
        let b = Array(text.utf8)
        guard b.count == 10, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"),
              let y = parseDigits(b, 0, 4), let m = parseDigits(b, 5, 2), let d = parseDigits(b, 8, 2),
              let date = CivilDate(year: y, month: m, day: d) else { return nil }
        self.init(date)
    }

    public var date: CivilDate { CivilDate(daysSinceEpoch: ordinal) }

    /// The first instant of the day.
    public var start: Timestamp { Timestamp(microseconds: Int64(ordinal) * Timestamp.microsecondsPerDay) }

    public func adding(days: Int) -> UTCDay { UTCDay(ordinal: ordinal + days) }

    public var description: String {
        let d = date
        return "\(fourDigits(d.year))-\(twoDigits(d.month))-\(twoDigits(d.day))"
    }

    public static func < (lhs: UTCDay, rhs: UTCDay) -> Bool { lhs.ordinal < rhs.ordinal }
}

/// Reads `count` ASCII digits at `offset`; nil if any is not a digit.
@inline(__always)
func parseDigits<C: RandomAccessCollection>(_ bytes: C, _ offset: Int, _ count: Int) -> Int?
where C.Element == UInt8, C.Index == Int {
    var value = 0
    var i = bytes.startIndex + offset
    let end = i + count
    guard end <= bytes.endIndex else { return nil }
    while i < end {
        let c = bytes[i]
        guard c >= 0x30 && c <= 0x39 else { return nil }
        value = value * 10 + Int(c - 0x30)
        i += 1
    }
    return value
}

extension UTCDay {
    /// Every day from `first` to `last`, both included; empty when `last` is before `first`.
    public static func days(from first: UTCDay, through last: UTCDay) -> [UTCDay] {
        guard first <= last else { return [] }
        return (first.ordinal...last.ordinal).map { UTCDay(ordinal: $0) }
    }
}
