import Foundation
import Testing
import SettleCore
import SettleFormats
import SettleStore
import SettleTestSupport
@testable import SettleJobs

/// The fixture week reconciled end to end on each store: every planted discrepancy found,
/// a late restatement taking effect, and reruns giving the same bytes.
@Suite struct ReconcileJobTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("fixtures").path
    static let week = (UTCDay("2026-10-25")!, UTCDay("2026-10-31")!)

    func environment(_ dir: TempFolder, _ url: String) throws -> JobEnvironment {
        let config = try ConfigLoader.load(path: "\(Self.root)/settle.toml", explicit: true)
        return JobEnvironment(config: config, databaseURL: url, outDir: "\(dir.path)/out",
                              clock: { Timestamp(rfc3339: "2026-11-01T03:00:00Z")! })
    }

    func options(_ config: SettleConfig) -> BillReadOptions {
        BillReadOptions(providerNames: config.providerNames, focusPattern: config.focusSkuPattern ?? BillReadOptions.defaultFocusPattern)
    }

    func counts(_ cells: [ReconciliationCell]) -> [String: Int] {
        var out: [String: Int] = [:]
        for c in cells { out[c.status.rawValue, default: 0] += 1 }
        return out
    }

    @Test(arguments: StoreKind.all)
    func theFixtureWeekFindsEveryPlantedDiscrepancy(kind: StoreKind) throws {
        let dir = TempFolder()
        let (store, url) = try kind.makeStore(in: dir)
        let env = try environment(dir, url)
        _ = try IngestUsage(paths: ["\(Self.root)/usage"]).execute(store: store, env: env)
        let bills = try IngestBills(paths: ["\(Self.root)/bills"], options: options(env.config)).execute(store: store, env: env)
        #expect(bills.inputs.map(\.format) == ["anthropic-cost", "anthropic-usage", "cur", "focus", "csv", "openai-costs",
                                               "openai-usage", "openrouter-activity"])
        #expect(bills.inputs.allSatisfy { $0.balances && $0.quarantined == 0 })
        #expect(bills.inputs.first { $0.format == "cur" }?.skipped == 7)   // the S3 rows
        // Google's whole cloud bill: only Vertex AI's token rows are ours.
        #expect(bills.inputs.first { $0.format == "focus" }?.skippedBy == ["Compute Engine": 3, "Cloud Storage": 1, "Networking": 1,
                                                                           "Cloud Load Balancing": 1, "Vertex AI": 1, "(Tax)": 1])
        #expect(bills.inputs.first { $0.format == "focus" }?.accepted == 7)
        #expect(try store.providerBills.billedProviders() == ["anthropic", "bedrock", "google", "mistral", "openai", "openrouter"])

        let job = Reconcile(from: Self.week.0, to: Self.week.1)
        let first = try job.execute(store: store, env: env)
        #expect(first.status == .findings)
        // Two of them the long-context band of a 250,000-token prompt (Anthropic's 200k-1M rows).
        #expect(first.cells.count == 424)
        #expect(first.cells.filter { $0.band == 200_000 }.map { "\($0.tokenType?.rawValue ?? "") \($0.status.rawValue)" } == ["input matched", "output matched"])
        #expect(counts(first.cells) == ["matched": 404, "missing_in_gateway": 1, "missing_in_bill": 4, "token_mismatch": 1,
                                        "cost_mismatch": 2, "unpriced": 12])
        let notMatched = first.cells.filter { $0.status != .matched }
        #expect(notMatched.first { $0.status == .missingInGateway }?.model == "web search tool calls")
        #expect(notMatched.first { $0.status == .missingInGateway }?.moneyAtRisk == ExactDecimal("1.25"))
        #expect(Set(notMatched.filter { $0.status == .missingInBill }.map(\.model)) == ["claude-opus-4-20250514"])
        let mismatch = try #require(notMatched.first { $0.status == .tokenMismatch })
        #expect(mismatch.model == "gpt-4.1" && mismatch.tokenType == .output && mismatch.day == UTCDay("2026-10-26"))
        #expect(mismatch.quantityDiff == mismatch.gatewayQuantity * 3 / 100)
        let costs = notMatched.filter { $0.status == .costMismatch }.map { "\($0.day) \($0.model) \($0.tokenType!.rawValue)" }
        // Google bills October as a month (FOCUS 1.3): the late price cut shows in the month's cell.
        #expect(costs == ["2026-10-01 gemini-2.5-flash output", "2026-10-30 gpt-4o-mini input"])
        let month = first.cells.filter { $0.provider == "google" }
        #expect(month.count == 7 && month.allSatisfy { $0.day == UTCDay("2026-10-01") && $0.through == UTCDay("2026-10-31") })
        #expect(month.first { $0.status == .costMismatch }?.moneyAtRisk == ExactDecimal("0.01269"))
        #expect(first.periodFolders == ["\(dir.path)/out/reconciliation/2026-10-01_2026-10-31"])
        #expect(Set(notMatched.filter { $0.status == .unpriced }.map(\.model)) == ["codestral-2508"])
        // Aliases joined the reports' names to the gateway's.
        #expect(!first.cells.contains { $0.model == "gpt-4o" || $0.model == "claude-sonnet-4" || $0.model == "Claude3.5Sonnet-v2" })
        #expect(first.cells.contains { $0.model == "anthropic.claude-3-5-sonnet-20241022-v2:0" && $0.status == .matched })
        // Stored as computed.
        #expect(try store.reconciliation.reconciliationCells(from: Self.week.0, to: Self.week.1) == first.cells)

        // The same reports again change nothing; the output is byte for byte the same.
        let folder = "\(dir.path)/out/reconciliation/2026-10-25_2026-10-31"
        let csv = dir.read("\(folder)/reconciliation.csv")
        let xlsx = try Data(contentsOf: URL(fileURLWithPath: "\(folder)/reconciliation.xlsx"))
        let again = try IngestBills(paths: ["\(Self.root)/bills"], options: options(env.config)).execute(store: store, env: env)
        #expect(again.inputs.allSatisfy { $0.accepted == 0 && $0.duplicates == $0.read - $0.skipped })
        let rerun = try job.execute(store: store, env: env)
        #expect(rerun.cells == first.cells)
        #expect(dir.read("\(folder)/reconciliation.csv") == csv)
        #expect(try Data(contentsOf: URL(fileURLWithPath: "\(folder)/reconciliation.xlsx")) == xlsx)

        // OpenAI restates the 30th: the newer cost report replaces the older one.
        _ = try IngestBills(paths: ["\(Self.root)/bills-late"], options: options(env.config)).execute(store: store, env: env)
        let late = try job.execute(store: store, env: env)
        #expect(counts(late.cells)["cost_mismatch"] == 1)
        #expect(late.cells.first { $0.day == UTCDay("2026-10-30") && $0.model == "gpt-4o-mini" && $0.tokenType == .input }?.status == .matched)
        // History is kept: both OpenAI cost reports of the 30th stay stored.
        let stored = try store.providerBills.billLines(from: UTCDay("2026-10-30")!, to: UTCDay("2026-10-30")!)
        let costReports = Set(stored.filter { $0.line.provider == "openai" && $0.line.cost != nil }.map(\.bill))
        #expect(costReports.count == 2)
    }

    @Test(.enabled(if: StoreKind.all.contains(.postgres), "needs the PostgreSQL test server (scripts/test)"))
    func bothStoresWriteTheSameReconciliation() throws {
        var files: [String] = []
        for kind in [StoreKind.sqlite, .postgres] {
            let dir = TempFolder()
            let (store, url) = try kind.makeStore(in: dir)
            let env = try environment(dir, url)
            _ = try IngestUsage(paths: ["\(Self.root)/usage"]).execute(store: store, env: env)
            _ = try IngestBills(paths: ["\(Self.root)/bills", "\(Self.root)/bills-late"], options: options(env.config)).execute(store: store, env: env)
            _ = try Reconcile(from: Self.week.0, to: Self.week.1).execute(store: store, env: env)
            files.append(dir.read("out/reconciliation/2026-10-25_2026-10-31/reconciliation.csv"))
        }
        #expect(files[0].count > 10_000)
        #expect(files[0] == files[1])
    }

    @Test func theCSVHasTheFixedColumnsAndExactAmounts() throws {
        let dir = TempFolder()
        let (store, url) = try StoreKind.sqlite.makeStore(in: dir)
        let env = try environment(dir, url)
        _ = try IngestUsage(paths: ["\(Self.root)/usage"]).execute(store: store, env: env)
        _ = try IngestBills(paths: ["\(Self.root)/bills"], options: options(env.config)).execute(store: store, env: env)
        _ = try Reconcile(from: UTCDay("2026-10-29")!, to: UTCDay("2026-10-29")!).execute(store: store, env: env)
        let lines = dir.read("out/reconciliation/2026-10-29/reconciliation.csv").split(separator: "\r\n").map(String.init)
        #expect(lines[0] == "day,provider,model,tier,token_type,gateway_quantity,billed_quantity,quantity_diff,expected_cost,billed_cost,cost_diff,status,money_at_risk,through,band,exchange_rate")
        #expect(lines.contains("2026-10-29,openai,web search tool calls,standard,,0,,,,1.25,,missing_in_gateway,1.25,,,"))
        #expect(lines.dropFirst().allSatisfy { $0.hasPrefix("2026-10-29,") })
    }
}
