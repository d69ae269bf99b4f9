/// How a request id is stored: binary, about half its text.
///
/// Gateways name requests with a short prefix and a long run of lowercase hex
/// (`req_01a1705c49d40d388ec2144bd3cf`). Such an id is stored as one byte naming its prefix in
/// `request_id_prefixes` (1…127), then the hex packed two digits a byte: 15 bytes instead of
/// 32. Any other id (uppercase or odd hex, base62, a short id, more than 127 prefixes) is
/// stored as a zero byte and its UTF-8 text. Both forms decode to exactly the id that came in,
/// and one id has one form in a given store, so the unique index on the bytes is the unique
/// index on the ids.
enum StoredRequestID {
    /// The shortest hex run worth packing, and the longest prefix kept in the dictionary.
    static let minimumHexDigits = 16
    static let maximumPrefixBytes = 64
    static let maximumPrefixID = 127

    /// Where the packed hex starts in `id`, if the id has the packable shape.
    static func hexStart(_ id: UnsafeRawBufferPointer) -> Int? {
        var start = id.count
        while start > 0, isLowerHex(id[start - 1]) { start -= 1 }
        if (id.count - start) % 2 == 1 { start += 1 }
        guard id.count - start >= minimumHexDigits, start <= maximumPrefixBytes else { return nil }
        return start
    }

    /// Appends the stored form of `id` to `out`: `prefixID` names `id[..<hexStart]` (nil: text).
    static func append(_ id: UnsafeRawBufferPointer, hexStart: Int?, prefixID: UInt8?, to out: inout [UInt8]) {
        guard let start = hexStart, let prefixID else {
            out.append(0)
            out.append(contentsOf: id)
            return
        }
        out.append(prefixID)
        var i = start
        while i < id.count {
            out.append(nibble(id[i]) << 4 | nibble(id[i + 1]))
            i += 2
        }
    }

    /// The stored form of `id` as a separate value (restores, tests, lookups).
    static func encode(_ id: String, prefixID: (String) throws -> UInt8?) rethrows -> [UInt8] {
        var out: [UInt8] = []
        var id = id
        try id.withUTF8 { utf8 in
            let raw = UnsafeRawBufferPointer(utf8)
            let start = hexStart(raw)
            let prefix = try start.flatMap { try prefixID(String(decoding: raw[..<$0], as: UTF8.self)) }
            append(raw, hexStart: start, prefixID: prefix, to: &out)
        }
        return out
    }

    /// The id `stored` holds, given the store's prefixes; nil when the bytes are not a stored id.
    static func decode(_ stored: some Collection<UInt8>, prefixes: [UInt8: String]) -> String? {
        guard let tag = stored.first else { return nil }
        let rest = stored.dropFirst()
        if tag == 0 { return String(validating: Array(rest), as: UTF8.self) }
        guard let prefix = prefixes[tag] else { return nil }
        var text = Array(prefix.utf8)
        let digits = Array("0123456789abcdef".utf8)
        for b in rest {
            text.append(digits[Int(b >> 4)])
            text.append(digits[Int(b & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// `\x…` hex, as PostgreSQL reads and writes bytea in text.
    static func pgHex(_ bytes: some Collection<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = [0x5C, 0x78]
        for b in bytes {
            text.append(digits[Int(b >> 4)])
            text.append(digits[Int(b & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// The bytes of PostgreSQL's `\x…` text form.
    static func fromPGHex(_ text: some Collection<UInt8>) -> [UInt8]? {
        let t = Array(text)
        guard t.count >= 2, t[0] == 0x5C, t[1] == 0x78, t.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity((t.count - 2) / 2)
        var i = 2
        while i < t.count {
            guard let hi = hexValue(t[i]), let lo = hexValue(t[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }

    @inline(__always) static func isLowerHex(_ c: UInt8) -> Bool {
        (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66)
    }

    @inline(__always) private static func nibble(_ c: UInt8) -> UInt8 { c <= 0x39 ? c - 0x30 : c - 0x61 + 10 }

    private static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: return c - 0x30
        case 0x61...0x66: return c - 0x61 + 10
        case 0x41...0x46: return c - 0x41 + 10
        default: return nil
        }
    }
}
