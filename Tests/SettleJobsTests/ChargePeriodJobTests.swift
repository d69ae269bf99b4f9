import Foundation
import Testing
import SettleCore
import SettleFormats
import SettleStore
import SettleTestSupport
@testable import SettleJobs

/// A FOCUS 1.3 report that bills AI tokens per month (the specification's `ai_billing` shape),
/// reconciled by nightly against a month of gateway usage on each store; and a FOCUS 1.0 export of
/// a whole cloud bill, where only the token rows count and the rest is skipped per service.
@Suite struct ChargePeriodJobTests {
    static let bills = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/provider-bills").path
    static let first = UTCDay("2025-05-01")!, last = UTCDay("2025-05-31")!

    /// A gateway site that resells Solora AI's models: settle.toml with an inbox, a price book
    /// whose atlas output price rises on 2025-05-16, and a month of usage whose totals are
    /// exactly what the FOCUS report bills.
    final class Site: @unchecked Sendable {
        let dir = TempFolder("settle-period")
        let store: any SettleStore
        let url: String
        let env: JobEnvironment

        init(_ kind: StoreKind) throws {
            dir.write("settle.toml", """
                [inbox]
                usage = "inbox/usage"
                bills = "inbox/bills"
                [catalog]
                customers = "customers.csv"
                prices = "prices.csv"
                [markup]
                default_pct = "0"
                [plans.pro]
                monthly_fee = "0.00"
                limits = { tokens = 100_000_000_000, calls = 1_000_000, cost = "1000000.00" }
                [provider_names]
                "Solora AI" = "solora"
                [reconcile]
                providers = ["solora"]
                """)
            dir.write("customers.csv", """
                customer_id,name,email,plan,billing_day,tax_rate_pct,alert_webhook
                cus_1,Acme Corp,ap@acme.example,pro,1,0,

                """)
            dir.write("prices.csv", """
                provider,model,token_type,tier,price,per,effective_from
                solora,solora-atlas-5.6-jupiter,input,,5.00,1M,2025-01-01
                solora,solora-atlas-5.6-jupiter,output,,30.00,1M,2025-01-01
                solora,solora-atlas-5.6-jupiter,output,,32.00,1M,2025-05-16
                solora,solora-neptune-5.0,input,,2.00,1M,2025-01-01
                solora,solora-neptune-5.0,cached_input,,0.20,1M,2025-01-01
                solora,solora-neptune-5.0,cache_write,,2.50,1M,2025-01-01
                solora,solora-neptune-5.0,output,,8.00,1M,2025-01-01

                """)
            try FileSystem.createDirectory("\(dir.path)/inbox/bills")
            // Two events a day; the 31st carries what makes the month's totals round.
            var lines: [String] = []
            for (i, day) in UTCDay.days(from: ChargePeriodJobTests.first, through: ChargePeriodJobTests.last).enumerated() {
                let big = day == ChargePeriodJobTests.last
                lines.append(UsageLines.json("atlas-\(i)", ts: "\(day)T09:30:00Z", provider: "solora", model: "solora-atlas-5.6-jupiter",
                                             input: big ? 4_000_000 : 3_200_000, output: big ? 2_000_000 : 1_600_000))
                lines.append(UsageLines.json("neptune-\(i)", ts: "\(day)T17:45:00Z", provider: "solora", model: "solora-neptune-5.0",
                                             input: big ? 3_400_000 : 2_720_000, cached: big ? 2_000_000 : 1_600_000,
                                             output: big ? 160_000 : 128_000,
                                             extra: ",\"cache_write_tokens\":\(big ? 600_000 : 480_000)"))
            }
            dir.write("inbox/usage/2025-05.jsonl", UsageLines.file(lines))
            (store, url) = try kind.makeStore(in: dir)
            let config = try ConfigLoader.load(path: "\(dir.path)/settle.toml", explicit: true)
            env = JobEnvironment(config: config, databaseURL: url, outDir: "\(dir.path)/out",
                                 clock: { Timestamp(rfc3339: "2025-06-01T03:00:00Z")! })
        }

