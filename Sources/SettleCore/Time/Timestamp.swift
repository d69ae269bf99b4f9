/// An instant, in microseconds since 1970-01-01T00:00:00Z.
///
/// Gateways write RFC 3339 times with any offset; settle keeps one integer so that ordering
/// (ts, then request_id) and day bucketing are exact and cheap. Digits beyond microseconds are
/// truncated, which keeps the order of any two events that differ by a microsecond or more.
public struct Timestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let microseconds: Int64

    public static let microsecondsPerDay: Int64 = 86_400_000_000

    public init(microseconds: Int64) { self.microseconds = microseconds }

    /// The UTC day this instant falls on.
    public var day: UTCDay { UTCDay(ordinal: Int(Self.dayOrdinal(microseconds))) }

    /// The ordinal of the UTC day of an instant given in microseconds since 1970 (floor
    /// division: an instant before 1970 is in the day before). The one rule; the loads call it
    /// per event, without making a `Timestamp`.
    @inline(__always) public static func dayOrdinal(_ microseconds: Int64) -> Int64 {
        microseconds >= 0 ? microseconds / microsecondsPerDay : (microseconds + 1) / microsecondsPerDay - 1
    }

    public var unixSeconds: Int64 {
        microseconds >= 0 ? microseconds / 1_000_000 : (microseconds - 999_999) / 1_000_000
    }

    /// Parses RFC 3339 text. Accepts `T`, `t` or a space between date and time, `Z`, `z` or a
    /// `±HH:MM` offset, and any number of fraction digits.
    public init?(rfc3339 text: String) {
        var text = text
        let parsed: Timestamp? = text.withUTF8 { Timestamp.parse(UnsafeRawBufferPointer($0)) }
        guard let parsed else { return nil }
        self = parsed
    }

    /// The hot-path parser over raw bytes.
    public static func parse(_ b: UnsafeRawBufferPointer) -> Timestamp? {
        let n = b.count
        guard n >= 20,
              b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"),
              b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: "t") || b[10] == UInt8(ascii: " "),
              b[13] == UInt8(ascii: ":"), b[16] == UInt8(ascii: ":"),
              let y = parseDigits(b, 0, 4), let mo = parseDigits(b, 5, 2), let d = parseDigits(b, 8, 2),
              let h = parseDigits(b, 11, 2), let mi = parseDigits(b, 14, 2), let s = parseDigits(b, 17, 2),
              let date = CivilDate(year: y, month: mo, day: d), h < 24, mi < 60, s < 61 else { return nil }
        var i = 19
        var micros = 0
        if b[i] == UInt8(ascii: ".") {
            i += 1
            var digits = 0
            while i < n, b[i] >= 0x30, b[i] <= 0x39 {
                if digits < 6 { micros = micros * 10 + Int(b[i] - 0x30) }
                digits += 1
                i += 1
            }
            guard digits > 0 else { return nil }
            while digits < 6 { micros *= 10; digits += 1 }
        }
        guard i < n else { return nil }
        var offsetSeconds = 0
        switch b[i] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            guard i + 1 == n else { return nil }
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            guard i + 6 == n, b[i + 3] == UInt8(ascii: ":"),
                  let oh = parseDigits(b, i + 1, 2), let om = parseDigits(b, i + 4, 2), oh < 24, om < 60 else { return nil }
            offsetSeconds = (oh * 3600 + om * 60) * (b[i] == UInt8(ascii: "-") ? -1 : 1)
        default:
            return nil
        }
        // A leap second (:60) is folded onto the next second, as POSIX time does.
        let seconds = date.daysSinceEpoch * 86_400 + h * 3600 + mi * 60 + s - offsetSeconds
        return Timestamp(microseconds: Int64(seconds) * 1_000_000 + Int64(micros))
    }

    /// `2026-10-03T14:05:09.123456Z`; the fraction is left out when it is zero.
    public var description: String {
        let day = self.day
        let within = microseconds - Int64(day.ordinal) * Self.microsecondsPerDay
        let secs = Int(within / 1_000_000)
        let micros = Int(within % 1_000_000)
        var text = "\(day)T\(twoDigits(secs / 3600)):\(twoDigits(secs / 60 % 60)):\(twoDigits(secs % 60))"
        if micros != 0 {
            let digits = String(micros)
            text += "." + String(repeating: "0", count: 6 - digits.count) + digits
        }
        return text + "Z"
    }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool { lhs.microseconds < rhs.microseconds }
}
