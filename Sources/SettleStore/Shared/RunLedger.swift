import SettleCore

/// The job-run history (`runs`, and each run's inputs from `ingest_inputs`): the same SQL on
/// both stores, so a run record reads back the same from either.
public final class RunLedger {
    let sql: any SQLExecutor

    init(_ sql: any SQLExecutor) { self.sql = sql }

    func recordStart(_ run: RunRecord) throws {
        _ = try sql.perform("INSERT INTO runs(run_id, job, started_at, status, parameters) VALUES (?, ?, ?, 'running', ?)",
                            [.text(run.runID), .text(run.job), .text(run.startedAt.description), .text(RunParameters.encode(run.parameters))])
    }

    func recordEnd(_ run: RunRecord) throws {
        _ = try sql.perform("UPDATE runs SET finished_at = ?, status = ?, exit_code = ?, outputs = ?, message = ? WHERE run_id = ?", [
            .optional(run.finishedAt?.description), .text(run.status.rawValue), .optional(run.exitCode.map(Int64.init)),
            .text(run.outputs.joined(separator: "\n")), .optional(run.message), .text(run.runID),
        ])
    }

    func markInterrupted(finishedAt: Timestamp) throws -> Int {
        try sql.perform("""
            UPDATE runs SET status = 'interrupted', finished_at = ?, message = 'the process ended before the run finished'
            WHERE status = 'running'
            """, [.text(finishedAt.description)])
    }

    static let runColumns = StoredColumns("runs", ["run_id", "job", "started_at", "finished_at", "status", "exit_code", "parameters",
                                                   "outputs", "message"])
    static let inputColumns = StoredColumns("ingest_inputs", ["path", "sha256", "format", "bytes", "read", "accepted", "duplicates",
                                                              "quarantined", "skipped", "skipped_by"])

    /// The newest runs first, each with its inputs in the order they were taken in.
    func runs(last: Int) throws -> [RunRecord] {
        var out = try sql.rows(Self.runColumns, "FROM runs ORDER BY started_at DESC, run_id DESC LIMIT ?", [.int(Int64(last))]) { row -> RunRecord in
            let runID = try row.text()
            let job = try row.text()
            let startedAt = try row.time()
            let finishedAt = try row.optionalTime()
            let status = try row.value(RunStatus.self)
            // A code that is no Int32 was never written: nil, as no code.
            let exitCode = try row.optionalInt().flatMap { Int32(exactly: $0) }
            let parameters = try row.text()
            let outputs = try row.text()
            let message = try row.optionalText()
            return RunRecord(runID: runID, job: job, startedAt: startedAt, finishedAt: finishedAt, status: status, exitCode: exitCode,
                             parameters: RunParameters.decode(parameters), outputs: outputs.split(separator: "\n").map(String.init),
                             message: message)
        }
        for i in out.indices {
            out[i].inputs = try sql.rows(Self.inputColumns, "FROM ingest_inputs WHERE run_id = ? AND sha256 IS NOT NULL ORDER BY id",
                                         [.text(out[i].runID)]) { row -> InputTally in
                let path = try row.text()
                let sha256 = try row.text()
                let format = try row.text()
                let bytes = try row.int()
                let read = try row.int()
                let accepted = try row.int()
                let duplicates = try row.int()
                let quarantined = try row.int()
                let skipped = try row.int()
                let skippedBy = try row.text()
                return InputTally(path: path, sha256: sha256, format: format, bytes: bytes, read: Int(read), accepted: Int(accepted),
                                  duplicates: Int(duplicates), quarantined: Int(quarantined), skipped: Int(skipped),
                                  skippedBy: SkippedRows.decode(skippedBy))
            }
        }
        return out
    }
}

/// Run parameters kept as `key=value` lines: readable in any SQL client.
enum RunParameters {
    static func encode(_ p: [String: String]) -> String {
        p.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.replacingNewlines())" }.joined(separator: "\n")
    }

    static func decode(_ s: String) -> [String: String] {
        var out: [String: String] = [:]
        for line in s.split(separator: "\n") {
            guard let eq = line.firstIndex(of: "=") else { continue }
            out[String(line[..<eq])] = String(line[line.index(after: eq)...])
        }
        return out
    }
}

extension String {
    func replacingNewlines() -> String { String(map { $0 == "\n" ? " " : $0 }) }
}

extension SettleStore {
    public func recordRunStart(_ run: RunRecord) throws { try runLedger.recordStart(run) }
    public func recordRunEnd(_ run: RunRecord) throws { try runLedger.recordEnd(run) }
    @discardableResult
    public func markInterruptedRuns(finishedAt: Timestamp) throws -> Int { try runLedger.markInterrupted(finishedAt: finishedAt) }
    public func runs(last: Int) throws -> [RunRecord] { try runLedger.runs(last: last) }
}
