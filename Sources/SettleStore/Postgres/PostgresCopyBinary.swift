/// PostgreSQL's binary COPY format, for the bulk load of usage events: the server reads each
/// integer as four or eight bytes and each id as its bytes, where the text format had it parse
/// digits and hex (a quarter of the server's time in a load). A stream is a header, tuples
/// (a field count, then each field's length and bytes, -1 for NULL) and a trailer.
enum PostgresCopyBinary {
    /// "PGCOPY\n\xFF\r\n\0", no flags, no header extension.
    static let header: [UInt8] = [0x50, 0x47, 0x43, 0x4F, 0x50, 0x59, 0x0A, 0xFF, 0x0D, 0x0A, 0x00, 0, 0, 0, 0, 0, 0, 0, 0]
    static let trailer: [UInt8] = [0xFF, 0xFF]

    @inline(__always)
    static func appendTuple(fields: Int16, to out: inout [UInt8]) {
        appendBigEndian(UInt16(bitPattern: fields), to: &out)
    }

    @inline(__always)
    static func appendNull(_ out: inout [UInt8]) {
        appendBigEndian(UInt32(bitPattern: -1), to: &out)
    }

    /// An `integer` field. The caller has checked the range (`fitsInt4`).
    @inline(__always)
    static func appendInt4(_ v: Int64, to out: inout [UInt8]) {
        appendBigEndian(UInt32(4), to: &out)
        appendBigEndian(UInt32(bitPattern: Int32(truncatingIfNeeded: v)), to: &out)
    }

    @inline(__always)
    static func appendInt8(_ v: Int64, to out: inout [UInt8]) {
        appendBigEndian(UInt32(8), to: &out)
        appendBigEndian(UInt64(bitPattern: v), to: &out)
    }

    /// A `bytea` or `text` field: its bytes as they are (text must be valid UTF-8, which the
    /// decoder has made sure of).
    @inline(__always)
    static func appendBytes(_ bytes: some Collection<UInt8>, to out: inout [UInt8]) {
        appendBigEndian(UInt32(bytes.count), to: &out)
        out.append(contentsOf: bytes)
    }

    @inline(__always)
    static func fitsInt4(_ v: Int64) -> Bool { v >= Int64(Int32.min) && v <= Int64(Int32.max) }

    @inline(__always)
    static func appendBigEndian<T: FixedWidthInteger>(_ v: T, to out: inout [UInt8]) {
        withUnsafeBytes(of: v.bigEndian) { out.append(contentsOf: $0) }
    }

    /// The first field of every tuple of a stream written here (the request ids of a batch,
    /// for the slow path to match what the server stored).
    static func firstFields(of stream: [UInt8]) -> [ArraySlice<UInt8>] {
        var out: [ArraySlice<UInt8>] = []
        var i = header.count
        func int<T: FixedWidthInteger>(_: T.Type) -> T {
            var v: T = 0
            for k in 0..<MemoryLayout<T>.size { v = v << 8 | T(stream[i + k]) }
            i += MemoryLayout<T>.size
            return v
        }
        while i + 2 <= stream.count {
            let fields = Int16(bitPattern: int(UInt16.self))
            if fields < 0 { break }
            for f in 0..<Int(fields) {
                let length = Int(Int32(bitPattern: int(UInt32.self)))
                let value = length < 0 ? stream[i..<i] : stream[i..<(i + length)]
                if f == 0 { out.append(value) }
                i += max(length, 0)
            }
        }
        return out
    }
}
