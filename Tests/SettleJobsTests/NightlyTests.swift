import Foundation
import Testing
import SettleCore
import SettleFormats
import SettleStore
import SettleTestSupport
@testable import SettleGenerate
@testable import SettleJobs

/// The scheduled jobs as cron runs them: a month of nightly runs against one rerun, nightly
/// killed at every step and run again, and two nightly runs at once.
@Suite(.serialized) struct NightlyTests {
    /// Generated gateway data for `days` days from `start`, with the providers' reports of each
    /// half in its own folder (`bills-1`, `late-1`, `bills-2`, `late-2`).
    final class Scenario: @unchecked Sendable {
        let dir = TempFolder("settle-nightly")
        let gen: String
        let start: UTCDay
        let days: Int
        /// Reports of days [0, split) and [split, days).
        let split: Int

        init(start: String = "2026-10-01", days: Int, split: Int, eventsPerDay: Int = 120, reports: Bool = true) throws {
            gen = "\(dir.path)/gen"
            self.start = UTCDay(start)!
            self.days = days
            self.split = split
            var data = SyntheticData()
            data.customers = 12
            data.start = self.start
            data.days = days
            data.eventsPerDay = eventsPerDay
            data.badRowsPerFile = 1
            _ = try data.write(to: gen)
            let usage = try FileSystem.files(under: "\(gen)/usage")
            for (half, range) in [(1, 0..<split), (2, split..<days)] where reports && !range.isEmpty {
                let sub = "\(gen)/usage-\(half)"
                try FileSystem.createDirectory(sub)
                for path in usage.sorted()[range] {
                    try FileManager.default.copyItem(atPath: path, toPath: "\(sub)/\((path as NSString).lastPathComponent)")
                }
                _ = try SyntheticBills(usageDir: sub, pricesPath: "\(gen)/prices.csv").write(billsDir: "\(gen)/bills-\(half)", lateDir: "\(gen)/late-\(half)")
            }
        }

        func day(_ i: Int) -> UTCDay { start.adding(days: i) }

