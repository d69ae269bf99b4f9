import Crypto
import SettleCore
import SettleFormats
import SettleStore

/// Usage events read from the gateway's own PostgreSQL table for a range of UTC days. Named
/// `postgres:TABLE FROM..TO` in the ledger; its digest is that of the rows read, so the same
/// range read twice over unchanged data has the same SHA-256 and quarantines nothing twice.
public struct GatewayDatabaseSource: UsageSource {
    public let url: String
    public let table: GatewayTable
    public let from: UTCDay
    public let to: UTCDay

    public init(url: String, table: GatewayTable, from: UTCDay, to: UTCDay) {
        self.url = url
        self.table = table
        self.from = from
        self.to = to
    }

    public var name: String {
        "postgres:\(table.table.filter { $0 != "\"" }) \(from)..\(to)"
    }

    public var format: String { "postgres" }

    public func forEachRow(_ body: (UsageRow) throws -> Void) throws -> LineReader.Summary {
        let reader = try PostgresCopyReader(url: url)
        let decoder = CopyTextUsageDecoder()
        var sha = SHA256()
        var bytes: Int64 = 0
        var rows = 0
        var newline: UInt8 = 0x0A
        try reader.copyOut(query: table.query(from: from, to: to)) { line in
            sha.update(bufferPointer: line)
            withUnsafeBytes(of: &newline) { sha.update(bufferPointer: $0) }
            bytes += Int64(line.count + 1)
            rows += 1
            try body(decoder.decode(PostgresCopyText.fields(line), line: line, lineNumber: rows, source: name))
        }
        return LineReader.Summary(sha256: hexString(sha.finalize()), bytes: bytes, lines: rows)
    }
}
