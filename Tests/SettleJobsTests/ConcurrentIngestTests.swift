import Foundation
import Testing
import SettleCore
import SettleFormats
import SettleStore
import SettleTestSupport
@testable import SettleGenerate

/// Several `settle ingest usage` processes on one PostgreSQL at once, as several machines
/// would run them: shards of a night whose request ids overlap, loaded side by side, racing
/// over the same ids in opposite orders, some killed mid-file and loaded again. Every round
/// must end with each event stored once, every input's ledger balanced, and the daily rows
/// and period summaries those of one process loading the same files one after another.
@Suite(.serialized) struct ConcurrentIngestTests {
    final class Night: @unchecked Sendable {
        let dir = TempFolder("settle-concurrent")
        let root: String
        /// Every distinct event of the night, as lines.
        let lines: [String]
        let shards: [String]

        init() throws {
            root = (dir.path as NSString).standardizingPath
            var data = SyntheticData()
            data.customers = 15
            data.start = UTCDay("2026-10-07")!
            data.days = 2
            data.eventsPerDay = 6_000
            data.badRowsPerFile = 0
            data.overlap = 0
            data.duplicateRate = 0
            _ = try data.write(to: root)
            var all: [String] = []
            for path in try FileSystem.files(under: "\(root)/usage").sorted() {
                all += try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
            }
            lines = all
            let n = all.count, third = n / 3
            // A: the first half and a slice of the second; B: the second half and a slice of the
            // first, reversed, so A and B want the same ids in opposite orders; C: a third of
            // everything again, and one line that is not JSON.
            let a = Array(all[0..<(n / 2 + 1_500)])
            let b = Array((Array(all[(n / 2)..<n]) + Array(all[(n / 2 - 1_500)..<(n / 2)])).reversed())
            let c = Array(all[third..<(2 * third)]) + ["{\"request_id\": \"broken"]
            let folder = dir
            shards = [("a.jsonl", a), ("b.jsonl", b), ("c.jsonl", c)].map { name, rows in
                folder.write("shards/\(name)", rows.joined(separator: "\n") + "\n")
            }
        }

        func settle(_ url: String, _ args: [String]) throws -> SettleProcess {
            try SettleProcess(["--config", "\(root)/settle.toml", "--database", url, "--out", "\(root)/out-\(abs(url.hashValue))"] + args,
                              in: root, environment: ["SETTLE_FAKE_NOW": "2026-10-09T03:00:00Z"])
        }

        /// What is compared: daily rows, the days marked current, period summaries.
        func state(_ url: String) throws -> [String] {
            try StateDump.dump(url: url, tables: ["usage_daily", "usage_latency_daily", "usage_summaries", "period_totals"],
                               excluding: ["run_id", "id", "input_id", "caller_id", "model_id", "computed_at"])
        }
    }

    static let night = Result { try Night() }

    /// One process loading the shards in turn, then aggregate: the expected state.
    static let expected = Result { () throws -> [String] in
        let night = try Self.night.get()
        let (_, url) = try StoreKind.postgres.makeStore(in: TempFolder("settle-store"))
        for shard in night.shards { _ = try night.settle(url, ["ingest", "usage", shard]).finish() }
        let aggregate = try night.settle(url, ["aggregate", "--from", "2026-10-07", "--to", "2026-10-08"]).finish()
        guard aggregate.status == 0 || aggregate.status == 3 else { throw TestSetupError("aggregate failed: \(aggregate.stderr)") }
        return try night.state(url)
    }

    @Test(arguments: [(round: 1, kill: false), (2, false), (3, false), (4, true), (5, true), (6, true)])
    func shardsLoadedSideBySideStoreEveryEventOnceAndAddUp(round: Int, kill: Bool) throws {
        try #require(StoreKind.all.contains(.postgres), "needs the test PostgreSQL")
        let night = try Self.night.get()
        let expected = try Self.expected.get()
        // Odd rounds start on a database with no schema yet: the workers race to migrate it.
        let (store, url) = try round % 2 == 1 ? StoreKind.postgres.makeEmptyDatabase(in: TempFolder("settle-store"))
            : StoreKind.postgres.makeStore(in: TempFolder("settle-store"))
        let running = try night.shards.map { try night.settle(url, ["ingest", "usage", $0]) }
        var killed: [String] = []
        if kill {
            // One of them dies somewhere in its file (or before it, or after its commit).
            let victim = round % running.count
            usleep(UInt32.random(in: 50_000...900_000))
            running[victim].kill9()
            killed.append(night.shards[victim])
        }
        for (i, p) in running.enumerated() {
            let r = p.finish()
            if r.stderr.contains("loading the file again") { print("round \(round), shard \(i): \(r.stderr)") }
            if kill && i == round % running.count { continue }
            #expect(r.status == 0 || r.status == 3, "round \(round), shard \(i): \(r.stderr)")
        }
        for shard in killed {
            let again = try night.settle(url, ["ingest", "usage", shard]).finish()
            #expect(again.status == 0 || again.status == 3, "\(again.stderr)")
        }
        #expect(try store.eventCount() == night.lines.count, "round \(round)")
        #expect(try StoreKind.scalar(url, "SELECT COUNT(*) FROM request_ids") == "\(night.lines.count)")
        // Every input that committed balances, and together they accepted each event once.
        let inputs = try store.runs(last: 20).flatMap(\.inputs)
        #expect(inputs.allSatisfy { $0.read == $0.accepted + $0.duplicates + $0.quarantined }, "round \(round)")
        #expect(inputs.reduce(0) { $0 + $1.accepted } == night.lines.count, "round \(round)")
        // The broken line is quarantined once in the store (a shard killed after its commit and
        // loaded again reads it again, and says so in its own tally).
        #expect(try store.quarantineCount() == 1)
        // Days the loads left current hold exactly their events' sums; the rest are left to
        // aggregate, after which everything is as one process would have left it.
        let periods = store.periods
        let current = try periods.rolledUpDays(from: UTCDay("2026-10-07")!, to: UTCDay("2026-10-08")!)
        let expectedDaily = expected.filter { $0.hasPrefix("usage_daily: ") }
        for day in current {
            #expect(try night.state(url).filter { $0.hasPrefix("usage_daily: \(day)|") } == expectedDaily.filter { $0.hasPrefix("usage_daily: \(day)|") },
                    "round \(round): \(day)")
        }
        let aggregate = try night.settle(url, ["aggregate", "--from", "2026-10-07", "--to", "2026-10-08"]).finish()
        #expect(aggregate.status == 0 || aggregate.status == 3, "\(aggregate.stderr)")
        #expect(try night.state(url) == expected, "round \(round)")
    }
}
