import Foundation
import Testing
import SettleCore
import SettleFormats
import SettleStore
import SettleTestSupport
@testable import SettleJobs

/// Usage crossing plan limits over nightly runs, alerts that fire once, ever, and webhook
/// deliveries that survive an outage, on each store.
@Suite struct AlertsJobTests {
    /// A gateway with one plan: 10,000 tokens, 100 calls, $1.00, 50 OpenAI calls a period.
    final class Gateway {
        let dir = TempFolder()
        let store: any SettleStore
        var env: JobEnvironment
        var now = Timestamp(rfc3339: "2026-10-02T03:00:00Z")!
        var next = 0

        init(_ kind: StoreKind, webhook: String = "", customers: String? = nil) throws {
            dir.write("settle.toml", """
                [catalog]
                customers = "customers.csv"
                prices = "prices.csv"
                [markup]
                default_pct = "0"
                [plans.pro]
                monthly_fee = "10.00"
                limits = { tokens = 10_000, calls = 100, cost = "1.00" }
                calls_by_provider = { openai = 50 }
                [alerts]
                webhook_url = "\(webhook)"
                webhook_secret_env = "TEST_WEBHOOK_SECRET"
                """)
            dir.write("customers.csv", customers ?? """
                customer_id,name,email,plan,billing_day,tax_rate_pct,alert_webhook
                cus_a,Alpha,a@example.com,pro,1,0,
                cus_b,Beta,b@example.com,pro,1,0,

                """)
            dir.write("prices.csv", """
                provider,model,token_type,tier,price,per,effective_from
                openai,gpt-4o,input,,40,1M,2026-01-01
                openai,gpt-4o,output,,100,1M,2026-01-01

                """)
            let (store, url) = try kind.makeStore(in: dir)
            self.store = store
            let config = try ConfigLoader.load(path: "\(dir.path)/settle.toml", explicit: true)
            env = JobEnvironment(config: config, databaseURL: url, outDir: "\(dir.path)/out")
            let clockBox = ClockBox(self)
            env.clock = { clockBox.now }
        }

        /// One night: `tokens` (input) for `customer` on `day`, ingested, aggregated, alerts run.
        func night(_ day: String, _ customer: String = "cus_a", input: Int, output: Int = 0, calls: Int = 1,
                   alerts: EvaluateAlerts = EvaluateAlerts(attempts: 2, backoff: 0, environment: ["TEST_WEBHOOK_SECRET": "s3cret"])) throws -> EvaluateAlerts.Result {
            now = Timestamp(rfc3339: "\(UTCDay(day)!.adding(days: 1))T03:00:00Z")!
            var lines: [String] = []
            for i in 0..<calls {
                next += 1
                lines.append(UsageLines.json("r\(next)", customer: customer, ts: "\(day)T10:00:\(String(format: "%02d", i % 60))Z",
                                             input: i == 0 ? input : 0, output: i == 0 ? output : 0))
            }
            let file = dir.write("in/\(day)-\(next).jsonl", UsageLines.file(lines))
            _ = try IngestUsage(paths: [file]).execute(store: store, env: env)
            _ = try Aggregate(from: UTCDay(day)!, to: UTCDay(day)!).execute(store: store, env: env)
            return try alerts.execute(store: store, env: env)
        }

        func fired(_ r: EvaluateAlerts.Result) -> [String] { r.fired.map { "\($0.customerID) \($0.metric) \($0.threshold)" } }
    }

    final class ClockBox: @unchecked Sendable {
        weak var gateway: Gateway?
        init(_ g: Gateway) { gateway = g }
        var now: Timestamp { gateway?.now ?? Timestamp(microseconds: 0) }
    }

