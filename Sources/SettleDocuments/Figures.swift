/// How documents print the figures a reader checks with a pencil (PRODUCT.md, "Invoice
/// documents").
enum Figures {
    /// A quantity with thousands separators: `3,917`, `110,000,000`, `-1,250`.
    static func grouped(_ n: Int64) -> String {
        let digits = Array(String(n.magnitude))
        var out = n < 0 ? "-" : ""
        out.reserveCapacity(digits.count + digits.count / 3 + 1)
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return out
    }

    /// A quantity as a document's table prints it: grouped when it is a whole number, as given
    /// otherwise.
    static func grouped(_ text: String) -> String {
        Int64(text).map { grouped($0) } ?? text
    }
}
