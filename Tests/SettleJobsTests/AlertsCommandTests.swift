import Foundation
import Testing
import SettleCore
import SettleStore
import SettleTestSupport

/// `settle aggregate` and `settle alerts` on the fixture week, as cron runs them.
@Suite struct AlertsCommandTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("fixtures").path

    @Test(arguments: StoreKind.all)
    func aggregateThenAlertsOnTheFixtureWeek(kind: StoreKind) throws {
        let dir = TempFolder()
        let (store, url) = try kind.makeStore(in: dir)
        let server = try LocalHTTPServer()
        // The operator's webhook takes every alert, those of customers with a webhook of their own too.
        let config = try String(contentsOfFile: "\(Self.fixtures)/settle.toml", encoding: .utf8)
            .replacingOccurrences(of: #"webhook_url = """#, with: #"webhook_url = "\#(server.url)""#)
            .replacingOccurrences(of: #"customers = "customers.csv""#, with: #"customers = "\#(Self.fixtures)/customers.csv""#)
            .replacingOccurrences(of: #"prices    = "prices.csv""#, with: #"prices    = "\#(Self.fixtures)/prices.csv""#)
            .replacingOccurrences(of: #"services  = "services.csv""#, with: #"services  = "\#(Self.fixtures)/services.csv""#)
            .replacingOccurrences(of: #"credits   = "credits.csv""#, with: #"credits   = "\#(Self.fixtures)/credits.csv""#)
            .replacingOccurrences(of: #"sellers   = "sellers.csv""#, with: #"sellers   = "\#(Self.fixtures)/sellers.csv""#)
            .replacingOccurrences(of: #"file = "fx/eurofxref-hist.csv""#, with: #"file = "\#(Self.fixtures)/fx/eurofxref-hist.csv""#)
        dir.write("settle.toml", config)
        let base = ["--config", "\(dir.path)/settle.toml", "--database", url, "--out", "\(dir.path)/out"]
        let secret = "correct-horse-battery-staple"

        _ = try SettleProcess.run(base + ["--quiet", "ingest", "usage", "\(Self.fixtures)/usage"], in: dir.path)
        let aggregate = try SettleProcess.run(base + ["aggregate", "--from", "2026-10-25", "--to", "2026-10-31"], in: dir.path)
        #expect(aggregate.status == 3)   // codestral-2508 has no price
        #expect(aggregate.stdout.contains("aggregated 7 days into 48 customer periods"))
        #expect(aggregate.stderr.contains("tokens have no price in force"))

        let dry = try SettleProcess.run(base + ["alerts", "--dry-run"], in: dir.path)
        #expect(dry.status == 0)
        #expect(dry.stdout.contains("would fire critical: cus_0041 2026-10 tokens 100 % (689052 of 500000)"))
        #expect(server.requests.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: "\(dir.path)/out/alerts/alerts.jsonl"))

        let real = try SettleProcess.run(base + ["alerts"], in: dir.path, environment: ["SETTLE_WEBHOOK_SECRET": secret])
        #expect(real.status == 3)   // cus_0009's own webhook host does not exist: pending
        #expect(real.stdout.split(separator: "\n").filter { $0.hasPrefix("fired ") }.count == 14)
        // The host alone: a webhook URL's path may hold its secret.
        #expect(real.stderr.contains("1 webhook delivery pending to hooks.ironbark-support.example ("))
        #expect(!real.stderr.contains("/settle"))
        // The operator's URL got one post holding all 14 new alerts, cus_0009's (its own webhook is down) among them.
        #expect(server.requests.count == 1)
        let operatorCopy = server.requests.first?.body ?? ""
        #expect(operatorCopy.hasPrefix(#"{"alerts":[{"id":"alt_"#))
        #expect(operatorCopy.components(separatedBy: #""customer_id":"#).count - 1 == 14)
        #expect(["cus_0009", "cus_0041", "cus_0045", "cus_0047"].allSatisfy { operatorCopy.contains(#""customer_id":"\#($0)""#) })
        let jsonl = dir.read("out/alerts/alerts.jsonl")
        #expect(jsonl.split(separator: "\n").count == 14)
        // The secret is nowhere in what settle wrote.
        let runs = try FileManager.default.contentsOfDirectory(atPath: "\(dir.path)/out/runs").map { dir.read("out/runs/\($0)") }.joined()
        #expect(!(runs + real.stdout + real.stderr + jsonl).contains(secret))

        let again = try SettleProcess.run(base + ["alerts"], in: dir.path, environment: ["SETTLE_WEBHOOK_SECRET": secret])
        #expect(again.status == 3 && again.stdout.contains("no new alerts"))
        #expect(server.requests.count == 1)
        #expect(dir.read("out/alerts/alerts.jsonl") == jsonl)
        #expect(try store.alertLedger.all().count == 14)

        // Month-end on the same store: drafts for the customers with unpriced usage (exit 3).
        let close = try SettleProcess.run(base + ["invoice", "--period", "2026-10", "--finalize", "--issue-date", "2026-11-28"], in: dir.path)
        #expect(close.status == 3)
        #expect(close.stdout.contains("42 invoices and 0 adjustments issued"))
        #expect(close.stderr.contains("8 invoices stay drafts because usage has no price"))
        let unknown = try SettleProcess.run(base + ["invoice", "--period", "2026-10", "--customer", "cus_nope"], in: dir.path)
        #expect(unknown.status == 64 && unknown.stderr.contains("--customer cus_nope is not in customers.csv"))
    }
}

extension Array {
    subscript(safe i: Int) -> Element? { indices.contains(i) ? self[i] : nil }
}
