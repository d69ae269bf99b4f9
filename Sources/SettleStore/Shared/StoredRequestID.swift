/// How a request id is stored: binary, about half its text.
///
/// Gateways name requests with a short prefix and a long run of lowercase hex
/// (`req_01a1705c49d40d388ec2144bd3cf`). Such an id is stored as one byte naming its prefix in
/// `request_id_prefixes` (1…127), then the hex packed two digits a byte: 15 bytes instead of
/// 32. Any other id (uppercase or odd hex, base62, a short id, more than 127 prefixes) is
/// stored as a zero byte and its UTF-8 text. Both forms read back (`usage_events_named`, in
/// SQL) as exactly the id that came in, and one id has one form in a given store, so the unique index on the bytes is the unique
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

    /// `\x…` hex, as PostgreSQL reads bytea in text (a statement's parameter).
    static func pgHex(_ bytes: some Collection<UInt8>) -> String {
        var text: [UInt8] = [0x5C, 0x78]
        for b in bytes {
            text.append(PostgresCopyText.hexDigits[Int(b >> 4)])
            text.append(PostgresCopyText.hexDigits[Int(b & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    @inline(__always) static func isLowerHex(_ c: UInt8) -> Bool {
        (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66)
    }

    @inline(__always) private static func nibble(_ c: UInt8) -> UInt8 { c <= 0x39 ? c - 0x30 : c - 0x61 + 10 }
}
