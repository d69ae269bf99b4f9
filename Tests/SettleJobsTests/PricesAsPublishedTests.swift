import Foundation
import Testing
import SettleCore
import SettleFormats
import SettleStore
import SettleTestSupport
@testable import SettleJobs

/// Prices as vendors publish them, on each store: one-hour cache writes priced apart and
/// reconciled with Anthropic's `ephemeral_1h_input_tokens`; long prompts priced in their band
/// and reconciled with Anthropic's `context_window` `200k-1M`.
@Suite struct PricesAsPublishedTests {
    func money(_ s: String) -> ExactDecimal { ExactDecimal(s)! }

    /// A customer on a free plan (20 % markup, no tax) and the price book given; Anthropic reconciled.
    static func site(_ kind: StoreKind, prices: String) throws -> (TempFolder, any SettleStore, JobEnvironment) {
        let dir = TempFolder()
        dir.write("settle.toml", """
            [catalog]
            customers = "customers.csv"
            prices = "prices.csv"
            [markup]
            default_pct = "20"
            [plans.free]
            monthly_fee = "0"
            [reconcile]
            providers = ["anthropic"]
            """)
        dir.write("customers.csv", "customer_id,name,email,plan,billing_day,tax_rate_pct,alert_webhook\ncus_a,Alpha,a@example.com,free,1,0,\n")
        dir.write("prices.csv", prices)
        let (store, url) = try kind.makeStore(in: dir)
        let config = try ConfigLoader.load(path: "\(dir.path)/settle.toml", explicit: true)
        let env = JobEnvironment(config: config, databaseURL: url, outDir: "\(dir.path)/out", clock: { Timestamp(rfc3339: "2026-11-02T06:00:00Z")! })
        return (dir, store, env)
    }

    @Test(arguments: StoreKind.all)
    func anInvoiceAndAReconciliationWithOneHourCaching(kind: StoreKind) throws {
        let (dir, store, env) = try Self.site(kind, prices: """
            provider,model,token_type,tier,price,per,effective_from
            anthropic,claude-sonnet-4-5,input,,3.00,1M,2026-01-01
            anthropic,claude-sonnet-4-5,cached_input,,0.30,1M,2026-01-01
            anthropic,claude-sonnet-4-5,cache_write,,3.75,1M,2026-01-01
            anthropic,claude-sonnet-4-5,cache_write_1h,,6.00,1M,2026-01-01
            anthropic,claude-sonnet-4-5,output,,15.00,1M,2026-01-01

            """)
        // 1,000,000 prompt tokens: 200,000 read from cache, 500,000 written to it (300,000 for an hour).
        _ = try IngestUsage(paths: [dir.write("in/usage.jsonl", UsageLines.file([
            UsageLines.json("a1", customer: "cus_a", ts: "2026-10-25T10:00:00Z", provider: "anthropic", model: "claude-sonnet-4-5",
                            input: 1_000_000, cached: 200_000, output: 100_000,
                            extra: #","cache_write_tokens":500000,"cache_write_1h_tokens":300000"#),
        ]))]).execute(store: store, env: env)
        _ = try Aggregate(from: UTCDay("2026-10-01")!, to: UTCDay("2026-10-31")!).execute(store: store, env: env)
        let result = try IssueInvoices(month: PeriodMonth("2026-10")!, finalize: true, issueDate: UTCDay("2026-11-02")).execute(store: store, env: env)
        let inv = try #require(result.issued.first)
        // By hand, at cost × 1.20: input 300,000 × 3.60 = 1.08; cached 200,000 × 0.36 = 0.072;
        // five-minute writes 200,000 × 4.50 = 0.90; one-hour writes 300,000 × 7.20 = 2.16; output 100,000 × 18.00 = 1.80.
        #expect(inv.lines.map { "\($0.tokenType?.rawValue ?? "") \($0.quantity) \($0.unitPrice.normalized) \($0.amount)" } == [
            "input 300000 3.6 1.08", "cached_input 200000 0.36 0.07", "cache_write 200000 4.5 0.90", "cache_write_1h 300000 7.2 2.16",
            "output 100000 18 1.80",
        ])
        #expect(inv.total == money("6.01"))

