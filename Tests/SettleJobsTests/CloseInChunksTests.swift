import Foundation
import Testing
import SettleCore
import SettleFormats
import SettleStore
import SettleTestSupport
@testable import SettleJobs

/// A month-end reads, invoices and writes its customers a chunk at a time, so that a million
/// customers are never held at once. However the customers are cut, the books are the same:
/// every file of the close, the workbooks cell for cell, the numbers in the same order, and the
/// stored state.
@Suite(.serialized) struct CloseInChunksTests {
    /// The fixture week closed twice (before every period has ended, then after), late usage
    /// for October loaded and closed again (adjustments), then `settle report` and `settle
    /// payouts` on their own, with `chunk` customers at a time.
    static func monthEnd(_ kind: StoreKind, chunk: Int) throws -> (files: [String: Data], state: [String]) {
        let site = try CloseAndReportTests.fixtureWeek(kind)
        let config = try ConfigLoader.load(path: "\(site.root)/settle.toml", explicit: true)
        func env(_ now: String) -> JobEnvironment {
            var env = JobEnvironment(config: config, databaseURL: site.url, outDir: "\(site.root)/out")
            let time = Timestamp(rfc3339: now)!
            env.clock = { time }
            return env
        }
        var first = Close(month: PeriodMonth("2026-10")!, issueDate: UTCDay("2026-11-01")!)
        first.chunkSize = chunk
        let early = try first.execute(store: site.store, env: env("2026-11-01T06:00:00Z"))
        #expect(early.invoices.issuedCount == 24 && early.invoices.openPeriodCount == 18, "chunks of \(chunk)")
        // Late October usage for customers already invoiced: the second close adjusts them.
        let late = """
            {"request_id":"req_late_chunks_1","ts":"2026-10-29T10:00:00Z","customer_id":"cus_0003","provider":"openai","model":"gpt-4o-2024-08-06","input_tokens":900000,"output_tokens":120000}
            {"request_id":"req_late_chunks_2","ts":"2026-10-30T10:00:00Z","customer_id":"cus_0005","provider":"openai","model":"gpt-4o-2024-08-06","input_tokens":2500000,"output_tokens":400000}

            """
        try late.write(toFile: "\(site.root)/inbox/usage/late.jsonl", atomically: false, encoding: .utf8)
        let nightly = try site.settle(["--quiet", "nightly", "--date", "2026-11-27"], at: "2026-11-28T03:00:00Z")
        #expect(nightly.status == 0 || nightly.status == 3, "\(nightly.stderr)")
        var second = Close(month: PeriodMonth("2026-10")!, issueDate: UTCDay("2026-11-28")!)
        second.chunkSize = chunk
        let closed = try second.execute(store: site.store, env: env("2026-11-28T06:00:00Z"))
        #expect(closed.invoices.issuedCount == 18, "chunks of \(chunk)")
        #expect(closed.invoices.adjustmentCount == 2, "the late usage of cus_0003 and cus_0005, chunks of \(chunk)")
        var result = FinanceReport(month: PeriodMonth("2026-10")!)
        result.chunkSize = chunk
        _ = try result.execute(store: site.store, env: env("2026-11-28T07:00:00Z"))
        _ = try ComputePayouts(month: PeriodMonth("2026-10")!).execute(store: site.store, env: env("2026-11-28T07:00:00Z"))
        let files = site.files.filter { !$0.key.hasPrefix("runs/") && !$0.key.contains("/runs/") }
        return (files, try site.state())
    }

    @Test(arguments: StoreKind.all)
    func everyChunkSizeWritesTheSameBooks(kind: StoreKind) throws {
        let whole = try Self.monthEnd(kind, chunk: 1_000)
        #expect(whole.files.keys.contains { $0.hasSuffix("invoices/2026-10/index.csv") })
        #expect(whole.files.keys.contains { $0.hasSuffix("reports/2026-10/finance-2026-10.xlsx") })
        #expect(whole.files.keys.contains { $0.contains("payouts/2026-10/statement-") })
        #expect(whole.files.keys.contains { $0.contains("invoices/2026-10/drafts/") })
        for chunk in [1, 7] {
            let cut = try Self.monthEnd(kind, chunk: chunk)
            #expect(Set(cut.files.keys) == Set(whole.files.keys), "chunks of \(chunk): the same files")
            for (name, data) in whole.files where cut.files[name] != data {
                Issue.record("chunks of \(chunk): \(name) differs")
            }
            #expect(cut.state == whole.state, "chunks of \(chunk): the same stored state")
        }
    }
}
