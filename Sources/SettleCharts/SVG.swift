import SettleCore

/// SVG text and numbers as the charts write them: every text escaped, every coordinate a
/// decimal with one digit after the point, so that the same data gives the same bytes.
enum SVG {
    static func escape(_ s: String) -> String { Markup.escape(s) }
}

/// Text as markup (SVG and HTML alike) carries it: `&`, `<`, `>` and both quotes escaped, so
/// that no value can become markup or leave an attribute.
public enum Markup {
    public static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }
}

extension SVG {
    /// A coordinate, to a tenth of a pixel.
    static func n(_ d: ExactDecimal) -> String { d.rounded(places: 1).normalized.description }
    static func n(_ i: Int) -> String { String(i) }

    /// A value's short label on an axis: 1,234,567 → "1.2M", 12,500 → "12.5k", 0.25 → "0.25".
    static func short(_ d: ExactDecimal) -> String {
        let abs = d < .zero ? -d : d
        let sign = d < .zero ? "-" : ""
        if abs >= ExactDecimal(1_000_000_000) { return sign + (abs.shifted(right: 9)).rounded(places: 1).normalized.description + "G" }
        if abs >= ExactDecimal(1_000_000) { return sign + (abs.shifted(right: 6)).rounded(places: 1).normalized.description + "M" }
        if abs >= ExactDecimal(10_000) { return sign + (abs.shifted(right: 3)).rounded(places: 1).normalized.description + "k" }
        return sign + abs.rounded(places: 2).normalized.description
    }

    /// `value` × `pixels` ÷ `top`, to a tenth of a pixel: where a value lands on an axis of
    /// `pixels` whose end is `top` (exact decimals, not floats: the same data, the same bytes).
    static func scale(_ value: ExactDecimal, of top: ExactDecimal, to pixels: Int) -> ExactDecimal {
        let t = top.normalized
        guard !t.isZero else { return .zero }
        // v × p ÷ (s × 10^-k) = (v × p × 10^k) ÷ s, with s the top's digits as an integer.
        var scaled = value * ExactDecimal(pixels)
        for _ in 0..<t.scale { scaled = scaled * ExactDecimal(10) }
        return scaled.divided(by: Int64(t.significand), places: 1)
    }

    /// A "nice" top for an axis: the smallest of 1, 2, 2.5, 5 × 10^k at or above `max`.
    static func niceTop(_ max: ExactDecimal) -> ExactDecimal {
        guard max > .zero else { return ExactDecimal(1) }
        var step = ExactDecimal(1)
        while step * ExactDecimal(10) <= max { step = step * ExactDecimal(10) }
        while step > max { step = step.shifted(right: 1) }
        // 1, 2, 2.5, 5 and 10 as exact decimals (significand, scale).
        for (digits, scale) in [(1, 0), (2, 0), (25, 1), (5, 0), (10, 0)] as [(Int128, Int)] {
            let top = step * ExactDecimal(significand: digits, scale: scale)
            if top >= max { return top }
        }
        return step * ExactDecimal(10)
    }
}
