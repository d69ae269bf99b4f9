import Crypto
import Foundation

/// `Settle-Signature: t=UNIX,v1=HEX`: HMAC-SHA256 of "UNIX.BODY" with the shared secret, so a
/// receiver can check both who sent the body and that it is fresh.
public enum WebhookSignature {
    public static func header(body: String, secret: String, at unixSeconds: Int64) -> String {
        let key = SymmetricKey(data: Data(secret.utf8))
        let mac = HMAC<SHA256>.authenticationCode(for: Data("\(unixSeconds).\(body)".utf8), using: key)
        return "t=\(unixSeconds),v1=\(mac.map { String(format: "%02x", $0) }.joined())"
    }

    /// What a receiver does: recompute and compare (used by the tests, and handy for customers).
    public static func verify(header: String, body: String, secret: String) -> Bool {
        var t: Int64?
        var v1: String?
        for part in header.split(separator: ",") {
            if part.hasPrefix("t=") { t = Int64(part.dropFirst(2)) }
            if part.hasPrefix("v1=") { v1 = String(part.dropFirst(3)) }
        }
        guard let t, let v1 else { return false }
        // Compared in constant time: how long a wrong signature takes to refuse must not tell
        // an attacker how many of its leading characters were right.
        let expected = Array(self.header(body: body, secret: secret, at: t).utf8)
        let given = Array("t=\(t),v1=\(v1)".utf8)
        guard expected.count == given.count else { return false }
        var difference: UInt8 = 0
        for i in 0..<expected.count { difference |= expected[i] ^ given[i] }
        return difference == 0
    }
}
