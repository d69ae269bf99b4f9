#if canImport(Glibc)
import Glibc
#endif
import SettleCore

/// A single-pass parser for one JSON object on one line, built for the ingest hot path.
///
/// It hands each top-level member to a caller-supplied key matcher and decodes only the values
/// the caller wants, so an event with twelve fields costs twelve small strings and no
/// dictionary. Nested objects and arrays are validated and skipped. Anything that is not one
/// complete JSON object is reported with the column where it went wrong.
public struct FlatJSONObject {
    public struct SyntaxError: Error, CustomStringConvertible {
        public var column: Int
        public var expected: String
        public var description: String { "invalid JSON at column \(column): expected \(expected)" }
    }

    /// Parses `line`; for each member, `wants(key)` says which slot (or nil to skip) and
    /// `store(slot, value)` receives the decoded value.
    @inline(__always)
    public static func parse(
        _ line: UnsafeRawBufferPointer,
        wants: (UnsafeRawBufferPointer) -> Int?,
        store: (Int, FieldValue) -> Void
    ) throws(SyntaxError) {
        var p = Cursor(bytes: line)
        p.skipSpace()
        try p.expect(UInt8(ascii: "{"), "an object starting with {")
        p.skipSpace()
        if p.peek == UInt8(ascii: "}") {
            p.index += 1
        } else {
            while true {
                p.skipSpace()
                guard p.peek == UInt8(ascii: "\"") else { throw p.error("a quoted member name") }
                let keyRange = try p.scanString()
                let slot: Int?
                if keyRange.hasEscapes {
                    let key = try p.decodeString(keyRange)
                    slot = Array(key.utf8).withUnsafeBytes { wants($0) }
                } else {
                    slot = wants(UnsafeRawBufferPointer(rebasing: line[keyRange.start..<keyRange.end]))
                }
                p.skipSpace()
                try p.expect(UInt8(ascii: ":"), ":")
                p.skipSpace()
                let value = try p.parseValue(decode: slot != nil)
                if let slot { store(slot, value) }
                p.skipSpace()
                if p.peek == UInt8(ascii: ",") { p.index += 1; continue }
                try p.expect(UInt8(ascii: "}"), ", or }")
                break
            }
        }
        p.skipSpace()
        guard p.index == line.count else { throw p.error("end of line after the object") }
    }
}

struct StringRange {
    var start: Int
    var end: Int
    var hasEscapes: Bool
    var isASCII: Bool
}

struct Cursor {
    let bytes: UnsafeRawBufferPointer
    var index = 0