        func nightly(_ day: String) throws -> Nightly.Result {
            try Nightly(date: UTCDay(day)!).execute(store: store, env: env)
        }
    }

    @Test(arguments: StoreKind.all)
    func aMonthlyFOCUS13ReportIsReconciledOverItsMonthOnceTheMonthIsOver(kind: StoreKind) throws {
        let site = try Site(kind)
        // Before any report: every night, Solora's usage of the day is missing from a bill.
        let early = try site.nightly("2025-05-10")
        #expect(early.reconciled.flatMap(\.cells).filter { $0.day == UTCDay("2025-05-10") }.map(\.status)
                == Array(repeating: .missingInBill, count: 6))

        // The month's report arrives mid-month. The 10th is reconciled again, without day cells
        // for Solora: its days belong to the month now. The month waits for its last day.
        try FileManager.default.copyItem(atPath: "\(Self.bills)/focus-1.3-solora-2025-05.csv",
                                         toPath: "\(site.dir.path)/inbox/bills/focus-2025-05.csv")
        let mid = try site.nightly("2025-05-20")
        #expect(mid.bills.inputs.map(\.read) == [6] && mid.bills.inputs[0].balances && mid.bills.inputs[0].accepted == 6)
        #expect(mid.reconciled.map(\.label) == UTCDay.days(from: Self.first, through: UTCDay("2025-05-20")!).map(\.description))
        #expect(mid.reconciled.allSatisfy { $0.cells.isEmpty })
        #expect(try site.store.reconciliation.reconciliationCells(from: Self.first, to: UTCDay("2025-05-30")!).isEmpty)
        #expect(try site.store.pending.days(.reconcile, through: Self.last) == UTCDay.days(from: UTCDay("2025-05-21")!, through: Self.last))
        #expect(!FileManager.default.fileExists(atPath: "\(site.dir.path)/out/reconciliation/2025-05-01_2025-05-31"))

        // The night after the 31st: the month is reconciled over all its days.
        let end = try site.nightly("2025-05-31")
        let cells = end.reconciled.flatMap(\.cells)
        #expect(cells.count == 6)
        #expect(cells.allSatisfy { $0.day == Self.first && $0.through == Self.last })
        #expect(cells.filter { $0.status != .matched }.map { "\($0.model) \($0.tokenType!.rawValue)" } == ["solora-atlas-5.6-jupiter output"])
        let output = try #require(cells.first { $0.status == .costMismatch })
        // Priced day by day: 15 days at $30/1M, 16 at $32/1M.
        #expect(output.gatewayQuantity == 50_000_000 && output.expectedCost == ExactDecimal("1552"))
        #expect(output.billedCost == ExactDecimal("1500.00") && output.moneyAtRisk == ExactDecimal("52"))
        let neptune = cells.filter { $0.model == "solora-neptune-5.0" }.map { "\($0.tokenType!.rawValue) \($0.gatewayQuantity)" }
        #expect(neptune == ["input 20000000", "cached_input 50000000", "cache_write 15000000", "output 4000000"])
        #expect(end.findings.contains("2025-05-01…2025-05-31: 1 of 6 reconciliation cells not matched"))
        #expect(end.status == .findings)

