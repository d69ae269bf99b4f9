/// A few optional texts in one byte array: for each, a length (7 bits a byte, low first) plus
/// one, 0 for none, then its UTF-8 bytes.
struct CustomerTexts: Sendable, Hashable {
    private var bytes: [UInt8] = []

    init(_ texts: [String?]) {
        for t in texts { Self.append(t, to: &bytes) }
    }

    subscript(i: Int) -> String? {
        get {
            var at = 0
            for _ in 0..<i { at = Self.skip(bytes, from: at) }
            return Self.text(bytes, at)
        }
        set {
            var all: [String?] = []
            var at = 0
            while at < bytes.count {
                all.append(Self.text(bytes, at))
                at = Self.skip(bytes, from: at)
            }
            while all.count <= i { all.append(nil) }
            all[i] = newValue
            self = CustomerTexts(all)
        }
    }

    private static func text(_ bytes: [UInt8], _ at: Int) -> String? {
        let (length, start) = length(bytes, at)
        guard let length else { return nil }
        return String(decoding: bytes[start..<(start + length)], as: UTF8.self)
    }

    private static func append(_ text: String?, to out: inout [UInt8]) {
        guard let text else { out.append(0); return }
        var n = text.utf8.count + 1
        repeat {
            out.append(UInt8(n & 0x7F) | (n > 0x7F ? 0x80 : 0))
            n >>= 7
        } while n > 0
        out += text.utf8
    }

    /// The length of the text at `at` (nil: none) and where its bytes start.
    private static func length(_ bytes: [UInt8], _ at: Int) -> (Int?, Int) {
        var n = 0, shift = 0, at = at
        while at < bytes.count {
            let b = bytes[at]
            at += 1
            n |= Int(b & 0x7F) << shift
            shift += 7
            if b & 0x80 == 0 { break }
        }
        return (n == 0 ? nil : n - 1, at)
    }

    private static func skip(_ bytes: [UInt8], from at: Int) -> Int {
        let (length, start) = length(bytes, at)
        return start + (length ?? 0)
    }
}
