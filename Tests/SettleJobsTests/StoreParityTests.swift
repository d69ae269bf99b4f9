import Foundation
import Testing
import SettleCore
import SettleStore
import SettleTestSupport
@testable import SettleJobs

/// The same input gives the same stored facts on both stores.
@Suite struct StoreParityTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("fixtures/usage").path

    @Test(.enabled(if: StoreKind.all.contains(.postgres), "needs the PostgreSQL test server (scripts/test)"))
    func theFixtureWeekGivesIdenticalCountsAndTotalsOnSQLiteAndPostgreSQL() throws {
        var ledgers: [[InputTally]] = []
        var totals: [[UsageTotal]] = []
        var quarantined: [Int] = []
        for kind in [StoreKind.sqlite, .postgres] {
            let dir = TempFolder()
            let (store, url) = try kind.makeStore(in: dir)
            let env = JobEnvironment(config: SettleConfig(), databaseURL: url, outDir: "\(dir.path)/out")
            let result = try IngestUsage(paths: [Self.fixtures]).execute(store: store, env: env)
            ledgers.append(result.inputs)
            totals.append(try store.usageTotals())
            quarantined.append(try store.quarantineCount())
        }
        #expect(ledgers[0].count == 7)
        #expect(ledgers[0].reduce(0) { $0 + $1.accepted } == 4_901)   // 7 × 700, and one long prompt
        #expect(ledgers[0].allSatisfy { $0.balances })
        #expect(ledgers[0] == ledgers[1])
        #expect(totals[0].count > 100)
        #expect(totals[0] == totals[1])
        #expect(quarantined == [14, 14])
    }
}