        // Anthropic's report of the day splits the writes the same way; its cost is in cents.
        dir.write("bills/anthropic-usage.json", """
            {"data":[{"starting_at":"2026-10-25T00:00:00Z","ending_at":"2026-10-26T00:00:00Z","results":[
              {"uncached_input_tokens":300000,"cache_creation":{"ephemeral_5m_input_tokens":200000,"ephemeral_1h_input_tokens":300000},
               "cache_read_input_tokens":200000,"output_tokens":100000,"model":"claude-sonnet-4-5","service_tier":"standard","context_window":"0-200k"}
            ]}],"has_more":false,"next_page":null}
            """)
        dir.write("bills/anthropic-cost.json", """
            {"data":[{"starting_at":"2026-10-25T00:00:00Z","ending_at":"2026-10-26T00:00:00Z","results":[
              {"currency":"USD","amount":"180","cost_type":"tokens","model":"claude-sonnet-4-5","service_tier":"standard",
               "token_type":"cache_creation.ephemeral_1h_input_tokens","context_window":"0-200k"}
            ]}],"has_more":false,"next_page":null}
            """)
        _ = try IngestBills(paths: ["\(dir.path)/bills"]).execute(store: store, env: env)
        _ = try Reconcile(from: UTCDay("2026-10-25")!, to: UTCDay("2026-10-25")!).execute(store: store, env: env)
        let cells = try store.reconciliation.reconciliationCells(from: UTCDay("2026-10-25")!, to: UTCDay("2026-10-25")!)
        let oneHour = try #require(cells.first { $0.tokenType == .cacheWrite1h })
        #expect(oneHour.gatewayQuantity == 300_000 && oneHour.billedQuantity == 300_000 && oneHour.status == .matched)
        #expect(oneHour.expectedCost == money("1.80") && oneHour.billedCost == money("1.80"))
        #expect(cells.first { $0.tokenType == .cacheWrite }?.gatewayQuantity == 200_000)
        #expect(cells.filter { !$0.isModelTotal }.allSatisfy { $0.status == .matched }, "\(cells.map { "\($0.tokenType?.rawValue ?? "total") \($0.status)" })")
        let csv = dir.read("out/reconciliation/2026-10-25/reconciliation.csv")
        #expect(csv.contains("2026-10-25,anthropic,claude-sonnet-4-5,standard,cache_write_1h,300000,300000,0,1.80,1.80,0.00,matched"))
    }

    /// A customer with a short and a long prompt (over 200k tokens), both caching for five
    /// minutes and for an hour: each band's lines at its own prices, to the cent.
    @Test(arguments: StoreKind.all)
    func longPromptsArePricedAndReconciledInTheirBand(kind: StoreKind) throws {
        // No band row for cached_input: long prompts' cache reads fall back to the standard price.
        let (dir, store, env) = try Self.site(kind, prices: """
            provider,model,token_type,tier,price,per,effective_from,band
            anthropic,claude-sonnet-4-5,input,,3.00,1M,2026-01-01,
            anthropic,claude-sonnet-4-5,input,,6.00,1M,2026-01-01,>200000
            anthropic,claude-sonnet-4-5,cached_input,,0.30,1M,2026-01-01,
            anthropic,claude-sonnet-4-5,cache_write,,3.75,1M,2026-01-01,
            anthropic,claude-sonnet-4-5,cache_write,,7.50,1M,2026-01-01,>200000
            anthropic,claude-sonnet-4-5,cache_write_1h,,6.00,1M,2026-01-01,
            anthropic,claude-sonnet-4-5,cache_write_1h,,12.00,1M,2026-01-01,>200000
            anthropic,claude-sonnet-4-5,output,,15.00,1M,2026-01-01,
            anthropic,claude-sonnet-4-5,output,,22.50,1M,2026-01-01,>200000

            """)
        _ = try IngestUsage(paths: [dir.write("in/usage.jsonl", UsageLines.file([
            // 100,000-token prompt: 20,000 cache reads, 50,000 cache writes (30,000 for an hour).
            UsageLines.json("short", customer: "cus_a", ts: "2026-10-25T10:00:00Z", provider: "anthropic", model: "claude-sonnet-4-5",
                            input: 100_000, cached: 20_000, output: 10_000, extra: #","cache_write_tokens":50000,"cache_write_1h_tokens":30000"#),
            // 300,000-token prompt, over 200k: 100,000 reads, 100,000 writes (50,000 for an hour).
            UsageLines.json("long", customer: "cus_a", ts: "2026-10-25T11:00:00Z", provider: "anthropic", model: "claude-sonnet-4-5",
                            input: 300_000, cached: 100_000, output: 20_000, extra: #","cache_write_tokens":100000,"cache_write_1h_tokens":50000"#),
        ]))]).execute(store: store, env: env)
        _ = try Aggregate(from: UTCDay("2026-10-01")!, to: UTCDay("2026-10-31")!).execute(store: store, env: env)
        let inv = try #require(try IssueInvoices(month: PeriodMonth("2026-10")!, finalize: true, issueDate: UTCDay("2026-11-02"))
            .execute(store: store, env: env).issued.first)
        // By hand, at cost × 1.20. Standard band: input 30,000 × 3.60 = 0.108; reads 20,000 × 0.36 = 0.0072;
        // writes 20,000 × 4.50 = 0.09; one-hour 30,000 × 7.20 = 0.216; output 10,000 × 18.00 = 0.18.
        // Over 200k: input 100,000 × 7.20 = 0.72; reads 100,000 × 0.36 (the standard price) = 0.036;
        // writes 50,000 × 9.00 = 0.45; one-hour 50,000 × 14.40 = 0.72; output 20,000 × 27.00 = 0.54.
        #expect(inv.lines.map { "\($0.description) \($0.amount)" } == [
            "anthropic claude-sonnet-4-5 input 0.11", "anthropic claude-sonnet-4-5 input, prompts over 200k 0.72",
            "anthropic claude-sonnet-4-5 cached_input 0.01", "anthropic claude-sonnet-4-5 cached_input, prompts over 200k 0.04",
            "anthropic claude-sonnet-4-5 cache_write 0.09", "anthropic claude-sonnet-4-5 cache_write, prompts over 200k 0.45",
            "anthropic claude-sonnet-4-5 cache_write_1h 0.22", "anthropic claude-sonnet-4-5 cache_write_1h, prompts over 200k 0.72",
            "anthropic claude-sonnet-4-5 output 0.18", "anthropic claude-sonnet-4-5 output, prompts over 200k 0.54",
        ])
        #expect(inv.total == money("3.08"))
        let json = dir.read("out/invoices/2026-10/\(inv.number!).json")
        #expect(json.contains(#""band": ">200000""#))
        #expect(dir.read("out/invoices/2026-10/\(inv.number!).json") == json)
        let summary = try FinanceReport(month: PeriodMonth("2026-10")!).execute(store: store, env: env)
        _ = summary
        #expect(dir.read("out/reports/2026-10/usage-summary.csv").contains(",input,,100000,0,0.0000072,0.72,0.60,>200000\r\n"))

        // Anthropic's report splits the day by context window: each band reconciles with its own.
        dir.write("bills/anthropic-usage.json", """
            {"data":[{"starting_at":"2026-10-25T00:00:00Z","ending_at":"2026-10-26T00:00:00Z","results":[
              {"uncached_input_tokens":30000,"cache_creation":{"ephemeral_5m_input_tokens":20000,"ephemeral_1h_input_tokens":30000},
               "cache_read_input_tokens":20000,"output_tokens":10000,"model":"claude-sonnet-4-5","service_tier":"standard","context_window":"0-200k"},
              {"uncached_input_tokens":100000,"cache_creation":{"ephemeral_5m_input_tokens":50000,"ephemeral_1h_input_tokens":50000},
               "cache_read_input_tokens":100000,"output_tokens":20000,"model":"claude-sonnet-4-5","service_tier":"standard","context_window":"200k-1M"}
            ]}],"has_more":false,"next_page":null}
            """)
        dir.write("bills/anthropic-cost.json", """
            {"data":[{"starting_at":"2026-10-25T00:00:00Z","ending_at":"2026-10-26T00:00:00Z","results":[
              {"currency":"USD","amount":"60","cost_type":"tokens","model":"claude-sonnet-4-5","service_tier":"standard",
               "token_type":"uncached_input_tokens","context_window":"200k-1M"},
              {"currency":"USD","amount":"9","cost_type":"tokens","model":"claude-sonnet-4-5","service_tier":"standard",
               "token_type":"uncached_input_tokens","context_window":"0-200k"}
            ]}],"has_more":false,"next_page":null}
            """)
        _ = try IngestBills(paths: ["\(dir.path)/bills"]).execute(store: store, env: env)
        _ = try Reconcile(from: UTCDay("2026-10-25")!, to: UTCDay("2026-10-25")!).execute(store: store, env: env)
        let cells = try store.reconciliation.reconciliationCells(from: UTCDay("2026-10-25")!, to: UTCDay("2026-10-25")!)
        #expect(cells.count == 10)
        #expect(cells.allSatisfy { $0.status == .matched }, "\(cells.map { "\($0.band) \($0.tokenType?.rawValue ?? "") \($0.status)" })")
        let long = try #require(cells.first { $0.band == 200_000 && $0.tokenType == .input })
        #expect(long.gatewayQuantity == 100_000 && long.expectedCost == money("0.60") && long.billedCost == money("0.60"))
        #expect(dir.read("out/reconciliation/2026-10-25/reconciliation.csv")
            .contains("2026-10-25,anthropic,claude-sonnet-4-5,standard,input,100000,100000,0,0.60,0.60,0.00,matched,0.00,,>200000,\r\n"))
    }

    /// A 600,000-token prompt in a model with bands >200000 (input and output) and >500000
    /// (input only): its output falls back to the >200000 price, never the standard one, so it
    /// is never cheaper than a 300,000-token prompt (issue 28).
    @Test(arguments: StoreKind.all)
    func aTokenTypeMissingFromItsBandFallsBackToTheNextLowerBand(kind: StoreKind) throws {
        let (dir, store, env) = try Self.site(kind, prices: """
            provider,model,token_type,tier,price,per,effective_from,band
            anthropic,claude-sonnet-4-5,input,,3.00,1M,2026-01-01,
            anthropic,claude-sonnet-4-5,output,,15.00,1M,2026-01-01,
            anthropic,claude-sonnet-4-5,input,,6.00,1M,2026-01-01,>200000
            anthropic,claude-sonnet-4-5,output,,22.50,1M,2026-01-01,>200000
            anthropic,claude-sonnet-4-5,input,,9.00,1M,2026-01-01,>500000

            """)
        _ = try IngestUsage(paths: [dir.write("in/usage.jsonl", UsageLines.file([
            UsageLines.json("l3", customer: "cus_a", ts: "2026-10-25T10:00:00Z", provider: "anthropic", model: "claude-sonnet-4-5",
                            input: 300_000, output: 10_000),
            UsageLines.json("l6", customer: "cus_a", ts: "2026-10-25T11:00:00Z", provider: "anthropic", model: "claude-sonnet-4-5",
                            input: 600_000, output: 10_000),
        ]))]).execute(store: store, env: env)
        _ = try Aggregate(from: UTCDay("2026-10-01")!, to: UTCDay("2026-10-31")!).execute(store: store, env: env)
        let result = try IssueInvoices(month: PeriodMonth("2026-10")!, finalize: true, issueDate: UTCDay("2026-11-02")).execute(store: store, env: env)
        let inv = try #require(result.issued.first)
        // At cost × 1.20: the 300k prompt in >200000 (7.20 and 27.00); the 600k prompt's input in
        // >500000 (10.80), its output at >200000's 27.00 (the standard 18.00 before).
        #expect(inv.lines.map { "\($0.band.map { ">\($0)" } ?? "std") \($0.tokenType?.rawValue ?? "") \($0.quantity) \($0.unitPrice.normalized) \($0.amount)" } == [
            ">200000 input 300000 7.2 2.16", ">500000 input 600000 10.8 6.48", ">200000 output 10000 27 0.27", ">500000 output 10000 27 0.27",
        ])
    }

    /// LiteLLM's composed keys as published for Gemini 2.5 Pro: a priority prompt over 200k is
    /// priced at `input_cost_per_token_above_200k_tokens_priority`, not at the standard band's
    /// priority price (half of it), from an import to an invoice (issue 28).
    @Test(arguments: StoreKind.all)
    func aPriorityLongPromptIsPricedFromLiteLLMsComposedKey(kind: StoreKind) throws {
        let json = #"""
            {"gemini-2.5-pro": {"litellm_provider": "gemini", "mode": "chat", "max_input_tokens": 1048576,
              "input_cost_per_token": 1.25e-06, "input_cost_per_token_above_200k_tokens": 2.5e-06,
              "output_cost_per_token": 1e-05, "output_cost_per_token_above_200k_tokens": 1.5e-05,
              "input_cost_per_token_priority": 2.25e-06, "input_cost_per_token_above_200k_tokens_priority": 4.5e-06,
              "output_cost_per_token_priority": 1.8e-05, "output_cost_per_token_above_200k_tokens_priority": 2.7e-05}}
            """#
        let imported = try PriceListImport.read(from: .litellm, json: Array(json.utf8), path: "model_prices_and_context_window.json",
                                                effectiveFrom: UTCDay("2026-01-01")!.start)
        #expect(imported.unplaced.isEmpty)
        let (dir, store, env) = try Self.site(kind, prices: PriceListImport.csv(imported.rows))
        _ = try IngestUsage(paths: [dir.write("in/usage.jsonl", UsageLines.file([
            UsageLines.json("p1", customer: "cus_a", ts: "2026-10-25T10:00:00Z", provider: "gemini", model: "gemini-2.5-pro",
                            input: 300_000, output: 1_000, extra: #","tier":"priority""#),
        ]))]).execute(store: store, env: env)
        _ = try Aggregate(from: UTCDay("2026-10-01")!, to: UTCDay("2026-10-31")!).execute(store: store, env: env)
        let result = try IssueInvoices(month: PeriodMonth("2026-10")!, finalize: true, issueDate: UTCDay("2026-11-02")).execute(store: store, env: env)
        let inv = try #require(result.issued.first)
        // 4.50 and 27.00 per 1M at cost, × 1.20: 5.40 and 32.40.
        #expect(inv.lines.map { "\($0.tier?.rawValue ?? "") \($0.tokenType?.rawValue ?? "") \($0.unitPrice.normalized) \($0.amount)" } == [
            "priority input 5.4 1.62", "priority output 32.4 0.03",
        ])
    }
}
