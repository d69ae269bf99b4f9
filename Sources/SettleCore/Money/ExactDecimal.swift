/// An exact base-10 number: `significand × 10^-scale`.
///
/// Money, prices, rates and percentages all pass through this type, never through a binary
/// float, so that an invoice adds up to the cent and a price such as `2.5e-06` per token keeps
/// every digit it was written with. A 128-bit significand holds 38 digits: enough for ten
/// million events a night times a price with twelve decimals, with room to spare.
public struct ExactDecimal: Sendable, Hashable, Comparable {
    public let significand: Int128
    public let scale: Int

    /// The largest number of decimals kept; a product with more is an error, not a silent cut.
    public static let maxScale = 30

    public init(significand: Int128, scale: Int) {
        precondition(scale >= 0 && scale <= ExactDecimal.maxScale, "ExactDecimal scale \(scale) out of range")
        self.significand = significand
        self.scale = scale
    }

    public init(_ integer: Int) {
        self.init(significand: Int128(integer), scale: 0)
    }

    public init(_ integer: Int64) {
        self.init(significand: Int128(integer), scale: 0)
    }

    public static let zero = ExactDecimal(0)
    public static let hundred = ExactDecimal(100)

    public var isZero: Bool { significand == 0 }
    public var isNegative: Bool { significand < 0 }

    /// The same value with `places` decimals, exact. Only widens; see `rounded(places:)` to narrow.
    public func widened(to places: Int) -> ExactDecimal {
        guard places > scale else { return self }
        return ExactDecimal(significand: significand * Self.powerOfTen(places - scale), scale: places)
    }

    /// The same value without trailing zero decimals: `2.500` becomes `2.5`.
    public var normalized: ExactDecimal {
        var s = significand
        var k = scale
        while k > 0 && s % 10 == 0 {
            s /= 10
            k -= 1
        }
        return ExactDecimal(significand: s, scale: k)
    }

    /// Rounds half away from zero to `places` decimals, the one rounding rule of PRODUCT.md.
    public func rounded(places: Int) -> ExactDecimal {
        guard scale > places else { return widened(to: places) }
        let divisor = Self.powerOfTen(scale - places)
        var quotient = significand / divisor
        let remainder = significand % divisor
        if remainder.magnitude * 2 >= divisor.magnitude {
            quotient += significand < 0 ? -1 : 1
        }
        return ExactDecimal(significand: quotient, scale: places)
    }

    /// `self / divisor`, rounded half away from zero to `places` decimals: for projections and
    /// rates, never for an amount that is billed.
    public func divided(by divisor: Int64, places: Int) -> ExactDecimal {
        precondition(divisor != 0, "division by zero")
        // One rounding, of the exact quotient: rounding first to one more place and then again
        // would turn 1/67 = 0.0149… into 0.015 and then 0.02.
        let w = widened(to: max(scale, places))
        let extra = Self.powerOfTen(w.scale - places)
        let negative = (w.significand < 0) != (divisor < 0)
        let (d, overflow) = Int128(divisor).multipliedReportingOverflow(by: extra)
        var q: Int128
        if !overflow {
            q = w.significand / d
            let r = w.significand % d
            if r.magnitude * 2 >= d.magnitude { q += negative ? -1 : 1 }
        } else {
            // Divided in two steps, by the power of ten and then by the divisor; the half-way
            // test still looks at the whole remainder r2 × 10^e + r1 against divisor × 10^e.
            let m = w.significand.magnitude, dv = UInt128(divisor.magnitude), e = UInt128(extra)
            let (q1, r1) = m.quotientAndRemainder(dividingBy: e)
            let (q2, r2) = q1.quotientAndRemainder(dividingBy: dv)
            let up = 2 * r2 >= dv || (2 * r2 + 1 == dv && 2 * r1 >= e)
            let magnitude = Int128(q2) + (up ? 1 : 0)
            q = negative ? -magnitude : magnitude
        }
        return ExactDecimal(significand: q, scale: places)
    }

    /// Rounded to cents, half away from zero.
    public var roundedToCents: ExactDecimal { rounded(places: 2) }

