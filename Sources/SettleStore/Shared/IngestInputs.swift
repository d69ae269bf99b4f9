import SettleCore

/// The input ledger's rows (`ingest_inputs`), as provider bills and payment files write them:
/// a row opened when a file's load begins (inside its transaction), its quarantined records,
/// and its tally once read. The same SQL on both stores.
enum IngestInputs {
    /// Opens the row of a file being loaded; returns its id.
    static func begin(_ sql: any SQLExecutor, runID: String, path: String, format: String, kind: String) throws -> Int64 {
        let returned = StoredColumns("ingest_inputs", ["id"])
        let values = try sql.fetch("INSERT INTO ingest_inputs(run_id, path, format, kind) VALUES (?, ?, ?, ?) RETURNING \(returned.list)",
                                   [.text(runID), .text(path), .text(format), .text(kind)])[0]
        var row = returned.reader(values)
        return try row.int()
    }

    /// Keeps a file's quarantined records (once per file content and line).
    static func quarantine(_ records: [QuarantinedRowRecord], sha256: String, inputID: Int64, _ sql: any SQLExecutor) throws {
        for r in records {
            try sql.perform("""
                INSERT INTO quarantine(sha256, line, source, reason, raw, input_id) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (sha256, line) DO NOTHING
                """, [.text(sha256), .int(Int64(r.line)), .text(r.source), .text(r.reason), .text(r.raw), .int(inputID)])
        }
    }

    /// A file's tally: read = accepted + duplicates + quarantined (+ skipped, by why).
    struct Tally {
        var sha256: String
        var bytes: Int64
        var read: Int
        var accepted: Int
        var duplicates: Int
        var quarantined: Int
        var skipped: Int
        var skippedBy: [String: Int]
    }

    static func finish(_ inputID: Int64, _ t: Tally, _ sql: any SQLExecutor) throws {
        try sql.perform("""
            UPDATE ingest_inputs SET sha256 = ?, bytes = ?, read = ?, accepted = ?, duplicates = ?, quarantined = ?, skipped = ?,
                skipped_by = ?
            WHERE id = ?
            """, [.text(t.sha256), .int(t.bytes), .int(Int64(t.read)), .int(Int64(t.accepted)), .int(Int64(t.duplicates)),
                  .int(Int64(t.quarantined)), .int(Int64(t.skipped)), .text(SkippedRows.encode(t.skippedBy)), .int(inputID)])
    }
}