        let folder = "out/reconciliation/2025-05-01_2025-05-31"
        let csv = site.dir.read("\(folder)/reconciliation.csv").split(separator: "\r\n").map(String.init)
        #expect(csv.first == ReconciliationCSV.columns.joined(separator: ","))
        #expect(csv.contains("2025-05-01,solora,solora-atlas-5.6-jupiter,standard,output,50000000,50000000,0,1552.00,1500.00,-52.00,cost_mismatch,52.00,2025-05-31,,"))
        #expect(csv.count == 7)
        let summary = site.dir.read("\(folder)/summary.csv").split(separator: "\r\n").map(String.init)
        #expect(summary == [
            "day,through,provider,cells,matched,missing_in_gateway,missing_in_bill,token_mismatch,cost_mismatch,unpriced,expected_cost,billed_cost,money_at_risk",
            "2025-05-01,2025-05-31,solora,6,5,0,0,0,1,0,2171.50,2119.50,52.00",
        ])
        // The day's own folder holds no Solora cell: nothing is counted twice.
        #expect(site.dir.read("out/reconciliation/2025-05-31/reconciliation.csv").split(separator: "\r\n").count == 1)
        #expect(FileManager.default.fileExists(atPath: "\(site.dir.path)/\(folder)/reconciliation.xlsx"))

        // Solora restates the month at the new price: the newer report replaces the older one.
        let restated = try String(contentsOfFile: "\(Self.bills)/focus-1.3-solora-2025-05.csv", encoding: .utf8)
            .replacingOccurrences(of: "1500.00,acct-1001", with: "1552.00,acct-1001")
        site.dir.write("inbox/bills/focus-2025-05-restated.csv", restated)
        let again = try site.nightly("2025-06-01")
        let now = again.reconciled.flatMap(\.cells)
        #expect(now.count == 6 && now.allSatisfy { $0.status == .matched })
        #expect(try site.store.reconciliation.reconciliationCells(from: Self.last, to: Self.last) == now)
        #expect(try site.store.providerBills.billLines(from: Self.last, to: Self.last).count == 12)   // both reports kept
        #expect(site.dir.read("\(folder)/summary.csv").contains("2025-05-01,2025-05-31,solora,6,6,0,0,0,0,0,2171.50,2171.50,0.00"))

        // Late usage of a day inside the month: the month is reconciled again.
        site.dir.write("inbox/usage/2025-05-20-late.jsonl", UsageLines.file([
            UsageLines.json("atlas-late", ts: "2025-05-20T23:59:00Z", provider: "solora", model: "solora-atlas-5.6-jupiter", input: 150_000, output: 0),
        ]))
        // And a late daily export of the 12th: the month is the bill for its days, so it counts once.
        site.dir.write("inbox/bills/solora-2025-05-12.csv", """
            provider,date,model,token_type,tier,quantity,cost
            solora,2025-05-12,solora-atlas-5.6-jupiter,input,,3200000,16.00

            """)
        let late = try site.nightly("2025-06-02")
        #expect(late.reconciled.map(\.label) == ["2025-05-12", "2025-05-20", "2025-05-31", "2025-06-02"])
        let lateInput = try #require(late.reconciled.flatMap(\.cells).first { $0.model == "solora-atlas-5.6-jupiter" && $0.tokenType == .input })
        #expect(lateInput.through == Self.last && lateInput.gatewayQuantity == 100_150_000 && lateInput.billedQuantity == 100_000_000)
        #expect(lateInput.status == .tokenMismatch)   // 150,000 tokens over 0.1 % of 100M
        #expect(try site.store.reconciliation.reconciliationCells(from: Self.first, to: UTCDay("2025-05-30")!).isEmpty)

        // One reconcile over the whole month counts each line of the month once.
        let whole = try Reconcile(from: Self.first, to: Self.last).execute(store: site.store, env: site.env)
        #expect(whole.cells.count == 6 && whole.cells.allSatisfy { $0.through == Self.last })
        #expect(whole.cells.first { $0 == lateInput } != nil)
        #expect(whole.cells.map(\.billedQuantity) == [100_000_000, 50_000_000, 20_000_000, 50_000_000, 15_000_000, 4_000_000])

        // A rerun of the month gives the same cells and the same bytes.
        let before = site.dir.read("\(folder)/reconciliation.csv")
        let rerun = try Rerun(from: Self.first, to: Self.last, steps: [.reconcile]).execute(store: site.store, env: site.env)
        #expect(rerun.reconciled.flatMap(\.cells).filter { $0.through != nil }.count == 6)
        #expect(rerun.reconciled.flatMap(\.cells).filter { $0.through == nil }.isEmpty)
        #expect(site.dir.read("\(folder)/reconciliation.csv") == before)
    }

    @Test(arguments: StoreKind.all)
    func periodCellsReplaceTheDayCellsOfTheirProviderAndDays(kind: StoreKind) throws {
        let dir = TempFolder()
        let (store, _) = try kind.makeStore(in: dir)
        func cell(_ day: String, through: String? = nil, provider: String = "solora") -> ReconciliationCell {
            ReconciliationCell(day: UTCDay(day)!, through: through.flatMap(UTCDay.init), provider: provider, model: "m", tier: .standard,
                               tokenType: .input, gatewayQuantity: 10, billedQuantity: nil, expectedCost: nil, billedCost: nil,
                               status: .missingInBill, moneyAtRisk: .zero)
        }
        let may10 = UTCDay("2025-05-10")!
        try store.reconciliation.replaceReconciliation(from: may10, to: may10, cells: [cell("2025-05-10"), cell("2025-05-10", provider: "openai")],
                                                runID: "r1")
        let month = cell("2025-05-01", through: "2025-05-31")
        try store.reconciliation.replaceReconciliation(from: Self.last, to: Self.last, cells: [month], runID: "r2")
        #expect(try store.reconciliation.reconciliationCells(from: may10, to: may10).map(\.provider) == ["openai"])
        #expect(try store.reconciliation.reconciliationCells(from: Self.last, to: Self.last) == [month])
        #expect(try store.reconciliation.reconciliationCells(from: Self.first, to: Self.last).count == 2)
    }

    @Test func aWholeCloudFOCUSExportCountsItsOtherServicesAsSkipped() throws {
        let dir = TempFolder()
        dir.write("customers.csv", "customer_id,name,email,plan,billing_day,tax_rate_pct,alert_webhook\n")
        dir.write("prices.csv", "provider,model,token_type,tier,price,per,effective_from\n")
        dir.write("settle.toml", """
            [catalog]
            customers = "customers.csv"
            prices = "prices.csv"
            [provider_names]
            "AWS" = "bedrock"
            [focus]
            sku_pattern = '^USD [0-9.]+ per 1K (?<token_type>input|output) tokens for (?<model>.+?) in .+$'
            """)
        let bill = "\(Self.bills)/focus-1.0-aws-cloud-2024-09.csv"
        let base = ["--config", "settle.toml", "--database", "sqlite:var/s.sqlite", "--out", "out"]
        let ingest = try SettleProcess.run(base + ["ingest", "bills", bill], in: dir.path)
        #expect(ingest.status == 3, "\(ingest.stderr)")   // two token rows quarantined
        #expect(ingest.stdout.contains("read 12, accepted 3, duplicates 0, quarantined 2, skipped 7 not token usage (Amazon Elastic Compute Cloud 3, Amazon Bedrock 1, Amazon SageMaker 1, Amazon Simple Storage Service 1, Elastic Load Balancing 1)"),
                "\(ingest.stdout)")
        let record = try #require(dir.files(in: "out/runs").first)
        let json = dir.read("out/runs/\(record)")
        #expect(json.contains(#""skipped": 7"#) && json.contains(#""Amazon Elastic Compute Cloud": 3"#), "\(json)")
        let runs = try SettleProcess.run(base + ["runs"], in: dir.path)
        #expect(runs.stdout.contains("1 files: 12/3/0/2 (+7 skipped, not token usage: Amazon Elastic Compute Cloud 3, Amazon Bedrock 1, Amazon SageMaker 1, 2 more services)"),
                "\(runs.stdout)")
        // Only the token rows were stored: Bedrock, two days.
        let again = try SettleProcess.run(base + ["reconcile", "--from", "2024-09-01", "--to", "2024-09-02"], in: dir.path)
        #expect(again.stdout.contains("2024-09-01 bedrock: 0/2 cells matched (2 missing_in_gateway)"), "\(again.stdout)")
        #expect(again.stdout.contains("2024-09-02 bedrock: 0/1 cells matched (1 missing_in_gateway)"), "\(again.stdout)")
    }
}
