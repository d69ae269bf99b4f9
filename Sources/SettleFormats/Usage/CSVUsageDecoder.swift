import SettleCore

/// Native CSV: a header row with PRODUCT.md's column names (any order, extra columns ignored).
public struct CSVUsageDecoder {
    /// For each header column, its slot in `UsageEventFields.columnNames` (nil: ignored).
    let slots: [Int?]

    public static let requiredColumns = ["request_id", "ts", "customer_id", "provider", "model", "input_tokens", "output_tokens"]

    /// Reads the header; a header without the required columns makes the file unreadable (65).
    public init(header: [String], path: String) throws(InputFileError) {
        var names = header
        if let first = names.first, first.hasPrefix("\u{FEFF}") { names[0] = String(first.dropFirst()) }
        names = names.map { $0.trimmingSpaces() }
        let missing = Self.requiredColumns.filter { !names.contains($0) }
        guard missing.isEmpty else {
            throw InputFileError(path: path, line: 1,
                "not a usage CSV: the header lacks \(missing.joined(separator: ", ")) (expected columns: \(UsageEventFields.columnNames.joined(separator: ",")))")
        }
        slots = names.map { UsageEventFields.columnNames.firstIndex(of: $0) }
    }

    public func decode(_ cells: [String], lineNumber: Int, source: String, raw: @autoclosure () -> String) -> UsageRow {
        guard cells.count == slots.count else {
            return .quarantined(QuarantinedRow(source: source, line: lineNumber,
                reason: QuarantineReason.wrongColumnCount(expected: slots.count, found: cells.count), raw: raw()))
        }
        var fields = UsageEventFields()
        for (i, slot) in slots.enumerated() {
            guard let slot else { continue }
            fields.set(slot: slot, .text(cells[i].trimmingSpaces()))
        }
        do {
            return .event(try UsageEvent(validating: fields), line: lineNumber)
        } catch {
            return .quarantined(QuarantinedRow(source: source, line: lineNumber, reason: error, raw: raw()))
        }
    }
}

extension String {
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return s.count == count ? self : String(s)
    }
}
