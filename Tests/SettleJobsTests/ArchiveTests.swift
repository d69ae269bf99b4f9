import Foundation
import Testing
import SettleCore
import SettleFormats
import SettleStore
import SettleTestSupport
@testable import SettleGenerate

/// `settle archive` and `--restore` (PRODUCT.md, "Archive") on both stores: a closed month's
/// events leave for a zstd file and come back exactly; everything summed from them stays and
/// reads the same; the request ids stay, so an archived event loaded again is a duplicate;
/// work that needs the events names the archive; a run killed at any moment leaves each event
/// in the store or in a complete recorded file, never both and never neither.
@Suite(.serialized) struct ArchiveTests {
    struct Site {
        let root: String
        let store: any SettleStore
        let url: String
        let holder: TempFolder
        let usage: String

        func settle(_ args: [String], at now: String = "2026-10-21T05:00:00Z", extra: [String: String] = [:]) throws -> SettleProcess.Result {
            try SettleProcess.run(["--config", "\(root)/settle.toml", "--database", url, "--out", "\(root)/out"] + args, in: root,
                                  environment: ["SETTLE_FAKE_NOW": now, "SETTLE_WEBHOOK_SECRET": ""].merging(extra) { _, b in b })
        }

        func septemberInStore() throws -> Int {
            Int(try StoreKind.scalarAny(url, "SELECT COUNT(*) FROM usage_events WHERE ts_us < \(UTCDay("2026-10-01")!.start.microseconds)") ?? "") ?? -1
        }

        /// Events as text lines, input_id left out (restored events have none).
        func events() throws -> [String] {
            try StateDump.dump(url: url, tables: ["usage_events_named"], excluding: ["caller_id", "model_id", "input_id"])
        }

        /// What the month's events were summed into, and the issued documents.
        func summed() throws -> [String] {
            try StateDump.dump(url: url, tables: ["usage_daily", "usage_daily_days", "usage_latency_daily", "usage_summaries", "usage_trials",
                                                  "period_totals", "invoices", "reconciliation_cells"],
                               excluding: ["run_id", "id", "input_id", "caller_id", "model_id", "computed_at", "alerts_due"])
        }
    }

    /// September and ten days of October; every period holding a September day closed (those
    /// that start in August and in September, issued on October 20th, when all have ended).
    static func site(_ kind: StoreKind) throws -> (Site, septemberEvents: Int) {
        let dir = TempFolder("settle-archive")
        let root = (dir.path as NSString).standardizingPath
        var data = SyntheticData()
        data.customers = 8
        data.start = UTCDay("2026-09-01")!
        data.days = 40
        data.eventsPerDay = 120
        data.badRowsPerFile = 0
        data.duplicateRate = 0
        data.overlap = 0
        _ = try data.write(to: root)
        // The generator leaves one model unpriced (its customers' invoices would be held); price it.
        let prices = try String(contentsOfFile: "\(root)/prices.csv", encoding: .utf8)
            + "mistral,codestral-2508,input,,0.30,1M,2026-01-01,\nmistral,codestral-2508,output,,0.90,1M,2026-01-01,\n"
        try prices.write(toFile: "\(root)/prices.csv", atomically: false, encoding: .utf8)
        let (store, url) = try kind.makeStore(in: dir)
        let site = Site(root: root, store: store, url: url, holder: dir, usage: "\(root)/usage")
        let ingest = try site.settle(["ingest", "usage", site.usage])
        #expect(ingest.status == 0, "\(ingest.stderr)")
        let aggregate = try site.settle(["aggregate", "--from", "2026-09-01", "--to", "2026-10-10"])
        #expect(aggregate.status == 0 || aggregate.status == 3, "\(aggregate.stderr)")
        for period in ["2026-08", "2026-09"] {
            let close = try site.settle(["close", "--period", period, "--issue-date", "2026-10-20"], at: "2026-10-20T06:00:00Z")
            #expect(close.status == 0 || close.status == 3, "\(close.stderr)")
        }
        let september = try site.septemberInStore()
        #expect(september == 30 * 120)
        return (site, september)
    }

