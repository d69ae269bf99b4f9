import Foundation
import Testing
import SettleCore
import SettleFormats
import SettleStore
import SettleTestSupport
@testable import SettleJobs

/// Usage summed and priced per customer and billing period, on each store: markup rules,
/// a price change inside a day, marketplace services and trial tokens, error events, late
/// events, and billing periods across a month end and a leap day.
@Suite struct AggregateJobTests {
    func setUp(_ kind: StoreKind, customers: String) throws -> (TempFolder, any SettleStore, JobEnvironment) {
        let dir = TempFolder()
        dir.write("settle.toml", """
            [catalog]
            customers = "customers.csv"
            prices = "prices.csv"
            services = "services.csv"
            [markup]
            default_pct = "20"
            [[markup.rules]]
            pattern = "*"
            plan = "enterprise"
            pct = "12"
            priority = 1
            [[markup.rules]]
            pattern = "gpt-4*"
            provider = "openai"
            pct = "25"
            priority = 10
            [plans.pro]
            monthly_fee = "79.00"
            [plans.enterprise]
            monthly_fee = "499.00"
            """)
        dir.write("customers.csv", customers)
        dir.write("prices.csv", """
            provider,model,token_type,tier,price,per,effective_from
            openai,gpt-4o,input,,2.50,1M,2026-01-01
            openai,gpt-4o,cached_input,,1.25,1M,2026-01-01
            openai,gpt-4o,output,,10.00,1M,2026-01-01
            openai,gpt-4o,output,,8.00,1M,2026-10-02T12:00:00Z
            anthropic,claude-x,input,,3.00,1M,2026-01-01
            anthropic,claude-x,output,,15.00,1M,2026-01-01

            """)
        dir.write("services.csv", """
            service_id,seller,model,prompt_price_per_1k,completion_price_per_1k,platform_fee_pct,trial_tokens
            svc_x,sellco,x-model,0.004,0.012,10,1000

            """)
        let (store, url) = try kind.makeStore(in: dir)
        let config = try ConfigLoader.load(path: "\(dir.path)/settle.toml", explicit: true)
        return (dir, store, JobEnvironment(config: config, databaseURL: url, outDir: "\(dir.path)/out"))
    }

    func ingest(_ dir: TempFolder, _ store: any SettleStore, _ env: JobEnvironment, _ name: String, _ lines: [String]) throws {
        _ = try IngestUsage(paths: [dir.write("in/\(name)", UsageLines.file(lines))]).execute(store: store, env: env)
    }

    func money(_ s: String) -> ExactDecimal { ExactDecimal(s)! }

