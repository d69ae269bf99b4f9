import Crypto
import Foundation

/// The one way a customer, seller or service id (or an invoice number, whose prefix comes from
/// settle.toml) becomes part of a file name (PRODUCT.md, "Outputs"): the catalog is data, and
/// a seller named `../../../tmp/pwned-seller` must not write `tmp/pwned-seller.pdf` outside
/// `--out`.
///
/// The rules, on the id's UTF-8 bytes:
/// - `A–Z a–z 0–9 . _ -` stay as they are, so `cus_0001` and `INV-2026-000001` keep their names;
/// - every other byte (`/`, `%`, spaces, control characters, each byte of a non-ASCII letter)
///   is written `%XX`, upper-case hex;
/// - a leading `.` is written `%2E`, so no name is `.`, `..` or hidden;
/// - an encoded name longer than 200 bytes is cut to its first 183 bytes (backing up to the
///   start of a `%XX` it would split), then `-` and the first 16 lower-case hex digits of the
///   SHA-256 of the id's UTF-8 bytes: at most 200 bytes, which leaves room under the 255-byte
///   limit of a name for a prefix (`statement-`), a suffix (`-credit_note`), an extension and
///   the `.NAME.tmp-PID` a file is written under before it is renamed;
/// - the empty id (the catalog refuses it, so it should never get here) is written `%`: no
///   other id gives that name, since every `%` the encoding writes starts a `%XX`.
///
/// Names up to 200 bytes decode back to their id (`%` itself is `%25`), so two ids never share
/// a file; a cut name is told apart by its hash.
///
/// In SettleFormats rather than SettleCore because it needs SHA-256, which swift-crypto gives
/// here, and because naming files is a matter of output, not of the domain rules.
public enum SafeFileName {
    /// The longest encoded name, in bytes.
    public static let maxBytes = 200
    /// Hex digits of the SHA-256 a cut name ends with.
    static let hashDigits = 16

    public static func encode(_ id: String) -> String {
        if id.isEmpty { return "%" }
        var out: [UInt8] = []
        out.reserveCapacity(id.utf8.count)
        let hex = Array("0123456789ABCDEF".utf8)
        for (i, b) in id.utf8.enumerated() {
            if isKept(b) && !(i == 0 && b == UInt8(ascii: ".")) {
                out.append(b)
            } else {
                out += [UInt8(ascii: "%"), hex[Int(b >> 4)], hex[Int(b & 15)]]
            }
        }
        if out.count > maxBytes {
            // Cut before the `-` and the hash; a cut inside `%XX` backs up to its `%`.
            var cut = maxBytes - 1 - hashDigits
            if out[cut - 1] == UInt8(ascii: "%") {
                cut -= 1
            } else if out[cut - 2] == UInt8(ascii: "%") {
                cut -= 2
            }
            let digest = hexString(SHA256.hash(data: Data(id.utf8)))
            out = Array(out[..<cut]) + [UInt8(ascii: "-")] + Array(digest.utf8.prefix(hashDigits))
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The bytes a name keeps as they are: `A–Z a–z 0–9 . _ -`.
    static func isKept(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"):
            return true
        default:
            return false
        }
    }
}
