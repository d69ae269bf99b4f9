/// Makes strings from bytes the fast way. Event fields are ASCII almost always; the stdlib's
/// generic validating initialiser costs more than the rest of the JSON parse, so ASCII is
/// checked eight bytes at a time and everything else goes through a plain UTF-8 validator.
enum UTF8Text {
    @inline(__always)
    static func string(_ bytes: UnsafeRawBufferPointer) -> String? {
        if isASCII(bytes) || isValidUTF8(bytes) { return String(decoding: bytes, as: UTF8.self) }
        return nil
    }

    @inline(__always)
    static func isASCII(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var i = 0
        let n = bytes.count
        while i + 8 <= n {
            if bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 != 0 { return false }
            i += 8
        }
        while i < n {
            if bytes[i] >= 0x80 { return false }
            i += 1
        }
        return true
    }

    /// RFC 3629: rejects overlong forms, surrogates and code points above U+10FFFF.
    static func isValidUTF8(_ b: UnsafeRawBufferPointer) -> Bool {
        var i = 0
        let n = b.count
        while i < n {
            let c = b[i]
            if c < 0x80 { i += 1; continue }
            let need: Int
            var lo: UInt8 = 0x80, hi: UInt8 = 0xBF
            switch c {
            case 0xC2...0xDF: need = 1
            case 0xE0: need = 2; lo = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: need = 2
            case 0xED: need = 2; hi = 0x9F
            case 0xF0: need = 3; lo = 0x90
            case 0xF1...0xF3: need = 3
            case 0xF4: need = 3; hi = 0x8F
            default: return false
            }
            guard i + need < n else { return false }
            guard b[i + 1] >= lo && b[i + 1] <= hi else { return false }
            var k = 2
            while k <= need {
                guard b[i + k] >= 0x80 && b[i + k] <= 0xBF else { return false }
                k += 1
            }
            i += need + 1
        }
        return true
    }
}
