import Crypto
import Foundation
import SettleCore

/// A payment file read whole (bank statements and Stripe exports are small): its format, from
/// its content (XML is a camt.053 statement, anything else Stripe's CSV export), its records,
/// and its digest for the run record.
public struct PaymentFile: Sendable {
    public enum Format: String, Sendable, CaseIterable {
        case camt053 = "camt.053"
        case stripe = "stripe-payments"
    }

    public var path: String
    public var format: Format
    public var records: [PaymentFileRecord]
    public var sha256: String
    public var bytes: Int64

    /// Reads and checks `path`. A file that is neither format, or from which no record at all
    /// can be read, is refused (exit 65) naming it: "read 0" is never a successful load.
    public static func open(path: String) throws(InputFileError) -> PaymentFile {
        let data: [UInt8]
        do { data = Array(try Data(contentsOf: URL(fileURLWithPath: path))) } catch {
            throw InputFileError(path: path, "cannot be read (\(error.localizedDescription))")
        }
        guard !data.isEmpty else { throw InputFileError(path: path, "is empty: a payment file holds a statement or an export") }
        let digest = hexString(SHA256.hash(data: data))
        // The first character after a byte-order mark and white space.
        let text = data.starts(with: [0xEF, 0xBB, 0xBF]) ? data.dropFirst(3) : data[...]
        let format: Format = text.first { !" \t\r\n".utf8.contains($0) } == UInt8(ascii: "<") ? .camt053 : .stripe
        let records: [PaymentFileRecord]
        switch format {
        case .camt053:
            do { records = try CamtStatement.read(path: path, bytes: data) } catch { throw InputFileError(path: path, error.problem) }
        case .stripe:
            records = try StripePaymentsExport.read(path: path)
        }
        guard !records.isEmpty else {
            throw InputFileError(path: path, format == .camt053
                ? "holds a statement without a single entry: nothing to take in (is it the right day's statement?)"
                : "holds a header and no rows: nothing to take in")
        }
        return PaymentFile(path: path, format: format, records: records, sha256: digest, bytes: Int64(data.count))
    }
}
