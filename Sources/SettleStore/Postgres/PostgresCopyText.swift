/// PostgreSQL's COPY text format, written once for every COPY settle sends: the bulk load of
/// usage events (`PostgresCopyRenderer`) and every other table's rows (`bulkInsert`). Fields are
/// tab-separated, rows end in a newline, NULL is `\N`, and a backslash, tab, newline or
/// carriage return inside a field is escaped.
public enum PostgresCopyText {
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

    /// Bytes as a bytea cell: `\\x` and hex (the backslash escaped for COPY).
    static func appendBytea(_ bytes: some Collection<UInt8>, to out: inout [UInt8]) {
        out.append(0x5C); out.append(0x5C); out.append(UInt8(ascii: "x"))
        for b in bytes {
            out.append(hexDigits[Int(b >> 4)])
            out.append(hexDigits[Int(b & 0x0F)])
        }
    }

    static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

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
            case .blob(let b):
                appendBytea(b, to: &out)
            }
        }
        out.append(0x0A)
    }

    /// One line of COPY text read back: its fields, nil for `\N`, escapes undone. The gateway's
    /// own table and the PostgreSQL rollup read their rows this way.
    public static func fields(_ line: UnsafeRawBufferPointer) -> [String?] {
        var cells: [String?] = []
        var field: [UInt8] = []
        var i = 0
        var isNull = false
        func finish() {
            cells.append(isNull ? nil : String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
            isNull = false
        }
        while i < line.count {
            let c = line[i]
            if c == 0x09 { finish(); i += 1; continue }
            if c == 0x5C, i + 1 < line.count {
                let e = line[i + 1]
                switch e {
                case UInt8(ascii: "N") where field.isEmpty: isNull = true
                case UInt8(ascii: "t"): field.append(0x09)
                case UInt8(ascii: "n"): field.append(0x0A)
                case UInt8(ascii: "r"): field.append(0x0D)
                case UInt8(ascii: "b"): field.append(0x08)
                case UInt8(ascii: "f"): field.append(0x0C)
                case UInt8(ascii: "v"): field.append(0x0B)
                default: field.append(e)
                }
                i += 2
                continue
            }
            field.append(c)
            i += 1
        }
        finish()
        return cells
    }
}
