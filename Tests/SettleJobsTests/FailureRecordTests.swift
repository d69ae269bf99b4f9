import Foundation
import Testing
import SettleCore
import SettleFormats
import SettleStore
import SettleTestSupport
@testable import SettleJobs

/// What a failed run leaves for the operator: the exit status it really ended with, in the run
/// record as on the command line, and no secret in any message.
@Suite struct FailureRecordTests {
    @Test func eachFailureHasTheExitStatusPRODUCTGivesIt() {
        #expect(ExitStatus(failure: ConfigError(file: "settle.toml", key: "plans.pro", "bad")) == .config)
        #expect(ExitStatus(failure: InputFileError(path: "x.json", "not a report")) == .dataError)
        #expect(ExitStatus(failure: LockHeld(holder: "nightly")) == .locked)
        #expect(ExitStatus(failure: StoreError("disk full")) == .failed)
        #expect(ExitStatus.dataError.runStatus == .failed && ExitStatus.locked.runStatus == .lockedOut)
    }

    @Test(arguments: StoreKind.all)
    func aNightlyStoppedByAnUnreadableReportRecordsExit65(kind: StoreKind) throws {
        let dir = TempFolder()
        dir.write("settle.toml", """
            [inbox]
            usage = "inbox/usage"
            bills = "inbox/bills"
            [catalog]
            customers = "customers.csv"
            prices = "prices.csv"
            """)
        dir.write("customers.csv", "customer_id,name,email,plan,billing_day,tax_rate_pct,alert_webhook\n")
        dir.write("prices.csv", "provider,model,token_type,tier,price,per,effective_from\n")
        try FileSystem.createDirectory("\(dir.path)/inbox/usage")
        dir.write("inbox/bills/costs.json", #"{"results_url": "https://example.com/export/1"}"#)
        let (store, url) = try kind.makeStore(in: dir)
        let config = try ConfigLoader.load(path: "\(dir.path)/settle.toml", explicit: true)
        let env = JobEnvironment(config: config, databaseURL: url, outDir: "\(dir.path)/out",
                                 clock: { Timestamp(rfc3339: "2026-11-02T03:00:00Z")! })
        #expect(throws: InputFileError.self) { try Nightly(date: UTCDay("2026-11-01")!).execute(store: store, env: env) }
        let record = try #require(try store.runs(last: 1).first)
        #expect(record.job == "nightly" && record.exitCode == 65 && record.status == .failed)
        #expect(record.message?.contains("costs.json") == true)
        let file = try #require(dir.files(in: "out/runs").first)
        #expect(dir.read("out/runs/\(file)").contains(#""exit_code": 65"#))
    }

    @Test func aWebhookURLIsShownByItsHostAlone() {
        let url = "https://hooks.slack.com/services/T0001/B0002/SeCrEtToKeN"
        #expect(WebhookPoster.host(of: url) == "hooks.slack.com")
        #expect(WebhookPoster.host(of: "not a url") == "(not a URL)" || WebhookPoster.host(of: "not a url") == "(no host)")
        // A delivery that fails says why without the URL's path.
        let refused = WebhookPoster(timeout: 5).post(url: "http://127.0.0.1:1/services/T0001/B0002/SeCrEtToKeN", body: "{}", headers: [:])
        #expect(!refused.delivered)
        #expect(!refused.description.contains("SeCrEtToKeN"), "\(refused.description)")
    }

    @Test func aSignatureIsCheckedWholeAndOnlyWhole() {
        let header = WebhookSignature.header(body: "{}", secret: "s3cret", at: 1_700_000_000)
        #expect(WebhookSignature.verify(header: header, body: "{}", secret: "s3cret"))
        #expect(!WebhookSignature.verify(header: header, body: "{ }", secret: "s3cret"))
        #expect(!WebhookSignature.verify(header: String(header.dropLast()), body: "{}", secret: "s3cret"))
        #expect(!WebhookSignature.verify(header: header + "0", body: "{}", secret: "s3cret"))
        #expect(!WebhookSignature.verify(header: "t=1700000000", body: "{}", secret: "s3cret"))
    }
}
