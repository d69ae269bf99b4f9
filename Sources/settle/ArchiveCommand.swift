import ArgumentParser
import SettleCore
import SettleFormats
import SettleJobs
import SettleStore

struct ArchiveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "archive",
        abstract: "Move closed months' events out of the store into archive files, or one month back.",
        discussion: """
        Each calendar month older than [archive] keep_months (13: this month and the twelve before it stay) whose billing periods with usage are all issued, and whose daily rows count all its events at today's prices, goes to [archive] dir/usage-YYYY-MM.jsonl.zst: its events in the native JSON Lines format, compressed with zstd, the file's SHA-256 and counts recorded in the store. Then the events leave the store (PostgreSQL drops the month's partition; SQLite deletes them and runs VACUUM). Daily rows, summaries, reconciliation, invoices and the request ids stay: reports, invoices, --adjust and reruns work as before, and an archived event that arrives again is a duplicate. Work that needs the events themselves (rerun --rebuild over the month) stops and names the archive to restore.

        A month with a billing period not yet issued, or with daily rows to aggregate again, stays in the store (exit 3, saying which and what to run). A killed run leaves every event either in the store or in a complete, recorded file; running it again finishes the work.

        --restore YYYY-MM checks the file against its record (SHA-256 and count), puts its events back in one transaction and removes the file.

        Examples:
          settle archive
          settle archive --before 2026-01
          settle archive --restore 2025-09
        """
    )

    @OptionGroup(title: "Global options") var global: GlobalOptions

    @Option(help: "Archive the months before this one, YYYY-MM, instead of keeping [archive] keep_months.")
    var before: PeriodMonth?

    @Option(help: "Put this archived month's events back in the store, YYYY-MM.")
    var restore: PeriodMonth?

    func validate() throws {
        if before != nil && restore != nil { throw ValidationError("give --before or --restore, not both") }
    }

    func run() throws {
        let console = global.console
        try withExitStatus(console) {
            let env = try global.environment()
            let store = try env.openStore()
            if let month = restore {
                let result = try RestoreEvents(month: month).execute(store: store, env: env)
                console.say("restored \(result.restored) events of \(month) from \(result.path)")
                return .ok
            }
            let result = try ArchiveEvents(before: before).execute(store: store, env: env)
            for r in result.archived {
                console.say("\(r.month): \(r.events) events archived to \(r.path) (\(r.bytes) bytes, sha256 \(r.sha256.prefix(16))…)")
            }
            if result.archived.isEmpty && result.kept.isEmpty {
                console.say("nothing to archive: no events before \(result.firstKept) are left in the store")
            }
            if let findings = result.findings { console.warn(findings) }
            return result.status
        }
    }
}