    @Test(arguments: StoreKind.all)
    func aClosedMonthLeavesForItsArchiveAndComesBackExactly(kind: StoreKind) throws {
        let (site, september) = try Self.site(kind)
        let total = try site.store.eventCount()
        let eventsBefore = try site.events()
        let summedBefore = try site.summed()
        let reportBefore = try site.settle(["report", "--period", "2026-09"])
        #expect(reportBefore.status == 0 || reportBefore.status == 3, "\(reportBefore.stderr)")
        let csvBefore = try String(contentsOfFile: "\(site.root)/out/reports/2026-09/usage-summary.csv", encoding: .utf8)

        // keep_months 13 keeps everything in October 2026; --before names the first month kept.
        let nothing = try site.settle(["archive"])
        #expect(nothing.status == 0, "\(nothing.stderr)")
        #expect(nothing.stdout.contains("nothing to archive"))
        let archived = try site.settle(["archive", "--before", "2026-10"])
        #expect(archived.status == 0, "\(archived.stderr)")
        let file = "\(site.root)/archive/usage-2026-09.jsonl.zst"
        #expect(archived.stdout.contains("2026-09: \(september) events archived to \(file)"), "\(archived.stdout)")
        #expect(try site.septemberInStore() == 0)
        #expect(try site.store.eventCount() == total - september)
        let record = try #require(try site.store.archive.record(PeriodMonth("2026-09")!))
        #expect(record.events == Int64(september))
        #expect(record.path == file)
        // The file is what the record says: its SHA-256, its size, its lines.
        var lines = 0
        let read = try ZstdLineReader.forEachLine(path: file) { _, _ in lines += 1 }
        #expect(read.sha256 == record.sha256)
        #expect(read.bytes == record.bytes)
        #expect(lines == september)
        if kind == .postgres {
            #expect(try StoreKind.scalar(site.url, "SELECT to_regclass('usage_events_2026_09') IS NULL") == "t")
        }

        // Everything summed from the events stays, and reads the same.
        #expect(try site.summed() == summedBefore)
        let result = try site.settle(["report", "--period", "2026-09"])
        #expect(result.status == reportBefore.status, "\(result.stderr)")
        #expect(try String(contentsOfFile: "\(site.root)/out/reports/2026-09/usage-summary.csv", encoding: .utf8) == csvBefore)
        let adjust = try site.settle(["invoice", "--period", "2026-09", "--adjust"])
        #expect(adjust.status == 0 || adjust.status == 3, "\(adjust.stderr)")
        #expect(try site.summed() == summedBefore, "nothing to adjust: the daily rows are unchanged")
        let rerun = try site.settle(["rerun", "--from", "2026-09-10", "--to", "2026-09-12"])
        #expect(rerun.status == 0 || rerun.status == 3, "\(rerun.stderr)")

        // An archived event arriving again is a duplicate.
        let again = try site.settle(["ingest", "usage", "\(site.usage)/2026-09-14.jsonl"])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.contains("read 120, accepted 0, duplicates 120, quarantined 0"), "\(again.stdout)")
        #expect(try site.septemberInStore() == 0)
        if kind == .postgres {
            // The load made September's partition again for nothing; the next archive run drops it.
            #expect(try StoreKind.scalar(site.url, "SELECT to_regclass('usage_events_2026_09') IS NOT NULL") == "t")
            let tidy = try site.settle(["archive", "--before", "2026-10"])
            #expect(tidy.status == 0, "\(tidy.stderr)")
            #expect(try StoreKind.scalar(site.url, "SELECT to_regclass('usage_events_2026_09') IS NULL") == "t")
        }

        // Work that needs the events themselves names the archive.
        let rebuild = try site.settle(["rerun", "--from", "2026-09-10", "--to", "2026-09-10", "--rebuild"])
        #expect(rebuild.status == 1)
        #expect(rebuild.stderr.contains("archived in \(file); put them back with `settle archive --restore 2026-09`"), "\(rebuild.stderr)")