    @Test(arguments: StoreKind.all)
    func thresholdsFireOnceEachAsUsageGrowsOverNights(kind: StoreKind) throws {
        let g = try Gateway(kind)
        #expect(g.fired(try g.night("2026-10-01", input: 7_000)) == [])                         // 70 %
        #expect(g.fired(try g.night("2026-10-02", input: 1_200)) == ["cus_a tokens 80"])        // 82 %
        #expect(g.fired(try g.night("2026-10-03", input: 100)) == [])                           // 83 %: nothing new
        #expect(g.fired(try g.night("2026-10-04", input: 1_000)) == ["cus_a tokens 90"])        // 93 %
        #expect(g.fired(try g.night("2026-10-05", input: 700)) == ["cus_a tokens 100"])         // 100 % exactly
        // Straight past every threshold of another metric in one night: all three at once.
        let jump = try g.night("2026-10-06", "cus_b", input: 0, calls: 120)
        #expect(g.fired(jump) == ["cus_b calls 80", "cus_b calls 90", "cus_b calls 100",
                                  "cus_b calls:openai 80", "cus_b calls:openai 90", "cus_b calls:openai 100"])
        #expect(jump.fired.first { $0.threshold == 100 }?.severity == .critical)
        #expect(jump.fired.first { $0.threshold == 90 }?.severity == .warning)
        #expect(jump.fired.first { $0.threshold == 80 }?.severity == .info)

        // A rerun of the whole range fires nothing new and rewrites the same alerts.jsonl.
        let jsonl = g.dir.read("out/alerts/alerts.jsonl")
        #expect(jsonl.split(separator: "\n").count == 9)
        _ = try Aggregate(from: UTCDay("2026-10-01")!, to: UTCDay("2026-10-06")!).execute(store: g.store, env: g.env)
        let rerun = try EvaluateAlerts(attempts: 1, backoff: 0, environment: [:]).execute(store: g.store, env: g.env)
        #expect(rerun.fired.isEmpty)
        #expect(g.dir.read("out/alerts/alerts.jsonl") == jsonl)
        let first = try #require(jsonl.split(separator: "\n").first)
        #expect(first.hasPrefix(#"{"id":"alt_"#))
        #expect(first.contains(#""customer_id":"cus_a","period":"2026-10","metric":"tokens","threshold":80,"severity":"info","usage":8200,"limit":10000,"fired_at":"2026-10-03T03:00:00Z"}"#))
    }

    @Test(arguments: StoreKind.all)
    func aRestatementThatLowersUsageFiresNothingAndUnfiresNothing(kind: StoreKind) throws {
        let g = try Gateway(kind)
        // 20,000 input tokens at $40/1M = $0.80: cost reaches 80 %.
        let r = try g.night("2026-10-01", input: 5_000, calls: 1)
        #expect(g.fired(r) == [])
        #expect(g.fired(try g.night("2026-10-02", input: 15_000)) == ["cus_a tokens 80", "cus_a tokens 90", "cus_a tokens 100", "cus_a cost 80"])
        // Finance corrects the price book downward: cost falls to $0.40 and is recomputed.
        g.dir.write("prices.csv", "provider,model,token_type,tier,price,per,effective_from\nopenai,gpt-4o,input,,20,1M,2026-01-01\nopenai,gpt-4o,output,,100,1M,2026-01-01\n")
        _ = try Aggregate(from: UTCDay("2026-10-01")!, to: UTCDay("2026-10-02")!).execute(store: g.store, env: g.env)
        #expect(try g.store.periods.totals().first { $0.customerID == "cus_a" }?.cost == ExactDecimal("0.4"))
        let after = try EvaluateAlerts(attempts: 1, backoff: 0, environment: [:]).execute(store: g.store, env: g.env)
        #expect(after.fired.isEmpty)
        #expect(try g.store.alertLedger.all().count == 4)
    }

    @Test(arguments: StoreKind.all)
    func webhooksAreSignedRetriedKeptPendingThroughAnOutageAndDeliveredOnce(kind: StoreKind) throws {
        let server = try LocalHTTPServer(statuses: [500, 200])
        let g = try Gateway(kind, webhook: server.url)
        // A 500, then a 200 within the run: delivered on the retry.
        let r1 = try g.night("2026-10-01", input: 8_500)
        #expect(g.fired(r1) == ["cus_a tokens 80"])
        #expect(r1.delivered.count == 1 && r1.pending.isEmpty && r1.status == .ok)
        #expect(server.requests.count == 2)
        let req = server.requests[1]
        #expect(req.method == "POST" && req.path == "/hooks")
        #expect(req.headers["idempotency-key"] == r1.delivered[0].id)
        #expect(req.body == server.requests[0].body)
        #expect(WebhookSignature.verify(header: req.headers["settle-signature"] ?? "", body: req.body, secret: "s3cret"))
        #expect(!WebhookSignature.verify(header: req.headers["settle-signature"] ?? "", body: req.body, secret: "other"))
        // The operator's copy: every customer's new alerts, each naming its customer.
        #expect(req.body.hasPrefix(#"{"alerts":[{"id":"alt_"#) && req.body.contains(#""customer_id":"cus_a""#))

        // An outage: every attempt fails; the alert is stored and the delivery stays pending (exit 3).
        server.respond(with: [503, 503, 503, 503])
        let r2 = try g.night("2026-10-02", input: 1_000)
        #expect(g.fired(r2) == ["cus_a tokens 90"])
        #expect(r2.pending.count == 1 && r2.status == .findings)
        #expect(server.requests.count == 4)

        // The next run, with nothing new to fire, delivers the pending post once; later runs send nothing.
        server.respond(with: [])
        let r3 = try EvaluateAlerts(attempts: 2, backoff: 0, environment: ["TEST_WEBHOOK_SECRET": "s3cret"]).execute(store: g.store, env: g.env)
        #expect(r3.fired.isEmpty && r3.delivered.count == 1 && r3.pending.isEmpty)
        #expect(server.requests.count == 5)
        #expect(server.requests[4].headers["idempotency-key"] == r2.pending[0].id)
        #expect(server.requests[4].body.contains(#""threshold":90"#))
        let r4 = try EvaluateAlerts(attempts: 2, backoff: 0, environment: ["TEST_WEBHOOK_SECRET": "s3cret"]).execute(store: g.store, env: g.env)
        #expect(r4.delivered.isEmpty && server.requests.count == 5)
        #expect(try g.store.alertLedger.deliveries(pendingOnly: false).map(\.state) == [.delivered, .delivered])
    }

    @Test func aDryRunShowsWhatWouldFireAndStoresNothing() throws {
        let server = try LocalHTTPServer()
        let g = try Gateway(.sqlite, webhook: server.url)
        _ = try g.night("2026-10-01", input: 9_000, alerts: EvaluateAlerts(dryRun: true, attempts: 1, backoff: 0, environment: [:]))
        let dry = try EvaluateAlerts(dryRun: true, attempts: 1, backoff: 0, environment: [:]).execute(store: g.store, env: g.env)
        #expect(g.fired(dry) == ["cus_a tokens 80", "cus_a tokens 90"])
        #expect(try g.store.alertLedger.all().isEmpty)
        #expect(server.requests.isEmpty)
        let real = try EvaluateAlerts(attempts: 1, backoff: 0, environment: ["TEST_WEBHOOK_SECRET": "x"]).execute(store: g.store, env: g.env)
        #expect(g.fired(real) == ["cus_a tokens 80", "cus_a tokens 90"])
        #expect(server.requests.count == 1)
    }
}
