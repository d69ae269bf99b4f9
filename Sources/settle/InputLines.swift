import SettleCore

/// A loaded file's ledger line, as every ingest prints it: read = accepted + duplicates +
/// quarantined, and what was skipped and why (`skipped`: "not token usage" for a bill).
enum InputLines {
    static func tally(_ input: InputTally, label: String, skipped: String) -> String {
        var line = "\(input.path): \(label): read \(grouped(input.read)), accepted \(grouped(input.accepted)), "
            + "duplicates \(grouped(input.duplicates)), quarantined \(grouped(input.quarantined))"
        if input.skipped > 0 { line += ", skipped \(grouped(input.skipped)) \(skipped) (\(SkippedRows.describe(input.skippedBy)))" }
        return line
    }
}
