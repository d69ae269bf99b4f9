extension ExactDecimal: CustomStringConvertible, LosslessStringConvertible {
    /// Parses decimal text exactly: `79`, `-0.5`, `79.00`, `+3.`, `.25`, `2.5e-06`, `1E3`.
    ///
    /// Price lists write per-token prices in exponent notation; reading the text keeps every
    /// digit, where a detour through a binary float would turn `2.5e-06` into `2.4999999999999998e-06`.
    public init?(_ text: String) {
        var utf8 = text.utf8[...]
        while let f = utf8.first, f == UInt8(ascii: " ") { utf8 = utf8.dropFirst() }
        while let l = utf8.last, l == UInt8(ascii: " ") { utf8 = utf8.dropLast() }
        guard let value = ExactDecimal.parse(utf8) else { return nil }
        self = value
    }

    /// A provider's float-noise amount such as `1.1102230246251565e-16`, which needs more than
    /// `maxScale` decimals: the digits past the 30th are rounded (half away from zero), a
    /// difference below 10^-30 of a dollar. Every other text reads exactly, as `init?(_:)`.
    public init?(roundingExcessDecimals text: String) {
        var utf8 = text.utf8[...]
        while let f = utf8.first, f == UInt8(ascii: " ") { utf8 = utf8.dropFirst() }
        while let l = utf8.last, l == UInt8(ascii: " ") { utf8 = utf8.dropLast() }
        guard let value = ExactDecimal.parse(utf8, roundingExcess: true) else { return nil }
        self = value
    }

    /// Parses a plain decimal only: digits, at most one `.` with digits on both sides, and an
    /// optional leading `-` (`0`, `19.5`, `-10.00`); no exponent, `+`, space, thousands
    /// separator or currency sign.
    ///
    /// What a person types into the catalog and settle.toml (PRODUCT.md, "Configuration"): there
    /// `1e2` or `1,000.00` is a slip to point out, not a price list's notation, so the catalog
    /// reads with this while the vendor formats keep `init?(_:)`. Whether a `-` is allowed is
    /// the column's to say, with a message that names it.
    public init?(plain text: String) {
        let utf8 = text.utf8[...]
        guard ExactDecimal.isPlain(utf8), let value = ExactDecimal.parse(utf8) else { return nil }
        self = value
    }

    /// `-?D+(.D+)?`, D a digit.
    static func isPlain(_ bytes: Substring.UTF8View) -> Bool {
        var i = bytes.startIndex
        if i < bytes.endIndex && bytes[i] == UInt8(ascii: "-") { i = bytes.index(after: i) }
        var integerDigits = 0
        var fractionDigits = 0
        var seenPoint = false
        while i < bytes.endIndex {
            let c = bytes[i]
            if c >= 0x30 && c <= 0x39 {
                if seenPoint { fractionDigits += 1 } else { integerDigits += 1 }
            } else if c == UInt8(ascii: ".") && !seenPoint {
                seenPoint = true
            } else {
                return false
            }
            i = bytes.index(after: i)
        }
        return integerDigits > 0 && (!seenPoint || fractionDigits > 0)
    }

    static func parse(_ bytes: Substring.UTF8View, roundingExcess: Bool = false) -> ExactDecimal? {
        var i = bytes.startIndex
        let end = bytes.endIndex
        guard i < end else { return nil }
        var negative = false
        if bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+") {
            negative = bytes[i] == UInt8(ascii: "-")
            i = bytes.index(after: i)
        }
        var significand: Int128 = 0
        var scale = 0
        var digits = 0
        var seenPoint = false
        while i < end {
            let c = bytes[i]
            if c >= 0x30 && c <= 0x39 {
                let (m, o1) = significand.multipliedReportingOverflow(by: 10)
                let (s, o2) = m.addingReportingOverflow(Int128(c - 0x30))
                guard !o1 && !o2 else { return nil }
                significand = s
                digits += 1
                if seenPoint { scale += 1 }
            } else if c == UInt8(ascii: ".") && !seenPoint {
                seenPoint = true
            } else if c == UInt8(ascii: "e") || c == UInt8(ascii: "E") {
                break
            } else {
                return nil
            }
            i = bytes.index(after: i)
        }
        guard digits > 0 else { return nil }
        if i < end {
            // Exponent part.
            i = bytes.index(after: i)
            var expNegative = false
            if i < end && (bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+")) {
                expNegative = bytes[i] == UInt8(ascii: "-")
                i = bytes.index(after: i)
            }
            var exponent = 0
            var expDigits = 0
            while i < end {
                let c = bytes[i]
                guard c >= 0x30 && c <= 0x39, exponent < 1000 else { return nil }
                exponent = exponent * 10 + Int(c - 0x30)
                expDigits += 1
                i = bytes.index(after: i)
            }
            guard expDigits > 0 else { return nil }
            if expNegative {
                scale += exponent
            } else if exponent <= scale {
                scale -= exponent
            } else {
                let extra = exponent - scale
                guard extra <= 38 else { return nil }
                let (m, o) = significand.multipliedReportingOverflow(by: ExactDecimal.powerOfTen(extra))
                guard !o else { return nil }
                significand = m
                scale = 0
            }
        }
        if scale > ExactDecimal.maxScale {
            let n = ExactDecimal(significand: significand, scale: 0)
            var s = n.significand
            var k = scale
            while k > ExactDecimal.maxScale && s % 10 == 0 { s /= 10; k -= 1 }
            if k > ExactDecimal.maxScale && roundingExcess {
                let drop = k - ExactDecimal.maxScale
                if drop > 38 {
                    s = 0
                } else {
                    let p = ExactDecimal.powerOfTen(drop)
                    let (q, r) = s.quotientAndRemainder(dividingBy: p)
                    s = q + (r * 2 >= p ? 1 : 0)
                }
                k = ExactDecimal.maxScale
            }
            guard k <= ExactDecimal.maxScale else { return nil }
            significand = s
            scale = k
        }
        return ExactDecimal(significand: negative ? -significand : significand, scale: scale)
    }

    /// Plain decimal text with exactly `scale` decimals: never exponent notation.
    ///
    /// Digits are written right to left into a small buffer, dividing in 64 bits whenever the
    /// value fits: a month-end writes millions of amounts, and 128-bit division is slow.
    public var description: String {
        var magnitude = significand.magnitude
        // 39 digits, a point, a leading zero and a sign fit in 48 bytes.
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 48) { buf in
            var i = 48
            var written = 0
            func put(_ digit: UInt8) {
                if written == scale && scale > 0 { i -= 1; buf[i] = UInt8(ascii: ".") }
                i -= 1
                buf[i] = UInt8(ascii: "0") + digit
                written += 1
            }
            while magnitude > UInt128(UInt64.max) {
                let (q, r) = magnitude.quotientAndRemainder(dividingBy: 10)
                put(UInt8(r))
                magnitude = q
            }
            var small = UInt64(magnitude)
            repeat {
                put(UInt8(small % 10))
                small /= 10
            } while small > 0 || written <= scale
            if significand < 0 { i -= 1; buf[i] = UInt8(ascii: "-") }
            return String(decoding: UnsafeBufferPointer(rebasing: buf[i...]), as: UTF8.self)
        }
    }

    /// Text with exactly `places` decimals, rounded half away from zero: `"12.30"` for money.
    public func formatted(places: Int) -> String {
        rounded(places: places).description
    }

    /// Text with as many decimals as the value needs (at least `minimum`): unit prices.
    public func formatted(minimumPlaces minimum: Int) -> String {
        let n = normalized
        return (n.scale >= minimum ? n : n.widened(to: minimum)).description
    }
}
