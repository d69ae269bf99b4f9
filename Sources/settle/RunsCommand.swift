import ArgumentParser
import SettleCore
import SettleJobs
import SettleStore

struct RunsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs",
        abstract: "List the job-run history, newest first.",
        discussion: """
        Example:
          settle runs --last 5
        """
    )

    @OptionGroup(title: "Global options") var global: GlobalOptions

    @Option(help: "How many runs to show.")
    var last = 20

    func run() throws {
        let console = global.console
        try withExitStatus(console) {
            let env = try global.environment()
            let store = try env.openStore()
            // A run left `running` by a killed process: if the lock is free, nobody is running,
            // so say so now rather than at the next writing job. If it is held, leave it be.
            if let lock = try? store.acquireLock(job: "runs", runID: "runs") {
                try JobRun.markInterruptedRuns(store: store, env: env)
                lock.release()
            }
            let runs = try store.runs(last: last)
            if runs.isEmpty { console.say("no runs yet"); return .ok }
            console.say(pad("run_id", 42) + pad("job", 16) + pad("status", 25) + pad("exit", 5) + pad("seconds", 9) + "inputs (read/accepted/duplicates/quarantined)")
            for r in runs {
                let seconds = r.finishedAt.map { String(format2(Double($0.microseconds - r.startedAt.microseconds) / 1e6)) } ?? "-"
                let read = r.inputs.reduce(0) { $0 + $1.read }, acc = r.inputs.reduce(0) { $0 + $1.accepted }
                let dup = r.inputs.reduce(0) { $0 + $1.duplicates }, q = r.inputs.reduce(0) { $0 + $1.quarantined }
                let skipped = r.inputs.reduce(0) { $0 + $1.skipped }
                var inputs = r.inputs.isEmpty ? "" : "\(r.inputs.count) files: \(grouped(read))/\(grouped(acc))/\(grouped(dup))/\(grouped(q))"
                if skipped > 0 {
                    var byService: [String: Int] = [:]
                    for i in r.inputs { byService.merge(i.skippedBy) { $0 + $1 } }
                    // A bill's skipped rows are other services; a payment file's, debits and failed charges.
                    let why = r.job == "ingest-payments" ? "not payments received" : "not token usage"
                    inputs += " (+\(grouped(skipped)) skipped, \(why): \(SkippedRows.describe(byService, limit: 3)))"
                }
                console.say(pad(r.runID, 42) + pad(r.job, 16) + pad(r.status.rawValue, 25) + pad(r.exitCode.map { String($0) } ?? "-", 5)
                    + pad(seconds, 9) + inputs)
            }
            return .ok
        }
    }

    private func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s + " " : s + String(repeating: " ", count: n - s.count) }
    private func format2(_ d: Double) -> String {
        let cents = Int((d * 100).rounded())
        return "\(cents / 100).\(cents % 100 < 10 ? "0" : "")\(cents % 100)"
    }
}
