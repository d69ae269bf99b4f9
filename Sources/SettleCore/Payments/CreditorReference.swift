/// The structured creditor reference an invoice is paid with (ISO 11649, "RF" + two check
/// digits + up to 21 characters; FINANCE.md, "Payments and receivables"): `RF` + check digits +
/// the invoice number's digits, so a bank transfer quoting it is matched to its invoice by a
/// machine, and a mistyped one is caught by the check digits.
public enum CreditorReference {
    /// The reference of an invoice numbered `number` (`INV-2026-000001` → `RF42 2026 0000 01`
    /// printed, `RF422026000001` electronically); nil when the number has no digit, or more than
    /// the 21 characters ISO 11649 allows.
    public static func of(invoiceNumber number: String) -> String? {
        let digits = String(number.filter { $0.isASCII && $0.isNumber })
        guard !digits.isEmpty, digits.count <= 21 else { return nil }
        return "RF" + checkDigits(of: digits) + digits
    }

    /// Whether `text` (spaces allowed, any case) is a reference whose check digits hold.
    public static func isValid(_ text: String) -> Bool {
        let compact = text.filter { $0 != " " }.uppercased()
        guard compact.count >= 5, compact.count <= 25, compact.hasPrefix("RF"),
              compact.allSatisfy({ $0.isASCII && ($0.isNumber || $0.isLetter) }) else { return false }
        let check = compact.dropFirst(2).prefix(2)
        guard check.allSatisfy(\.isNumber) else { return false }
        return mod97(String(compact.dropFirst(4)) + "RF" + check) == 1
    }

    /// `RF05 2026 0000 01`: in groups of four, as printed.
    public static func printed(_ reference: String) -> String {
        var out = ""
        for (i, c) in reference.enumerated() {
            if i > 0 && i % 4 == 0 { out.append(" ") }
            out.append(c)
        }
        return out
    }

    /// 98 − (reference + "RF00", letters as 10…35) mod 97, two digits.
    static func checkDigits(of reference: String) -> String {
        let check = 98 - mod97(reference + "RF00")
        return check < 10 ? "0\(check)" : "\(check)"
    }

    /// The number the characters spell (A = 10 … Z = 35), mod 97, a digit at a time.
    static func mod97(_ text: String) -> Int {
        var r = 0
        for c in text.uppercased().unicodeScalars {
            let v: Int
            switch c.value {
            case 48...57: v = Int(c.value) - 48
            case 65...90: v = Int(c.value) - 55
            default: continue
            }
            r = v < 10 ? (r * 10 + v) % 97 : (r * 100 + v) % 97
        }
        return r
    }
}