    /// The value divided by 10^places, exactly (a scale shift): used for percentages and units.
    public func shifted(right places: Int) -> ExactDecimal {
        ExactDecimal(significand: significand, scale: scale + places).trimmedToMaxScale()
    }

    /// `self` percent of `value`: value × self / 100, exact.
    public func percent(of value: ExactDecimal) -> ExactDecimal {
        (value * self).shifted(right: 2)
    }

    /// The integer part, when the value has no fraction.
    public var exactInteger: Int64? {
        let n = normalized
        guard n.scale == 0, let v = Int64(exactly: n.significand) else { return nil }
        return v
    }

    static func powerOfTen(_ n: Int) -> Int128 {
        var result: Int128 = 1
        for _ in 0..<n { result *= 10 }
        return result
    }

    /// Drops trailing zeros beyond `maxScale`; a non-zero digit there is a precondition failure,
    /// because silently losing it would be a wrong number.
    private func trimmedToMaxScale() -> ExactDecimal {
        guard scale > Self.maxScale else { return self }
        let n = normalized
        precondition(n.scale <= Self.maxScale, "ExactDecimal needs more than \(Self.maxScale) decimals")
        return n
    }

    public static func == (lhs: ExactDecimal, rhs: ExactDecimal) -> Bool {
        order(lhs, rhs) == 0
    }

    /// -1, 0 or 1. Two numbers of one scale compare their significands; otherwise both are
    /// widened to the larger scale, and where that would overflow (a large amount against a
    /// 30-decimal float-noise cost), integer parts are compared first and then the fractions,
    /// which always fit.
    static func order(_ a: ExactDecimal, _ b: ExactDecimal) -> Int {
        func sign(_ x: Int128, _ y: Int128) -> Int { x < y ? -1 : (x > y ? 1 : 0) }
        if a.scale == b.scale { return sign(a.significand, b.significand) }
        let places = max(a.scale, b.scale)
        let (wa, oa) = a.significand.multipliedReportingOverflow(by: powerOfTen(places - a.scale))
        let (wb, ob) = b.significand.multipliedReportingOverflow(by: powerOfTen(places - b.scale))
        if !oa && !ob { return sign(wa, wb) }
        let (ia, fa) = a.significand.quotientAndRemainder(dividingBy: powerOfTen(a.scale))
        let (ib, fb) = b.significand.quotientAndRemainder(dividingBy: powerOfTen(b.scale))
        if ia != ib { return sign(ia, ib) }
        return sign(fa * powerOfTen(places - a.scale), fb * powerOfTen(places - b.scale))
    }

    public func hash(into hasher: inout Hasher) {
        let n = normalized
        hasher.combine(n.significand)
        hasher.combine(n.scale)
    }

    public static func < (lhs: ExactDecimal, rhs: ExactDecimal) -> Bool {
        order(lhs, rhs) < 0
    }
}

extension ExactDecimal {
    public static func + (lhs: ExactDecimal, rhs: ExactDecimal) -> ExactDecimal {
        let places = max(lhs.scale, rhs.scale)
        let (sum, overflow) = lhs.widened(to: places).significand
            .addingReportingOverflow(rhs.widened(to: places).significand)
        precondition(!overflow, "ExactDecimal overflow in \(lhs) + \(rhs)")
        return ExactDecimal(significand: sum, scale: places)
    }

    public static func - (lhs: ExactDecimal, rhs: ExactDecimal) -> ExactDecimal {
        lhs + (-rhs)
    }

    public static prefix func - (value: ExactDecimal) -> ExactDecimal {
        ExactDecimal(significand: -value.significand, scale: value.scale)
    }

    public static func * (lhs: ExactDecimal, rhs: ExactDecimal) -> ExactDecimal {
        let (product, overflow) = lhs.significand.multipliedReportingOverflow(by: rhs.significand)
        precondition(!overflow, "ExactDecimal overflow in \(lhs) × \(rhs)")
        return ExactDecimal(significand: product, scale: 0)
            .shifted(right: lhs.scale + rhs.scale)
    }

    public static func += (lhs: inout ExactDecimal, rhs: ExactDecimal) { lhs = lhs + rhs }
    public static func -= (lhs: inout ExactDecimal, rhs: ExactDecimal) { lhs = lhs - rhs }
}
