/// Writes RFC 4180 CSV: fields with a comma, quote or line break are quoted, quotes doubled,
/// records end in CRLF as the RFC says.
public enum CSVText {
    public static func field(_ value: String) -> String {
        guard value.utf8.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) else { return value }
        return "\"" + value.replacingAll("\"", with: "\"\"") + "\""
    }

    public static func record(_ fields: [String]) -> String {
        var out = ""
        append(fields, to: &out)
        return out
    }

    /// Appends one record to `out`, for files of many records: no string per record or field.
    public static func append(_ fields: [String], to out: inout String) {
        for (i, value) in fields.enumerated() {
            if i > 0 { out += "," }
            if value.utf8.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) {
                out += "\""
                out += value.replacingAll("\"", with: "\"\"")
                out += "\""
            } else {
                out += value
            }
        }
        out += "\r\n"
    }
}

extension String {
    /// Replaces every occurrence of `target` (Foundation-free).
    public func replacingAll(_ target: Character, with replacement: String) -> String {
        var out = ""
        out.reserveCapacity(utf8.count + 8)
        for ch in self {
            if ch == target { out += replacement } else { out.append(ch) }
        }
        return out
    }
}