        /// A site: settle.toml and the catalog beside an empty inbox, and a store of `kind`.
        func site(_ name: String, kind: StoreKind) throws -> Site {
            // As settle resolves it (the temp folder's path has a double slash).
            let root = ("\(dir.path)/\(name)" as NSString).standardizingPath
            for sub in ["inbox/usage", "inbox/bills"] { try FileSystem.createDirectory("\(root)/\(sub)") }
            for f in ["customers.csv", "prices.csv", "services.csv", "credits.csv"] {
                try FileManager.default.copyItem(atPath: "\(gen)/\(f)", toPath: "\(root)/\(f)")
            }
            let config = try String(contentsOfFile: "\(gen)/settle.toml", encoding: .utf8)
                .replacingOccurrences(of: #"usage = "usage""#, with: #"usage = "inbox/usage""#)
                .replacingOccurrences(of: #"bills = "bills""#, with: #"bills = "inbox/bills""#)
            try config.write(toFile: "\(root)/settle.toml", atomically: false, encoding: .utf8)
            let folder = TempFolder("settle-store")
            let (store, url) = try kind.makeStore(in: folder)
            return Site(root: root, store: store, url: url, holder: folder)
        }

        /// Drops into the inbox what arrives on the night of day `i`: that day's usage file, and
        /// the reports on the nights `arrivals` names.
        func deliver(night i: Int, to site: Site, arrivals: [Int: [String]]) throws {
            for path in try FileSystem.files(under: "\(gen)/usage") where (path as NSString).lastPathComponent.hasPrefix(day(i).description) {
                try FileManager.default.copyItem(atPath: path, toPath: "\(site.root)/inbox/usage/\((path as NSString).lastPathComponent)")
            }
            for folder in arrivals[i] ?? [] {
                for path in try FileSystem.files(under: "\(gen)/\(folder)") {
                    try FileManager.default.copyItem(atPath: path, toPath: "\(site.root)/inbox/bills/\(folder)-\((path as NSString).lastPathComponent)")
                }
            }
        }
    }

    struct Site {
        let root: String
        let store: any SettleStore
        let url: String
        let holder: TempFolder

        var base: [String] { ["--config", "\(root)/settle.toml", "--database", url, "--out", "\(root)/out"] }

        /// Runs settle at a fixed wall-clock time, with no webhook secret (deliveries stay pending).
        func settle(_ args: [String], at now: String, extra: [String: String] = [:]) throws -> SettleProcess.Result {
            try SettleProcess.run(base + args, in: root, environment: ["SETTLE_FAKE_NOW": now, "SETTLE_WEBHOOK_SECRET": ""].merging(extra) { _, b in b })
        }

        /// The state with this site's folder written as `SITE`, so that sites compare.
        func state(excluding: Set<String> = NightlyTests.processingColumns) throws -> [String] {
            try StateDump.dump(url: url, excluding: excluding).map { $0.replacingOccurrences(of: root, with: "SITE") }
        }

        /// Every output file but the operator's page (`site/index.html`), which lists the run
        /// history: a killed run stays in it as interrupted, by design. Every other page of the
        /// site is compared.
        var files: [String: Data] {
            StateDump.files(under: "\(root)/out").filter { $0.key != "site/index.html" }.mapValues { data in
                guard let text = String(data: data, encoding: .utf8), text.contains(root) else { return data }
                return Data(text.replacingOccurrences(of: root, with: "SITE").utf8)
            }
        }
    }

    /// Columns that name a run or a row id, not a result.
    static let processingColumns: Set<String> = ["run_id", "id", "input_id", "caller_id", "model_id", "computed_at"]

    static func morning(after day: UTCDay) -> String { "\(day.adding(days: 1))T03:00:00Z" }

    static func expectSameFiles(_ a: [String: Data], _ b: [String: Data], _ comment: String) {
        #expect(a.keys.sorted() == b.keys.sorted(), "\(comment): the same files")
        for (name, bytes) in a where b[name] != bytes {
            Issue.record("\(comment): \(name) differs\(name.hasSuffix("xlsx") ? "" : ": " + String(decoding: a[name]!, as: UTF8.self).prefix(300) + " vs " + String(decoding: b[name] ?? Data(), as: UTF8.self).prefix(300))")
        }
    }

    @Test(arguments: StoreKind.all)
    func aMonthOfNightlyRunsLeavesWhatOneRerunOfTheMonthLeaves(kind: StoreKind) throws {
        let s = try Scenario(days: 31, split: 15)
        // Reports arrive a day after their half ends; restatements a few days later.
        let arrivals = [15: ["bills-1"], 19: ["late-1"], 30: ["bills-2", "late-2"]]
        let a = try s.site("nightly", kind: kind)
        var statuses: [Int32] = []
        for i in 0..<s.days {
            try s.deliver(night: i, to: a, arrivals: arrivals)
            let r = try a.settle(["--quiet", "nightly", "--date", s.day(i).description], at: Self.morning(after: s.day(i)))
            #expect(r.status == 0 || r.status == 3, "night \(s.day(i)): \(r.stderr)")
            #expect(r.stdout.isEmpty, "--quiet prints nothing but findings: \(r.stdout)")
            statuses.append(r.status)
        }
        // Every night quarantines its planted bad row: findings, exit 3.
        #expect(statuses.allSatisfy { $0 == 3 })
        #expect(try a.store.eventCount() > 31 * 110)
        let reconciled = s.dir.files(in: "nightly/out/reconciliation")
        // A folder per day, and one for Google's month (its FOCUS export bills per month).
        #expect(reconciled.count == 32 && reconciled.first == "2026-10-01" && reconciled.last == "2026-10-31")
        #expect(reconciled.contains("2026-10-01_2026-10-31"))
        let cells = try a.store.reconciliation.reconciliationCells(from: s.day(0), to: s.day(30))
        #expect(Set(cells.map(\.day)).count == 31, "every day reconciled against its reports")
        #expect(try a.store.pending.days(.reconcile, through: s.day(30)).isEmpty)
        #expect(try a.store.pending.days(.aggregate, through: s.day(30)).isEmpty)

        let stateBefore = try a.state(), filesBefore = a.files
        let rerun = try a.settle(["rerun", "--from", "2026-10-01", "--to", "2026-10-31"], at: "2026-11-05T10:00:00Z")
        #expect(rerun.status == 3, "\(rerun.stderr)")
        #expect(rerun.stdout.contains("reconciled 31 days"))
        #expect(try a.state() == stateBefore, "the rerun changed the stored state")
        Self.expectSameFiles(filesBefore, a.files, "rerun after a month of nightly runs")

        // The same inputs taken in at once, then one rerun: the same results as night by night.
        let b = try s.site("at-once", kind: kind)
        _ = try b.settle(["--quiet", "ingest", "usage", "\(s.gen)/usage"], at: "2026-11-05T09:00:00Z")
        for folder in ["bills-1", "late-1", "bills-2", "late-2"] {
            let r = try b.settle(["--quiet", "ingest", "bills", "\(s.gen)/\(folder)"], at: "2026-11-05T09:00:00Z")
            #expect(r.status == 0, "\(r.stderr)")
        }
        let once = try b.settle(["rerun", "--from", "2026-10-01", "--to", "2026-10-31"], at: "2026-11-05T10:00:00Z")
        #expect(once.status == 3, "\(once.stderr)")
        let results = ["usage_events_named", "reconciliation_cells", "usage_daily", "usage_latency_daily", "usage_summaries", "usage_trials",
                       "period_totals", "period_calls", "pending_days"]
        let exclude = Self.processingColumns
        #expect(try StateDump.dump(url: b.url, tables: results, excluding: exclude) == StateDump.dump(url: a.url, tables: results, excluding: exclude))
        Self.expectSameFiles(StateDump.files(under: "\(a.root)/out/reconciliation"), StateDump.files(under: "\(b.root)/out/reconciliation"),
                             "reconciliation night by night and at once")
    }

    static let crashPoints = ["ingest-usage:committed", "nightly:ingested", "reconcile:stored", "reconcile:written", "nightly:reconciled",
                              "aggregate:rolled-up", "nightly:aggregated", "alerts:stored"]

    @Test(arguments: StoreKind.all)
    func nightlyKilledAtAnyStepThenRunAgainEndsAsAnUninterruptedRun(kind: StoreKind) throws {
        let s = try Scenario(start: "2026-10-25", days: 3, split: 3)
        // The third night brings its usage and every report: three days to reconcile at once.
        let arrivals = [2: ["bills-1", "late-1"]]
        func twoNights(_ site: Site) throws {
            for i in 0..<2 {
                try s.deliver(night: i, to: site, arrivals: arrivals)
                _ = try site.settle(["--quiet", "nightly", "--date", s.day(i).description], at: Self.morning(after: s.day(i)))
            }
            try s.deliver(night: 2, to: site, arrivals: arrivals)
        }
        let third = ["--quiet", "nightly", "--date", s.day(2).description]
        let at = Self.morning(after: s.day(2))

        let reference = try s.site("reference", kind: kind)
        try twoNights(reference)
        let done = try reference.settle(third, at: at)
        #expect(done.status == 3, "\(done.stderr)")
        let expectedState = try reference.state(), expectedFiles = reference.files
        #expect(expectedFiles.keys.contains("reconciliation/2026-10-27/reconciliation.xlsx"))
        #expect(expectedFiles.keys.contains("alerts/alerts.jsonl"))

        for point in Self.crashPoints {
            let site = try s.site("killed-\(point.replacingOccurrences(of: ":", with: "-"))", kind: kind)
            try twoNights(site)
            let killed = try site.settle(third, at: at, extra: ["SETTLE_CRASH_AT": point])
            #expect(killed.status == 9, "\(point): the run was killed (status \(killed.status), \(killed.stderr))")
            if kind == .postgres { try CrashAndLockTests.waitForLockRelease(site.store) }
            let again = try site.settle(third, at: at)
            #expect(again.status == 3, "\(point): \(again.stderr)")
            let got = try site.state()
            #expect(got == expectedState, "\(point): the stored state differs from an uninterrupted run: \(Array(Set(got).symmetricDifference(expectedState)).sorted().prefix(6))")
            Self.expectSameFiles(expectedFiles, site.files, "killed at \(point)")
            #expect(try site.store.runs(last: 5).contains { $0.job == "nightly" && $0.status == .interrupted })
        }
    }

    /// Not only at the named crash points: nightly and then close are killed (SIGKILL) at
    /// moments spread over how long an uninterrupted run takes, run again, and must leave the
    /// store and every output file (no temporary either) as the uninterrupted run did.
    @Test(arguments: StoreKind.all)
    func nightlyAndCloseKilledAtRandomMomentsEndAsUninterruptedRuns(kind: StoreKind) throws {
        let s = try Scenario(start: "2026-10-25", days: 3, split: 3)
        let arrivals = [2: ["bills-1", "late-1"]]
        func nights(_ site: Site, through last: Int) throws {
            for i in 0...last {
                try s.deliver(night: i, to: site, arrivals: arrivals)
                _ = try site.settle(["--quiet", "nightly", "--date", s.day(i).description], at: Self.morning(after: s.day(i)))
            }
        }
        let third = ["--quiet", "nightly", "--date", s.day(2).description], thirdAt = Self.morning(after: s.day(2))
        let close = ["--quiet", "close", "--period", "2026-10", "--issue-date", "2026-11-28"], closeAt = "2026-11-28T06:00:00Z"

        let reference = try s.site("reference", kind: kind)
        try nights(reference, through: 1)
        try s.deliver(night: 2, to: reference, arrivals: arrivals)
        var started = Date()
        #expect(try reference.settle(third, at: thirdAt).status == 3)
        let nightlySeconds = Date().timeIntervalSince(started)
        let nightlyState = try reference.state(), nightlyFiles = reference.files
        started = Date()
        let closeStatus = try reference.settle(close, at: closeAt).status
        #expect(closeStatus == 0 || closeStatus == 3)
        let closeSeconds = Date().timeIntervalSince(started)
        let closeState = try reference.state(), closeFiles = reference.files
        #expect(closeFiles.keys.contains { $0.hasPrefix("invoices/2026-10/INV-") })

        /// Waits until the job has taken the lock and opened its run record (or ended), so that
        /// the kill lands inside the run on any machine, fast or slow.
        func waitUntilRunning(_ site: Site, _ job: String, _ run: SettleProcess) {
            let deadline = Date().addingTimeInterval(60)
            while Date() < deadline, run.process.isRunning {
                if (try? site.store.runs(last: 1).first.map { $0.job == job && $0.status == .running }) == true { return }
                usleep(2_000)
            }
        }
        // Moments spread over the run, not round fractions, so that each lands somewhere else.
        var interrupted = 0
        for (n, fraction) in [0.11, 0.37, 0.62, 0.89].enumerated() {
            let site = try s.site("nightly-kill-\(n)", kind: kind)
            try nights(site, through: 1)
            try s.deliver(night: 2, to: site, arrivals: arrivals)
            let run = try SettleProcess(site.base + third, in: site.root, environment: ["SETTLE_FAKE_NOW": thirdAt, "SETTLE_WEBHOOK_SECRET": ""])
            waitUntilRunning(site, "nightly", run)
            usleep(useconds_t(nightlySeconds * fraction * 0.8 * 1_000_000))
            run.kill9()
            _ = run.finish()
            if kind == .postgres { try CrashAndLockTests.waitForLockRelease(site.store) }
            #expect(try site.settle(third, at: thirdAt).status == 3, "nightly killed at \(fraction)")
            #expect(try site.state() == nightlyState, "nightly killed at \(fraction): the stored state differs")
            Self.expectSameFiles(nightlyFiles, site.files, "nightly killed at \(fraction)")
            if try site.store.runs(last: 10).contains(where: { $0.job == "nightly" && $0.status == .interrupted }) { interrupted += 1 }
        }
        // Every kill came after the run opened its record; most land before it ends.
        #expect(interrupted >= 2, "only \(interrupted) of 4 kills interrupted a nightly run")
        var closesInterrupted = 0
        for (n, fraction) in [0.23, 0.71].enumerated() {
            let site = try s.site("close-kill-\(n)", kind: kind)
            try nights(site, through: 2)
            let run = try SettleProcess(site.base + close, in: site.root, environment: ["SETTLE_FAKE_NOW": closeAt, "SETTLE_WEBHOOK_SECRET": ""])
            waitUntilRunning(site, "close", run)
            usleep(useconds_t(closeSeconds * fraction * 0.8 * 1_000_000))
            run.kill9()
            _ = run.finish()
            if kind == .postgres { try CrashAndLockTests.waitForLockRelease(site.store) }
            #expect(try site.settle(close, at: closeAt).status == closeStatus, "close killed at \(fraction)")
            #expect(try site.state() == closeState, "close killed at \(fraction): the stored state differs")
            Self.expectSameFiles(closeFiles, site.files, "close killed at \(fraction)")
            if try site.store.runs(last: 10).contains(where: { $0.job == "close" && $0.status == .interrupted }) { closesInterrupted += 1 }
        }
        #expect(closesInterrupted >= 1, "no kill interrupted a close")
    }

    @Test(arguments: StoreKind.all)
    func aSecondNightlyWhileTheFirstRunsExits75AndTheFirstIsUnaffected(kind: StoreKind) throws {
        let s = try Scenario(start: "2026-10-25", days: 1, split: 1, eventsPerDay: 150_000, reports: false)
        let site = try s.site("busy", kind: kind)
        try s.deliver(night: 0, to: site, arrivals: [:])
        let first = try SettleProcess(site.base + ["--progress", "always", "nightly", "--date", "2026-10-25"], in: site.root,
                                      environment: ["SETTLE_WEBHOOK_SECRET": ""])
        let underWay = first.wait(forStderr: { $0.contains("rows/s") })
        try #require(underWay, "the first run ended before the second could start: \(first.stderrSoFar.suffix(300))")
        let second = try site.settle(["nightly", "--date", "2026-10-25"], at: "2026-10-26T03:00:00Z")
        #expect(second.status == 75)
        #expect(second.stderr.contains("job nightly"), "the message names the holder: \(second.stderr)")
        let result = first.finish()
        #expect(result.status == 3, "\(result.stderr.suffix(500))")   // the planted bad row is quarantined
        #expect(result.stdout.contains("1 usage files"))
        // Asked for on a pipe, progress comes as plain lines, with no terminal escape codes.
        #expect(result.stderr.contains("settle: ingest ") && !result.stderr.contains("\u{1B}"), "\(result.stderr.prefix(300))")
        let runs = try site.store.runs(last: 5)
        #expect(runs.count == 1 && runs[0].job == "nightly" && runs[0].status == .succeededWithFindings)
        #expect(runs[0].inputs.count == 1 && runs[0].inputs[0].balances && runs[0].inputs[0].accepted > 149_000)
        #expect(try site.store.eventCount() == runs[0].inputs[0].accepted)
    }
}
