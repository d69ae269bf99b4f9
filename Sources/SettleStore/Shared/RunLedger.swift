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

    static func status(_ r: [String?]) throws -> RunStatus {
        guard let s = RunStatus(rawValue: r.text(4)) else { throw StoreError.unreadable("runs.status", r[4]) }
        return s
    }

    /// The newest runs first, each with its inputs in the order they were taken in.
    func runs(last: Int) throws -> [RunRecord] {
        var out: [RunRecord] = []
        for r in try sql.fetch("""
            SELECT run_id, job, started_at, finished_at, status, exit_code, parameters, outputs, message
            FROM runs ORDER BY started_at DESC, run_id DESC LIMIT ?
            """, [.int(Int64(last))]) {
            var run = RunRecord(
                runID: try r.required(0, "runs.run_id"), job: try r.required(1, "runs.job"), startedAt: try r.time(2, "runs.started_at"),
                finishedAt: try r.optionalTime(3, "runs.finished_at"), status: try Self.status(r),
                exitCode: r[5].flatMap { Int32($0) }, parameters: RunParameters.decode(r.text(6)),
                outputs: r.text(7).split(separator: "\n").map(String.init), message: r[8])
            run.inputs = try sql.fetch("""
                SELECT path, sha256, format, bytes, read, accepted, duplicates, quarantined, skipped, skipped_by
                FROM ingest_inputs WHERE run_id = ? AND sha256 IS NOT NULL ORDER BY id
                """, [.text(run.runID)]).map { i in
                InputTally(path: try i.required(0, "ingest_inputs.path"), sha256: i.text(1), format: try i.required(2, "ingest_inputs.format"),
                           bytes: i.int(3), read: Int(i.int(4)), accepted: Int(i.int(5)), duplicates: Int(i.int(6)),
                           quarantined: Int(i.int(7)), skipped: Int(i.int(8)), skippedBy: SkippedRows.decode(i.text(9)))
            }
            out.append(run)
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