        // A file that changed since is refused, and nothing comes back.
        let original = try Data(contentsOf: URL(fileURLWithPath: file))
        var changed = original
        changed[changed.count / 2] ^= 0x01
        try changed.write(to: URL(fileURLWithPath: file))
        let refused = try site.settle(["archive", "--restore", "2026-09"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains(file), "\(refused.stderr)")
        #expect(try site.septemberInStore() == 0)
        #expect(try site.store.archive.record(PeriodMonth("2026-09")!) != nil)
        try original.write(to: URL(fileURLWithPath: file))

        let restored = try site.settle(["archive", "--restore", "2026-09"])
        #expect(restored.status == 0, "\(restored.stderr)")
        #expect(restored.stdout.contains("restored \(september) events of 2026-09 from \(file)"))
        #expect(try site.events() == eventsBefore)
        #expect(try site.store.archive.records().isEmpty)
        #expect(!FileSystem.exists(file))
        #expect(try site.summed() == summedBefore)
        // Restored events are still in the set of ids.
        let thrice = try site.settle(["ingest", "usage", "\(site.usage)/2026-09-14.jsonl"])
        #expect(thrice.stdout.contains("accepted 0, duplicates 120"), "\(thrice.stdout)")
        let rebuilt = try site.settle(["rerun", "--from", "2026-09-10", "--to", "2026-09-10", "--rebuild"])
        #expect(rebuilt.status == 0 || rebuilt.status == 3, "\(rebuilt.stderr)")
    }

    /// A late event for an archived month is stored and added to the month's daily rows; the
    /// next archive run writes the month's file again with the old file's events and the new
    /// one, and a restore brings back both.
    @Test(arguments: StoreKind.all)
    func aLateEventForAnArchivedMonthJoinsItsArchive(kind: StoreKind) throws {
        let (site, september) = try Self.site(kind)
        let first = try site.settle(["archive", "--before", "2026-10"])
        #expect(first.status == 0, "\(first.stderr)")
        let file = "\(site.root)/archive/usage-2026-09.jsonl.zst"
        let before = try #require(try site.store.archive.record(PeriodMonth("2026-09")!))
        let eventsOfDay = try site.store.periods.dailyRows(from: UTCDay("2026-09-15")!, to: UTCDay("2026-09-15")!).reduce(0) { $0 + $1.events }

        let late = site.holder.write("late.jsonl", UsageLines.file([
            UsageLines.json("late-1", customer: "cus_0001", ts: "2026-09-15T10:00:00Z", provider: "openai", model: "gpt-4o-mini"),
        ]))
        let ingest = try site.settle(["ingest", "usage", late])
        #expect(ingest.status == 0, "\(ingest.stderr)")
        #expect(ingest.stdout.contains("read 1, accepted 1, duplicates 0"), "\(ingest.stdout)")
        #expect(try site.septemberInStore() == 1)
        let aggregate = try site.settle(["aggregate", "--from", "2026-09-15", "--to", "2026-09-15"])
        #expect(aggregate.status == 0 || aggregate.status == 3, "\(aggregate.stderr)")
        #expect(try site.store.periods.dailyRows(from: UTCDay("2026-09-15")!, to: UTCDay("2026-09-15")!).reduce(0) { $0 + $1.events }
                == eventsOfDay + 1)

