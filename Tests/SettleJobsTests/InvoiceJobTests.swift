import Foundation
import Testing
import SettleCore
import SettleFormats
import SettleStore
import SettleTestSupport
@testable import SettleJobs

/// Invoices issued on each store: numbering, drafts for unpriced usage, a failed issue that
/// leaves no gap, credits carried over, late data adjusted once, identical files.
@Suite struct InvoiceJobTests {
    static func setUp(_ kind: StoreKind) throws -> (TempFolder, any SettleStore, JobEnvironment) {
        let dir = TempFolder()
        dir.write("settle.toml", """
            [catalog]
            customers = "customers.csv"
            prices = "prices.csv"
            services = "services.csv"
            credits = "credits.csv"
            [markup]
            default_pct = "20"
            [plans.pro]
            monthly_fee = "79.00"
            [plans.free]
            monthly_fee = "0"
            [invoices]
            number_prefix = "INV"
            credit_note_prefix = "CN"
            payment_terms_days = 14
            issuer = { name = "Example AI Ltd", address = "1 Main St", tax_id = "GB123456041" }
            """)
        dir.write("customers.csv", """
            customer_id,name,email,plan,billing_day,tax_rate_pct,alert_webhook
            cus_a,Alpha,a@example.com,pro,1,20,
            cus_b,Beta,b@example.com,pro,1,0,
            cus_c,Gamma,c@example.com,free,1,0,
            cus_u,Upsilon,u@example.com,free,1,0,

            """)
        dir.write("prices.csv", "provider,model,token_type,tier,price,per,effective_from\nopenai,gpt-4o,input,,2.50,1M,2026-01-01\nopenai,gpt-4o,output,,10.00,1M,2026-01-01\n")
        dir.write("services.csv", "service_id,seller,model,prompt_price_per_1k,completion_price_per_1k,platform_fee_pct,trial_tokens\nsvc_x,sellco,x-model,4,12,10,1000\n")
        dir.write("credits.csv", "reference,customer_id,date,amount\ntop-1,cus_a,2026-10-01,100.00\n")
        let (store, url) = try kind.makeStore(in: dir)
        let config = try ConfigLoader.load(path: "\(dir.path)/settle.toml", explicit: true)
        return (dir, store, JobEnvironment(config: config, databaseURL: url, outDir: "\(dir.path)/out",
                                          clock: { Timestamp(rfc3339: "2026-12-06T06:00:00Z")! }))
    }

    static func load(_ dir: TempFolder, _ store: any SettleStore, _ env: JobEnvironment, _ name: String, _ lines: [String], from: String, to: String) throws {
        _ = try IngestUsage(paths: [dir.write("in/\(name)", UsageLines.file(lines))]).execute(store: store, env: env)
        _ = try Aggregate(from: UTCDay(from)!, to: UTCDay(to)!).execute(store: store, env: env)
    }

