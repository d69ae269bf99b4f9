/// PostgreSQL's COPY text format, written once for every COPY settle sends: the bulk load of
/// usage events (`PostgresCopyRenderer`) and every other table's rows (`bulkInsert`). Fields are
/// tab-separated, rows end in a newline, NULL is `\N`, and a backslash, tab, newline or
/// carriage return inside a field is escaped.
enum PostgresCopyText {
    static func appendNull(_ out: inout [UInt8]) {
        out.append(0x5C)
        out.append(UInt8(ascii: "N"))
    }

    static func appendInt(_ v: Int64, to out: inout [UInt8]) {
        if v < 0 { out.append(UInt8(ascii: "-")) }
        var m = v.magnitude
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var n = 0
        withUnsafeMutableBytes(of: &digits) { d in
            repeat {
                d[n] = UInt8(truncatingIfNeeded: m % 10) + 0x30
                m /= 10
                n += 1
            } while m > 0
            while n > 0 {
                n -= 1
                out.append(d[n])
            }
        }
    }

    /// COPY text escaping: backslash, tab, newline and carriage return are escaped. Event
    /// fields almost never hold one, so a field without any is copied whole.
    static func appendEscaped(_ bytes: UnsafeRawBufferPointer, to out: inout [UInt8]) {
        if !bytes.contains(where: { $0 == 0x5C || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) {
            out.append(contentsOf: bytes)
            return
        }
        for c in bytes {
            switch c {
            case 0x5C: out.append(0x5C); out.append(0x5C)
            case 0x09: out.append(0x5C); out.append(UInt8(ascii: "t"))
            case 0x0A: out.append(0x5C); out.append(UInt8(ascii: "n"))
            case 0x0D: out.append(0x5C); out.append(UInt8(ascii: "r"))
            default: out.append(c)
            }
        }
    }

    /// One row of SQL parameters as COPY text.
    static func appendRow(_ row: [SQLParam], to out: inout [UInt8]) {
        for (i, value) in row.enumerated() {
            if i > 0 { out.append(0x09) }
            switch value {
            case .null: appendNull(&out)
            case .int(let n): appendInt(n, to: &out)
            case .text(let s):
                var s = s
                s.withUTF8 { appendEscaped(UnsafeRawBufferPointer($0), to: &out) }
            }
        }
        out.append(0x0A)
    }
}
