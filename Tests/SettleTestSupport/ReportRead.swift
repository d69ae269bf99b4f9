import SettleCore
import SettleFormats

/// Everything one provider bill file gave, record by record, for tests that assert what a
/// reader made of a vendor's file.
public struct ReportRead: Sendable {
    public var format: String
    public var lines: [BillLine] = []
    public var quarantined: [QuarantinedRow] = []
    public var skippedBy: [String: Int] = [:]
    public var records = 0

    public var skipped: Int { skippedBy.values.reduce(0, +) }

    /// Opens `path` as a report (its format detected, or `format`) and reads every record.
    public static func read(path: String, format: BillFileFormat? = nil, options: BillReadOptions = BillReadOptions()) throws -> ReportRead {
        let reader = try BillFileReader.open(path: path, format: format, options: options)
        var out = ReportRead(format: reader.formatName)
        _ = try reader.forEachRecord { record in
            out.records += 1
            switch record {
            case .lines(let l): out.lines += l
            case .quarantined(let q): out.quarantined.append(q)
            case .skipped(let service): out.skippedBy[service, default: 0] += 1
            }
        }
        return out
    }
}