    static let october = [
        UsageLines.json("a1", customer: "cus_a", ts: "2026-10-03T10:00:00Z", input: 400_000, output: 100_000),
        // Trial of 1,000 tokens: s1 uses 900, and it runs out inside s2's prompt (100 of 200 free).
        UsageLines.json("s1", customer: "cus_a", ts: "2026-10-04T10:00:00Z", provider: "sellco", model: "x-model", input: 600, output: 300, extra: #","service_id":"svc_x""#),
        UsageLines.json("s2", customer: "cus_a", ts: "2026-10-04T11:00:00Z", provider: "sellco", model: "x-model", input: 200, output: 100, extra: #","service_id":"svc_x""#),
        UsageLines.json("b1", customer: "cus_b", ts: "2026-10-05T10:00:00Z", input: 1_000, output: 1_000),
        UsageLines.json("u1", customer: "cus_u", ts: "2026-10-06T10:00:00Z", model: "gpt-5-preview", input: 1_000, output: 0),
    ]

    func money(_ s: String) -> ExactDecimal { ExactDecimal(s)! }

    @Test(arguments: StoreKind.all)
    func issueNumberDraftCarryCreditsAndAdjust(kind: StoreKind) throws {
        let (dir, store, env) = try Self.setUp(kind)
        try Self.load(dir, store, env, "oct.jsonl", Self.october, from: "2026-10-01", to: "2026-10-31")
        let oct = PeriodMonth("2026-10")!
        let finalize = IssueInvoices(month: oct, finalize: true, issueDate: UTCDay("2026-11-01"))
        let first = try finalize.execute(store: store, env: env)
        #expect(first.issued.map { "\($0.number!) \($0.customerID)" } == ["INV-2026-000001 cus_a", "INV-2026-000002 cus_b"])
        #expect(first.drafts.map(\.customerID) == ["cus_u"])      // unpriced gpt-5-preview; cus_c has nothing to invoice
        #expect(first.status == .findings)

        // cus_a by hand: fee 79.00; input 400,000 × $3.00/1M = 1.20; output 100,000 × $12.00/1M = 1.20;
        // prompt 800 × $0.004 = 3.20; completion 400 × $0.012 = 4.80; trial −(700 × 0.004 + 300 × 0.012) = −6.40.
        let a = first.issued[0]
        #expect(a.lines.map(\.amount) == [money("79.00"), money("1.20"), money("1.20"), money("3.20"), money("4.80"), money("-6.40")])
        #expect(a.subtotal == money("83.00") && a.tax == money("16.60") && a.total == money("99.60"))
        #expect(a.creditsApplied == money("99.60") && a.amountDue == .zero)    // the 100.00 top-up covers it
        let folder = "\(dir.path)/out/invoices/2026-10"
        let json = dir.read("\(folder)/INV-2026-000001.json")
        #expect(json.contains(#""number": "INV-2026-000001""#) && json.contains(#""amount_due": "0.00""#))
        #expect(json.contains(#""unit_price": "12.00""#))
        #expect(dir.read("\(folder)/index.csv") == """
            number,kind,customer_id,period,issue_date,subtotal,tax,total,credits_applied,amount_due,currency\r
            INV-2026-000001,invoice,cus_a,2026-10,2026-11-01,83.00,16.60,99.60,99.60,0.00,USD\r
            INV-2026-000002,invoice,cus_b,2026-10,2026-11-01,79.01,0.00,79.01,0.00,79.01,USD\r

            """)
        #expect(dir.read("\(folder)/drafts/cus_u.json").contains(#""number": null"#))
        let snapshot = try files(folder)

        // Finalizing again issues nothing and writes the same bytes.
        let again = try finalize.execute(store: store, env: env)
        #expect(again.issued.isEmpty)
        #expect(try files(folder) == snapshot)

        // A price arrives for gpt-5-preview. An issue that fails halfway stores nothing and uses no number.
        dir.write("prices.csv", dir.read("prices.csv") + "openai,gpt-5-preview,input,,1.00,1M,2026-01-01\n")
        _ = try Aggregate(from: UTCDay("2026-10-01")!, to: UTCDay("2026-10-31")!).execute(store: store, env: env)
        struct Boom: Error {}
        let draft = try #require(try IssueInvoices(month: oct, dryRun: true).execute(store: store, env: env).drafts.first)
        #expect(throws: Boom.self) {
            try store.invoiceLedger.issue([
                InvoiceLedger.Issue(invoice: draft, series: "INV", render: { _ in "{}" }),
                InvoiceLedger.Issue(invoice: draft, series: "INV", render: { _ in throw Boom() }),
            ], runID: "failing", at: env.clock())
        }
        let third = try finalize.execute(store: store, env: env)
        #expect(third.issued.map { $0.number! } == ["INV-2026-000003"])
        #expect(third.status == .ok)

        // November: the rest of cus_a's top-up (0.40) covers part of the total.
        try Self.load(dir, store, env, "nov.jsonl", [UsageLines.json("a9", customer: "cus_a", ts: "2026-11-02T10:00:00Z", input: 1000, output: 0)],
                      from: "2026-11-01", to: "2026-11-30")
        let nov = try IssueInvoices(month: PeriodMonth("2026-11")!, finalize: true, issueDate: UTCDay("2026-12-01")).execute(store: store, env: env)
        let an = try #require(nov.issued.first { $0.customerID == "cus_a" })
        #expect(an.creditsApplied == money("0.40") && an.amountDue == an.total - money("0.40"))
        #expect(nov.issued.map { $0.number! } == ["INV-2026-000004", "INV-2026-000005"])

        // Late October usage for cus_b: one supplementary invoice, once.
        try Self.load(dir, store, env, "late.jsonl", [UsageLines.json("b2", customer: "cus_b", ts: "2026-10-20T10:00:00Z", input: 1_000_000, output: 0)],
                      from: "2026-10-20", to: "2026-10-20")
        let adjust = IssueInvoices(month: oct, adjust: true, issueDate: UTCDay("2026-12-02"))
        let adj = try adjust.execute(store: store, env: env)
        #expect(adj.adjustments.map { "\($0.number!) \($0.kind.rawValue) \($0.customerID) \($0.total)" } == ["INV-2026-000006 supplementary cus_b 3.00"])
        #expect(adj.adjustments[0].adjusts == "INV-2026-000002")
        #expect(try adjust.execute(store: store, env: env).adjustments.isEmpty)
        // A lower price later, edited in place: issued October keeps its frozen prices, so no
        // document (PRODUCT.md "Customers over time"); an open period would take the new one.
        dir.write("prices.csv", "provider,model,token_type,tier,price,per,effective_from\nopenai,gpt-4o,input,,2.00,1M,2026-01-01\nopenai,gpt-4o,output,,10.00,1M,2026-01-01\nopenai,gpt-5-preview,input,,1.00,1M,2026-01-01\n")
        _ = try Aggregate(from: UTCDay("2026-10-01")!, to: UTCDay("2026-10-31")!).execute(store: store, env: env)
        let credit = try IssueInvoices(month: oct, customer: "cus_b", adjust: true, issueDate: UTCDay("2026-12-03")).execute(store: store, env: env)
        #expect(credit.adjustments.isEmpty)

        // Payouts from the issued invoices: 3.20 + 4.80 − 6.40 = 1.60 gross; fee 10 % = 0.16.
        let payouts = try ComputePayouts(month: oct).execute(store: store, env: env)
        #expect(payouts.payouts == [Payout(seller: "sellco", serviceID: "svc_x", gross: money("1.60"), platformFee: money("0.16"), net: money("1.44"))])
        #expect(dir.read("out/payouts/2026-10/payouts.csv") == "seller,service_id,gross,platform_fee,net,currency,gross_in_currency,platform_fee_in_currency,net_in_currency,exchange_rate,rate_date\r\n"
                + "sellco,svc_x,1.60,0.16,1.44,USD,1.60,0.16,1.44,,\r\n")
        #expect(dir.read("out/payouts/2026-10/statement-sellco.csv").contains("INV-2026-000001,cus_a,svc_x,trial,"))
    }

    @Test(.enabled(if: StoreKind.all.contains(.postgres), "needs the PostgreSQL test server (scripts/test)"))
    func bothStoresWriteTheSameInvoices() throws {
        var outputs: [[String: String]] = []
        for kind in [StoreKind.sqlite, .postgres] {
            let (dir, store, env) = try Self.setUp(kind)
            try Self.load(dir, store, env, "oct.jsonl", Self.october, from: "2026-10-01", to: "2026-10-31")
            _ = try IssueInvoices(month: PeriodMonth("2026-10")!, finalize: true, issueDate: UTCDay("2026-11-01")).execute(store: store, env: env)
            outputs.append(try files("\(dir.path)/out/invoices/2026-10"))
        }
        #expect(outputs[0].count == 9)   // 2 × (json, csv), index, workbook, credits.csv, a draft's json and csv
        #expect(outputs[0] == outputs[1])
    }

    func files(_ folder: String) throws -> [String: String] {
        var out: [String: String] = [:]
        for path in try FileSystem.files(under: folder) {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            out[String(path.dropFirst(folder.count))] = data.base64EncodedString()
        }
        return out
    }
}