    init(bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

    func error(_ expected: String) -> FlatJSONObject.SyntaxError {
        FlatJSONObject.SyntaxError(column: index + 1, expected: expected)
    }

    @inline(__always) mutating func skipSpace() {
        while index < bytes.count {
            let c = bytes[index]
            guard c == 0x20 || c == 0x09 || c == 0x0D || c == 0x0A else { return }
            index += 1
        }
    }

    @inline(__always) mutating func expect(_ c: UInt8, _ what: String) throws(FlatJSONObject.SyntaxError) {
        guard index < bytes.count, bytes[index] == c else { throw error(what) }
        index += 1
    }

    /// At an opening quote: finds the closing one. Returns the content's range.
    ///
    /// Eight bytes at a time (SWAR), it stops at the first byte that needs a look: a quote, a
    /// backslash, a control character or a non-ASCII byte. The lowest flagged byte of a word
    /// is exact (a false flag can only follow a true one), and event strings are short and
    /// plain, so most end within a word or two.
    mutating func scanString() throws(FlatJSONObject.SyntaxError) -> StringRange {
        index += 1
        let start = index
        let base = bytes.baseAddress!
        let n = bytes.count
        var escapes = false
        var ascii = true
        var i = start
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        while true {
            if i + 8 <= n {
                let w = base.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                let q = w ^ (ones &* 0x22)
                let b = w ^ (ones &* 0x5C)
                let special = (((q &- ones) & ~q) | ((b &- ones) & ~b) | ((w &- ones &* 0x20) & ~w)) & highs | (w & highs)
                if special == 0 {
                    i += 8
                    continue
                }
                i += (special.trailingZeroBitCount >> 3)
            } else if i >= n {
                throw FlatJSONObject.SyntaxError(column: n + 1, expected: "a closing quote")
            }
            let c = bytes[i]
            switch c {
            case 0x22:
                index = i + 1
                return StringRange(start: start, end: i, hasEscapes: escapes, isASCII: ascii)
            case 0x5C:
                escapes = true
                i += 2
            case 0x00..<0x20:
                index = i
                throw error("no control character inside a string")
            case 0x80...:
                ascii = false
                i += 1
            default:
                i += 1
            }
        }
    }

    func decodeString(_ r: StringRange) throws(FlatJSONObject.SyntaxError) -> String {
        let raw = UnsafeRawBufferPointer(rebasing: bytes[r.start..<r.end])
        if !r.hasEscapes {
            if r.isASCII { return String(decoding: raw, as: UTF8.self) }
            guard let s = UTF8Text.string(raw) else {
                throw FlatJSONObject.SyntaxError(column: r.start + 1, expected: "valid UTF-8")
            }
            return s
        }
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var i = 0
        while i < raw.count {
            let c = raw[i]
            guard c == UInt8(ascii: "\\") else { out.append(c); i += 1; continue }
            guard i + 1 < raw.count else { throw FlatJSONObject.SyntaxError(column: r.start + i + 1, expected: "an escape") }
            let e = raw[i + 1]
            i += 2
            switch e {
            case UInt8(ascii: "\""): out.append(0x22)
            case UInt8(ascii: "\\"): out.append(0x5C)
            case UInt8(ascii: "/"): out.append(0x2F)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                guard var scalar = hex4(raw, i) else {
                    throw FlatJSONObject.SyntaxError(column: r.start + i + 1, expected: "four hex digits after \\u")
                }
                i += 4
                if (0xD800...0xDBFF).contains(scalar), i + 6 <= raw.count, raw[i] == 0x5C, raw[i + 1] == UInt8(ascii: "u"),
                   let low = hex4(raw, i + 2), (0xDC00...0xDFFF).contains(low) {
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    i += 6
                }
                guard let u = Unicode.Scalar(scalar) else {
                    throw FlatJSONObject.SyntaxError(column: r.start + i + 1, expected: "a valid \\u escape")
                }
                out.append(contentsOf: Array(String(Character(u)).utf8))
            default:
                throw FlatJSONObject.SyntaxError(column: r.start + i, expected: "a valid escape")
            }
        }
        guard let s = out.withUnsafeBytes({ UTF8Text.string($0) }) else {
            throw FlatJSONObject.SyntaxError(column: r.start + 1, expected: "valid UTF-8")
        }
        return s
    }

    private func hex4(_ raw: UnsafeRawBufferPointer, _ at: Int) -> UInt32? {
        guard at + 4 <= raw.count else { return nil }
        var v: UInt32 = 0
        for k in 0..<4 {
            let c = raw[at + k]
            let d: UInt8
            switch c {
            case 0x30...0x39: d = c - 0x30
            case 0x41...0x46: d = c - 0x37
            case 0x61...0x66: d = c - 0x57
            default: return nil
            }
            v = v << 4 | UInt32(d)
        }
        return v
    }

    mutating func parseValue(decode: Bool) throws(FlatJSONObject.SyntaxError) -> FieldValue {
        guard let c = peek else { throw error("a value") }
        switch c {
        case UInt8(ascii: "\""):
            let r = try scanString()
            return decode ? .text(try decodeString(r)) : .missing
        case UInt8(ascii: "-"), 0x30...0x39:
            return try parseNumber()
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            try skipNested()
            return .nested
        case UInt8(ascii: "t"):
            try literal("true"); return .bool(true)
        case UInt8(ascii: "f"):
            try literal("false"); return .bool(false)
        case UInt8(ascii: "n"):
            try literal("null"); return .null
        default:
            throw error("a value")
        }
    }

    private mutating func literal(_ word: StaticString) throws(FlatJSONObject.SyntaxError) {
        let n = word.utf8CodeUnitCount
        guard index + n <= bytes.count else { throw error("\(word)") }
        for k in 0..<n where bytes[index + k] != word.utf8Start[k] { throw error("\(word)") }
        index += n
    }

    private mutating func parseNumber() throws(FlatJSONObject.SyntaxError) -> FieldValue {
        let start = index
        var negative = false
        if bytes[index] == UInt8(ascii: "-") { negative = true; index += 1 }
        var value: Int64 = 0
        var overflow = false
        var digits = 0
        while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 {
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.addingReportingOverflow(Int64(bytes[index] - 0x30))
            overflow = overflow || o1 || o2
            value = s
            digits += 1
            index += 1
        }
        guard digits > 0 else { throw error("a digit") }
        var integral = !overflow
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            integral = false
            index += 1
            let before = index
            while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 { index += 1 }
            guard index > before else { throw error("a digit after the decimal point") }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            integral = false
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            let before = index
            while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 { index += 1 }
            guard index > before else { throw error("a digit in the exponent") }
        }
        if integral { return .integer(negative ? -value : value) }
        return .otherNumber(UnsafeRawBufferPointer(rebasing: bytes[start..<index]).lossyString)
    }

    /// Skips a nested object or array, checking its brackets and strings.
    private mutating func skipNested() throws(FlatJSONObject.SyntaxError) {
        var stack: [UInt8] = []
        while index < bytes.count {
            let c = bytes[index]
            switch c {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                stack.append(c == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]"))
                index += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                guard stack.last == c else { throw error("a matching bracket") }
                stack.removeLast()
                index += 1
                if stack.isEmpty { return }
            case UInt8(ascii: "\""):
                _ = try scanString()
            default:
                index += 1
            }
        }
        throw FlatJSONObject.SyntaxError(column: bytes.count + 1, expected: "a closing bracket")
    }
}
