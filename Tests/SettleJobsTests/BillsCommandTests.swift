import Foundation
import Testing
import SettleCore
import SettleStore
import SettleTestSupport

/// `settle ingest bills` and `settle reconcile` as cron runs them: exit statuses, messages, and
/// nothing written when a report cannot be read at all.
@Suite struct BillsCommandTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("fixtures").path

    @Test(arguments: StoreKind.all)
    func exitStatusesOfIngestBillsAndReconcile(kind: StoreKind) throws {
        let dir = TempFolder()
        let (store, url) = try kind.makeStore(in: dir)
        let base = ["--config", "\(Self.fixtures)/settle.toml", "--database", url, "--out", "\(dir.path)/out"]

        // A truncated download among good files: exit 65 naming it, and no file of the run is stored.
        let cut = dir.write("in/openai-usage-cut.json", String(try String(contentsOfFile: "\(Self.fixtures)/bills/openai-usage-2026-10-25-2026-10-31.json", encoding: .utf8).prefix(6_000)))
        let broken = try SettleProcess.run(base + ["ingest", "bills", "\(Self.fixtures)/bills", cut], in: dir.path)
        #expect(broken.status == 65)
        #expect(broken.stderr.contains("openai-usage-cut.json"))
        #expect(broken.stderr.contains("truncated"))
        #expect(try store.providerBills.billedProviders().isEmpty)

        // A record that cannot be used is quarantined: exit 3, the rest stored.
        let odd = dir.write("in/mistral.csv", "provider,date,model,token_type,tier,quantity,cost\nmistral,2026-10-25,m,input,,10,0.01\nmistral,2026-10-32,m,input,,10,0.01\n")
        let quarantined = try SettleProcess.run(base + ["ingest", "bills", odd], in: dir.path)
        #expect(quarantined.status == 3)
        #expect(quarantined.stdout.contains("read 2, accepted 1, duplicates 0, quarantined 1"))
        #expect(quarantined.stderr.contains("bad_time 1"))

        let usage = try SettleProcess.run(base + ["--quiet", "ingest", "usage", "\(Self.fixtures)/usage"], in: dir.path)
        #expect(usage.status == 3)   // the fixtures' broken rows
        let bills = try SettleProcess.run(base + ["ingest", "bills", "\(Self.fixtures)/bills"], in: dir.path)
        #expect(bills.status == 0, "\(bills.stderr)")
        #expect(bills.stdout.contains("cur (bedrock 2026-10-25…2026-10-31): read 61, accepted 54, duplicates 0, quarantined 0, skipped 7"))

        let day = try SettleProcess.run(base + ["reconcile", "--date", "2026-10-29"], in: dir.path)
        #expect(day.status == 3)
        #expect(day.stdout.contains("2026-10-29 openai: 31/32 cells matched (1 missing_in_gateway)"))
        #expect(day.stderr.contains("not matched (missing_in_gateway 1, unpriced 2); money at risk $1.25"))
        #expect(FileManager.default.fileExists(atPath: "\(dir.path)/out/reconciliation/2026-10-29/reconciliation.xlsx"))

        let quiet = try SettleProcess.run(base + ["--quiet", "reconcile", "--date", "2026-10-26"], in: dir.path)
        #expect(quiet.status == 3)
        #expect(quiet.stdout.isEmpty)
        #expect(quiet.stderr.contains("token_mismatch 1"))

        let bad = try SettleProcess.run(base + ["reconcile", "--from", "2026-10-31", "--to", "2026-10-25"], in: dir.path)
        #expect(bad.status == 64)
        #expect(bad.stderr.contains("is after --to"))
    }
}