        let again = try site.settle(["archive", "--before", "2026-10"])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.contains("2026-09: \(september + 1) events archived to \(file)"), "\(again.stdout)")
        let record = try #require(try site.store.archive.record(PeriodMonth("2026-09")!))
        #expect(record.events == before.events + 1)
        #expect(record.sha256 != before.sha256)
        #expect(try site.septemberInStore() == 0)
        #expect(!FileSystem.exists(file + ".new"))

        let restored = try site.settle(["archive", "--restore", "2026-09"])
        #expect(restored.status == 0, "\(restored.stderr)")
        #expect(try site.septemberInStore() == september + 1)
    }

    /// A month with a billing period still open stays in the store, and the run says which.
    @Test(arguments: StoreKind.all)
    func aMonthWithAPeriodNotIssuedStays(kind: StoreKind) throws {
        let (site, september) = try Self.site(kind)
        // This month is never archived: its events are still coming.
        let early = try site.settle(["archive", "--before", "2026-11"])
        #expect(early.status == 1)
        #expect(early.stderr.contains("--before 2026-11 would archive this month (2026-10)"), "\(early.stderr)")
        let run = try site.settle(["archive", "--before", "2026-11"], at: "2026-11-21T05:00:00Z")
        #expect(run.status == 3)
        #expect(run.stderr.contains("2026-10 kept in the store: "), "\(run.stderr)")
        #expect(run.stderr.contains("billing period(s) with usage in it not issued yet (cus_0001 from 2026-10-"), "\(run.stderr)")
        #expect(try site.store.archive.record(PeriodMonth("2026-10")!) == nil)
        // Daily rows that no longer count every event of a day keep the month too: once
        // archived, its figures would come from them alone.
        let restored = try site.settle(["archive", "--restore", "2026-09"])
        #expect(restored.status == 0, "\(restored.stderr)")
        try StoreKind.tamper(site.url, "DELETE FROM usage_daily WHERE day = '2026-09-14' AND customer_id = 'cus_0001'")
        let stale = try site.settle(["archive", "--before", "2026-10"])
        #expect(stale.status == 3)
        #expect(stale.stderr.contains("2026-09 kept in the store: the daily rows of 1 day(s) (2026-09-14) do not count all their events"),
                "\(stale.stderr)")
        #expect(stale.stderr.contains("run settle aggregate --from 2026-09-14 --to 2026-09-14 --rebuild, then archive again"))
        #expect(try site.septemberInStore() == september)
        #expect(!FileSystem.exists("\(site.root)/archive/usage-2026-09.jsonl.zst.new"))
        let rebuilt = try site.settle(["aggregate", "--from", "2026-09-14", "--to", "2026-09-14", "--rebuild"])
        #expect(rebuilt.status == 0 || rebuilt.status == 3, "\(rebuilt.stderr)")
        let now = try site.settle(["archive", "--before", "2026-10"])
        #expect(now.status == 0, "\(now.stderr)")
        #expect(run.stdout.contains("2026-09: \(september) events archived"))
    }

    /// Killed at the two named moments and at random ones, an archive run leaves every
    /// September event in the store or in the recorded file, never both; the next run finishes,
    /// and a restore gives back every event.
    @Test(arguments: StoreKind.all)
    func anArchiveKilledAtAnyMomentLosesNothingAndCountsNothingTwice(kind: StoreKind) throws {
        let (site, september) = try Self.site(kind)
        let eventsBefore = try site.events()
        let file = "\(site.root)/archive/usage-2026-09.jsonl.zst"
        func check(_ when: String) throws {
            let inStore = try site.septemberInStore()
            let record = try site.store.archive.record(PeriodMonth("2026-09")!)
            if let record {
                #expect(inStore == 0, "\(when): archived and still in the store")
                #expect(record.events == Int64(september), "\(when)")
                // The recorded file is complete: in place, or waiting under .new for the next run.
                let inPlace = try? ZstdLineReader.forEachLine(path: file) { _, _ in }
                let waiting = try? ZstdLineReader.forEachLine(path: file + ".new") { _, _ in }
                #expect(inPlace?.sha256 == record.sha256 || waiting?.sha256 == record.sha256, "\(when): the recorded file is not there")
            } else {
                #expect(inStore == september, "\(when): not recorded and not in the store")
            }
        }
        for point in ["archive:written", "archive:committed"] {
            let killed = try site.settle(["archive", "--before", "2026-10"], extra: ["SETTLE_CRASH_AT": point])
            #expect(killed.status == 9, "\(point): \(killed.stderr)")
            if kind == .postgres { try CrashAndLockTests.waitForLockRelease(site.store) }
            try check(point)
            let finish = try site.settle(["archive", "--before", "2026-10"])
            #expect(finish.status == 0, "\(finish.stderr)")
            try check("after \(point)")
            #expect(FileSystem.exists(file) && !FileSystem.exists(file + ".new"))
            let back = try site.settle(["archive", "--restore", "2026-09"])
            #expect(back.status == 0, "\(back.stderr)")
            #expect(try site.events() == eventsBefore)
        }
        for round in 0..<6 {
            let p = try SettleProcess(["--config", "\(site.root)/settle.toml", "--database", site.url, "--out", "\(site.root)/out",
                                       "archive", "--before", "2026-10"], in: site.root, environment: ["SETTLE_FAKE_NOW": "2026-10-21T05:00:00Z"])
            usleep(UInt32(20_000 + round * 60_000))
            p.kill9()
            if kind == .postgres { try CrashAndLockTests.waitForLockRelease(site.store) }
            try check("random kill \(round)")
            if round % 2 == 1 {
                let back = try site.settle(["archive", "--restore", "2026-09"])
                #expect(back.status == 0 || back.status == 1, "\(back.stderr)")
                try check("restore after kill \(round)")
            }
        }
        let finish = try site.settle(["archive", "--before", "2026-10"])
        #expect(finish.status == 0, "\(finish.stderr)")
        let back = try site.settle(["archive", "--restore", "2026-09"])
        #expect(back.status == 0, "\(back.stderr)")
        #expect(try site.events() == eventsBefore)
    }
}