    @Test(arguments: StoreKind.all)
    func chargesFollowTheBillingRules(kind: StoreKind) throws {
        let (dir, store, env) = try setUp(kind, customers: """
            customer_id,name,email,plan,billing_day,tax_rate_pct,alert_webhook
            cus_a,Alpha,a@example.com,pro,1,20,
            cus_e,Enterprise,e@example.com,enterprise,1,0,

            """)
        let svc = #","service_id":"svc_x""#
        try ingest(dir, store, env, "day.jsonl", [
            UsageLines.json("g1", customer: "cus_a", ts: "2026-10-02T10:00:00Z", input: 1000, cached: 400, output: 500),
            UsageLines.json("g2", customer: "cus_a", ts: "2026-10-02T14:00:00Z", input: 0, output: 1000),   // after the output price cut
            UsageLines.json("g3", customer: "cus_a", ts: "2026-10-02T15:00:00Z", input: 999, output: 999, extra: #","status":"error""#),
            UsageLines.json("s1", customer: "cus_a", ts: "2026-10-02T16:00:00Z", provider: "sellco", model: "x-model", input: 600, output: 300, extra: svc),
            UsageLines.json("s2", customer: "cus_a", ts: "2026-10-02T17:00:00Z", provider: "sellco", model: "x-model", input: 200, output: 100, extra: svc),
            UsageLines.json("e1", customer: "cus_e", ts: "2026-10-02T10:00:00Z", provider: "anthropic", model: "claude-x", input: 1000, output: 0),
        ])
        let result = try Aggregate(from: UTCDay("2026-10-02")!, to: UTCDay("2026-10-02")!).execute(store: store, env: env)
        #expect(result.status == .ok)
        let period = BillingPeriod(month: PeriodMonth("2026-10")!, billingDay: 1)
        let lines = try store.periods.lines(customer: "cus_a", period: period)
        func line(_ model: String, _ type: TokenType, _ price: String? = nil) -> UsageSummaryLine? {
            lines.first { $0.model == model && $0.tokenType == type && (price == nil || $0.unitPrice == money(price!)) }
        }
        // gpt-4* for openai: 25 %, the higher-priority rule. Input is the uncached part.
        #expect(line("gpt-4o", .input)?.quantity == 600)
        #expect(line("gpt-4o", .input)?.errorQuantity == 999)
        #expect(line("gpt-4o", .input)?.charge == money("0.001875"))
        #expect(line("gpt-4o", .cachedInput)?.charge == money("0.000625"))
        // Output before and after the 12:00 cut: two lines at two unit prices.
        #expect(line("gpt-4o", .output, "0.0000125")?.quantity == 500)
        #expect(line("gpt-4o", .output, "0.0000125")?.charge == money("0.00625"))
        #expect(line("gpt-4o", .output, "0.00001")?.quantity == 1000)
        #expect(line("gpt-4o", .output, "0.00001")?.charge == money("0.01"))
        // Each line keeps the days of its ok usage (the store reads them back): an invoice whose
        // item changed price says which days each line covers.
        #expect(line("gpt-4o", .output, "0.0000125")?.from == UTCDay("2026-10-02"))
        #expect(line("gpt-4o", .output, "0.00001")?.through == UTCDay("2026-10-02"))
        #expect(line("x-model", .input)?.from == UTCDay("2026-10-02") && line("x-model", .input)?.through == UTCDay("2026-10-02"))
        let summed = try #require(try store.periods.periodsStarting(in: PeriodMonth("2026-10")!)[PeriodKey(customerID: "cus_a", periodStart: period.firstDay)])
        #expect(summed.lines.allSatisfy { $0.from == UTCDay("2026-10-02") && $0.through == UTCDay("2026-10-02") })
        // Requests have no price here: counted, not charged, not "unpriced".
        #expect(line("gpt-4o", .request)?.quantity == 2 && line("gpt-4o", .request)?.errorQuantity == 1)
        #expect(line("gpt-4o", .request)?.charge == nil)
        // The service prices all prompt tokens alike, no markup.
        #expect(line("x-model", .input)?.quantity == 800 && line("x-model", .input)?.charge == money("0.0032"))
        #expect(line("x-model", .output)?.quantity == 400 && line("x-model", .output)?.charge == money("0.0048"))
        // Trial: 1,000 free tokens in event order, input before output: 600 + 300, then 100 of s2's input.
        #expect(try store.periods.trials(customer: "cus_a", period: period) == [TrialUse(serviceID: "svc_x", freeInput: 700, freeOutput: 300)])

        let totals = try #require(try store.periods.totals().first { $0.customerID == "cus_a" })
        #expect(totals.tokens == 1500 + 1000 + 900 + 300)
        #expect(totals.calls == 4 && totals.events == 5 && totals.errorEvents == 1)
        #expect(totals.callsByProvider == ["openai": 2, "sellco": 2])
        #expect(totals.trialCredit == money("0.0064"))
        #expect(totals.cost == money("0.02035"))
        #expect(totals.unpricedQuantity == 0)
        // The enterprise plan's rule (12 %) applies to its claude usage.
        let e = try store.periods.lines(customer: "cus_e", period: period)
        #expect(e.first { $0.tokenType == .input }?.charge == money("0.00336"))
    }

    /// The trial is counted over the customer's whole history: what October used is not free
    /// again in November, and November's share is found past the first page of its events.
    @Test(arguments: StoreKind.all)
    func aTrialUsedAcrossTwoPeriodsIsFreeOnce(kind: StoreKind) throws {
        let (dir, store, env) = try setUp(kind, customers: "customer_id,name,email,plan,billing_day,tax_rate_pct,alert_webhook\ncus_a,A,a@x,pro,1,0,\n")
        let svc = #","service_id":"svc_x""#
        try ingest(dir, store, env, "oct.jsonl", [
            UsageLines.json("o1", customer: "cus_a", ts: "2026-10-30T10:00:00Z", provider: "sellco", model: "x-model", input: 400, output: 200, extra: svc),
        ])
        // 60 events of 7 + 3 tokens: the 400 tokens left are the first 40 of them.
        try ingest(dir, store, env, "nov.jsonl", (0..<60).map { i in
            UsageLines.json("n\(i)", customer: "cus_a", ts: "2026-11-02T10:\(String(format: "%02d", i)):00Z", provider: "sellco",
                            model: "x-model", input: 7, output: 3, extra: svc)
        })
        _ = try Aggregate(from: UTCDay("2026-10-30")!, to: UTCDay("2026-11-02")!).execute(store: store, env: env)
        let october = BillingPeriod(month: PeriodMonth("2026-10")!, billingDay: 1)
        let november = BillingPeriod(month: PeriodMonth("2026-11")!, billingDay: 1)
        #expect(try store.periods.trials(customer: "cus_a", period: october) == [TrialUse(serviceID: "svc_x", freeInput: 400, freeOutput: 200)])
        #expect(try store.periods.trials(customer: "cus_a", period: november) == [TrialUse(serviceID: "svc_x", freeInput: 280, freeOutput: 120)])
        // 280 × $0.000004 + 120 × $0.000012 of November's $0.00168 + $0.00216 is free.
        let totals = try #require(try store.periods.totals().first { $0.customerID == "cus_a" && $0.period == november })
        #expect(totals.trialCredit == money("0.00256"))
        #expect(totals.cost == money("0.00128"))
    }

    @Test(arguments: StoreKind.all)
    func lateEventsAreCountedOnceWhenTheDayIsAggregatedAgain(kind: StoreKind) throws {
        let (dir, store, env) = try setUp(kind, customers: "customer_id,name,email,plan,billing_day,tax_rate_pct,alert_webhook\ncus_a,A,a@x,pro,1,0,\n")
        try ingest(dir, store, env, "a.jsonl", [UsageLines.json("a1", customer: "cus_a", ts: "2026-10-05T01:00:00Z", input: 1000, output: 0)])
        let job = Aggregate(from: UTCDay("2026-10-05")!, to: UTCDay("2026-10-05")!)
        _ = try job.execute(store: store, env: env)
        #expect(try store.periods.totals()[0].tokens == 1000)
        // A late file, overlapping the first.
        try ingest(dir, store, env, "late.jsonl", [
            UsageLines.json("a1", customer: "cus_a", ts: "2026-10-05T01:00:00Z", input: 1000, output: 0),
            UsageLines.json("a2", customer: "cus_a", ts: "2026-10-05T23:59:59Z", input: 500, output: 0),
        ])
        _ = try job.execute(store: store, env: env)
        _ = try job.execute(store: store, env: env)
        let t = try store.periods.totals()
        #expect(t.count == 1 && t[0].tokens == 1500 && t[0].calls == 2)
        // An unknown customer's usage is reported, not billed.
        try ingest(dir, store, env, "x.jsonl", [UsageLines.json("z1", customer: "cus_zz", ts: "2026-10-05T02:00:00Z")])
        let r = try job.execute(store: store, env: env)
        #expect(r.unknownCustomers == ["cus_zz": 1] && r.status == .findings)
    }

    @Test(arguments: StoreKind.all)
    func periodsFollowTheBillingDayAcrossAMonthEndAndALeapDay(kind: StoreKind) throws {
        let (dir, store, env) = try setUp(kind, customers: "customer_id,name,email,plan,billing_day,tax_rate_pct,alert_webhook\ncus_a,A,a@x,pro,15,0,\n")
        let days = ["2028-02-14", "2028-02-15", "2028-02-29", "2028-03-14", "2028-03-15"]
        try ingest(dir, store, env, "leap.jsonl", days.enumerated().map { i, d in
            UsageLines.json("l\(i)", customer: "cus_a", ts: "\(d)T12:00:00Z", input: 100 * (i + 1), output: 0)
        })
        _ = try Aggregate(from: UTCDay("2028-02-14")!, to: UTCDay("2028-03-15")!).execute(store: store, env: env)
        let totals = try store.periods.totals()
        #expect(totals.map { "\($0.period) \($0.period.firstDay)…\($0.period.lastDay) \($0.tokens)" } == [
            "2028-01 2028-01-15…2028-02-14 100",
            "2028-02 2028-02-15…2028-03-14 900",   // 200 + 300 (the leap day) + 400
            "2028-03 2028-03-15…2028-04-14 500",
        ])
        #expect(totals[1].period.dayCount == 29)
        // Projections: the February period is over; March's first day runs at 500 a day for 31 days.
        #expect(totals[1].asOf == UTCDay("2028-03-14") && totals[1].projectedTokens == 900)
        #expect(totals[2].asOf == UTCDay("2028-03-15") && totals[2].projectedTokens == 500 * 31)
    }
}
