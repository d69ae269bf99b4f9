import SettleCore

/// A Prometheus textfile (node_exporter's textfile collector) with the last run of each job:
/// when it finished, how long it took, rows read, findings and exit code.
///
/// One file serves every job: a run replaces its own job's lines and keeps the others', and
/// the file is renamed into place, so the collector never reads half a file.
public struct MetricsFile {
    public struct LastRun: Sendable {
        public var job: String
        public var finishedAt: Timestamp
        /// Wall time, in milliseconds.
        public var durationMilliseconds: Int64
        public var rows: Int64
        public var findings: Int64
        public var exitCode: Int32

        public init(job: String, finishedAt: Timestamp, durationMilliseconds: Int64, rows: Int64, findings: Int64, exitCode: Int32) {
            self.job = job
            self.finishedAt = finishedAt
            self.durationMilliseconds = durationMilliseconds
            self.rows = rows
            self.findings = findings
            self.exitCode = exitCode
        }
    }

    static let metrics: [(name: String, help: String)] = [
        ("settle_last_run_timestamp_seconds", "Unix time the job's last run finished."),
        ("settle_last_run_duration_seconds", "Wall time of the job's last run."),
        ("settle_last_run_rows", "Input rows the job's last run read."),
        ("settle_last_run_findings", "Findings of the job's last run that a human should read."),
        ("settle_last_run_exit_code", "Exit status of the job's last run (0 ok, 3 findings, 75 locked, other: failed)."),
    ]

    public var path: String

    public init(path: String) { self.path = path }

    /// Writes `run` over its job's previous lines.
    public func record(_ run: LastRun) throws {
        var samples: [String: [String: String]] = [:]   // metric -> job -> value
        if FileSystem.exists(path), let text = try? FileSystem.readText(path) {
            for line in text.split(separator: "\n") where !line.hasPrefix("#") {
                guard let brace = line.firstIndex(of: "{"), let close = line.firstIndex(of: "}"),
                      let q1 = line[brace...].firstIndex(of: "\""), let q2 = line[line.index(after: q1)...].firstIndex(of: "\"") else { continue }
                let name = String(line[..<brace])
                let job = String(line[line.index(after: q1)..<q2])
                samples[name, default: [:]][job] = String(line[line.index(after: close)...].drop { $0 == " " })
            }
        }
        let seconds = ExactDecimal(run.durationMilliseconds).divided(by: 1000, places: 3)
        let values: [String] = [String(run.finishedAt.microseconds / 1_000_000), seconds.description, String(run.rows),
                                String(run.findings), String(run.exitCode)]
        for (i, m) in Self.metrics.enumerated() { samples[m.name, default: [:]][run.job] = values[i] }
        var text = ""
        for m in Self.metrics {
            text += "# HELP \(m.name) \(m.help)\n# TYPE \(m.name) gauge\n"
            for job in (samples[m.name] ?? [:]).keys.sorted() {
                text += "\(m.name){job=\"\(job)\"} \(samples[m.name]![job]!)\n"
            }
        }
        try FileSystem.writeAtomically(text, to: path)
    }
}
