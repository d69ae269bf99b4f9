/// The gateway's own charge for an event (`reported_cost`), summed per day in billionths of a
/// dollar: exact integer arithmetic, wide enough for nine billion dollars a row, and finer than
/// any gateway charges (each event's figure is rounded half away from zero at the ninth decimal;
/// LiteLLM's float noise lies beyond it).
public enum ReportedCost {
    public static let scale = 9

    /// Plain decimal text (`0.0123`, `12`, as the store keeps it) in billionths; nil when it is
    /// not such text or does not fit.
    public static func nanos(_ text: UnsafeRawBufferPointer) -> Int64? {
        var whole: Int64 = 0, fraction: Int64 = 0, places = 0, i = 0
        var negative = false
        if i < text.count, text[i] == UInt8(ascii: "-") { negative = true; i += 1 }
        var digits = 0, roundUp = false, inFraction = false
        while i < text.count {
            let c = text[i]
            i += 1
            if c == UInt8(ascii: ".") {
                guard !inFraction else { return nil }
                inFraction = true
                continue
            }
            guard c >= 48 && c <= 57 else { return nil }
            digits += 1
            let d = Int64(c - 48)
            if !inFraction {
                let (m, o1) = whole.multipliedReportingOverflow(by: 10)
                let (a, o2) = m.addingReportingOverflow(d)
                guard !o1, !o2, a <= Int64.max / 1_000_000_000 - 1 else { return nil }
                whole = a
            } else if places < scale {
                fraction = fraction * 10 + d
                places += 1
            } else if places == scale {
                roundUp = d >= 5
                places += 1
            }
        }
        guard digits > 0 else { return nil }
        while places < scale { fraction *= 10; places += 1 }
        let n = whole * 1_000_000_000 + fraction + (roundUp ? 1 : 0)
        return negative ? -n : n
    }

    public static func nanos(_ value: ExactDecimal) -> Int64? {
        let r = value.rounded(places: scale)
        return Int64(exactly: r.significand)
    }
}
