import SettleCore

/// `runs/RUN_ID.json`: the run's parameters, counts, input checksums and outputs, in the field
/// names PRODUCT.md fixes. Secrets never reach it: callers pass redacted parameters.
public enum RunRecordFile {
    public static func json(_ r: RunRecord) -> JSONText {
        .object([
            ("run_id", .string(r.runID)),
            ("job", .string(r.job)),
            ("started_at", .string(r.startedAt.description)),
            ("finished_at", .optional(r.finishedAt?.description)),
            ("status", .string(r.status.rawValue)),
            ("exit_code", r.exitCode.map { .int(Int64($0)) } ?? .null),
            ("parameters", .object(r.parameters.keys.sorted().map { ($0, .string(r.parameters[$0]!)) })),
            ("inputs", .array(r.inputs.map { i in
                .object([
                    ("path", .string(i.path)), ("sha256", .string(i.sha256)), ("format", .string(i.format)),
                    ("bytes", .int(i.bytes)), ("read", .int(Int64(i.read))), ("accepted", .int(Int64(i.accepted))),
                    ("duplicates", .int(Int64(i.duplicates))), ("quarantined", .int(Int64(i.quarantined))),
                ] + (i.skipped > 0 ? [("skipped", .int(Int64(i.skipped))),
                      ("skipped_by_service", .object(i.skippedBy.sorted { $0.key < $1.key }.map { ($0.key, .int(Int64($0.value))) }))] : []))
            })),
            ("outputs", .array(r.outputs.map { .string($0) })),
            ("message", .optional(r.message)),
        ])
    }

    public static func write(_ r: RunRecord, outDir: String) throws -> String {
        let path = "\(outDir)/runs/\(r.runID).json"
        try FileSystem.writeAtomically(json(r).pretty(), to: path)
        return path
    }
}
