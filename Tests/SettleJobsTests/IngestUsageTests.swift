import Foundation
import Testing
import SettleCore
import SettleFormats
import SettleStore
import SettleTestSupport
@testable import SettleJobs

@Suite struct IngestUsageTests {
    func environment(_ dir: TempFolder, _ url: String) -> JobEnvironment {
        JobEnvironment(config: SettleConfig(), databaseURL: url, outDir: "\(dir.path)/out")
    }

    /// One file with a row for every quarantine reason, between good rows.
    static let mixedFile = UsageLines.file([
        UsageLines.json("ok-1"),
        #"{"request_id":"bad-json","ts":"2026-10-03T12:00:00Z","#,
        #"{"request_id":"no-customer","ts":"2026-10-03T12:00:00Z","provider":"openai","model":"gpt-4o","input_tokens":1,"output_tokens":1}"#,
        UsageLines.json("bad-ts", ts: "2026-10-03T25:00:00Z"),
        UsageLines.json("negative", output: -3),
        UsageLines.json("cache-over", input: 100, cached: 101),
        UsageLines.json("tier", extra: #","tier":"turbo""#),
        UsageLines.json("status", extra: #","status":"failed""#),
        UsageLines.json("requests", extra: #","requests":0"#),
        UsageLines.json("fraction", extra: #","latency_ms":1.5"#),
        UsageLines.json("ok-2"),
        UsageLines.json("ok-1"),
    ])

    @Test(arguments: StoreKind.all)
    func everyRowIsAccountedForAndEachReasonQuarantined(kind: StoreKind) throws {
        let dir = TempFolder()
        let (store, url) = try kind.makeStore(in: dir)
        let path = dir.write("in/day.jsonl", Self.mixedFile)
        let result = try IngestUsage(paths: [path]).execute(store: store, env: environment(dir, url))
        let tally = try #require(result.inputs.first)
        #expect(tally.read == 12)
        #expect(tally.accepted == 2)
        #expect(tally.duplicates == 1)
        #expect(tally.quarantined == 9)
        #expect(tally.balances)
        #expect(result.status == .findings)
        #expect(try store.eventCount() == 2)
        #expect(try store.quarantineCount() == 9)

        let file = try #require(result.quarantineFiles.first)
        #expect(file.hasPrefix("\(dir.path)/out/quarantine/day-\(tally.sha256.prefix(12))"))
        let lines = dir.read(file).split(separator: "\n").map(String.init)
        #expect(lines.count == 9)
        let reasons = lines.compactMap { line -> String? in
            guard let data = line.data(using: .utf8), let obj = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
            return "\(obj["line"]!) \((obj["reason"] as! String).split(separator: ":")[0])"
        }
        #expect(reasons == ["2 not_json", "3 missing_field", "4 bad_timestamp", "5 negative_count", "6 cache_exceeds_input",
                            "7 unknown_tier", "8 unknown_status", "9 requests_below_one", "10 not_a_count"])
        #expect(lines[0].contains(#""source":"\#(path)""#))
        #expect(lines[0].contains(#""raw":"{\"request_id\":\"bad-json\",\"ts\":\"2026-10-03T12:00:00Z\","}"#))
    }

    @Test(arguments: StoreKind.all)
    func theSameFileAgainChangesNothingAndOverlapsAreDuplicates(kind: StoreKind) throws {
        let dir = TempFolder()
        let (store, url) = try kind.makeStore(in: dir)
        let env = environment(dir, url)
        let a = dir.write("a.jsonl", UsageLines.file((1...50).map { UsageLines.json("e\($0)", input: $0) }))
        let b = dir.write("b.csv", "request_id,ts,customer_id,provider,model,input_tokens,output_tokens\n"
            + (41...60).map { "e\($0),2026-10-03T13:00:00Z,cus_1,openai,gpt-4o,\($0),1\n" }.joined())
        let first = try IngestUsage(paths: [a]).execute(store: store, env: env)
        let totalsBefore = try store.usageTotals()
        let again = try IngestUsage(paths: [a]).execute(store: store, env: env)
        #expect(first.inputs[0].accepted == 50)
        #expect(again.inputs[0].accepted == 0)
        #expect(again.inputs[0].duplicates == 50)
        #expect(again.inputs[0].sha256 == first.inputs[0].sha256)
        #expect(try store.usageTotals() == totalsBefore)
        #expect(again.status == .ok)

        let overlap = try IngestUsage(paths: [b]).execute(store: store, env: env)
        #expect(overlap.inputs[0].read == 20)
        #expect(overlap.inputs[0].accepted == 10)
        #expect(overlap.inputs[0].duplicates == 10)
        #expect(try store.eventCount() == 60)
        #expect(try store.usageTotals().first?.inputTokens == Int64((1...60).reduce(0, +)))
    }

    @Test(arguments: StoreKind.all)
    func theRunRecordCarriesTheInputsLedger(kind: StoreKind) throws {
        let dir = TempFolder()
        let (store, url) = try kind.makeStore(in: dir)
        let path = dir.write("in/day.jsonl", Self.mixedFile)
        let result = try IngestUsage(paths: ["\(dir.path)/in"]).execute(store: store, env: environment(dir, url))
        let record = try #require(result.runRecord)
        let json = dir.read("out/runs/\(record.runID).json")
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(obj["run_id"] as? String == record.runID)
        #expect(obj["job"] as? String == "ingest-usage")
        #expect(obj["status"] as? String == "succeeded_with_findings")
        #expect(obj["exit_code"] as? Int == 3)
        #expect(obj["finished_at"] as? String != nil)
        let inputs = try #require(obj["inputs"] as? [[String: Any]])
        #expect(inputs.count == 1)
        #expect(inputs[0]["path"] as? String == path)
        #expect((inputs[0]["sha256"] as? String)?.count == 64)
        #expect(inputs[0]["read"] as? Int == 12)
        #expect(inputs[0]["accepted"] as? Int == 2)
        #expect(inputs[0]["duplicates"] as? Int == 1)
        #expect(inputs[0]["quarantined"] as? Int == 9)
        let stored = try store.runs(last: 1)
        #expect(stored.first?.inputs.first?.read == 12)
        #expect(stored.first?.exitCode == 3)
    }

    @Test(arguments: StoreKind.all)
    func anUnreadableFileStopsTheRunBeforeAnythingIsWritten(kind: StoreKind) throws {
        let dir = TempFolder()
        let (store, url) = try kind.makeStore(in: dir)
        let good = dir.write("a.jsonl", UsageLines.file([UsageLines.json("e1")]))
        let bad = dir.write("b.csv", "provider,date,model\n")
        #expect(throws: InputFileError.self) {
            _ = try IngestUsage(paths: [good, bad]).execute(store: store, env: environment(dir, url))
        }
        #expect(try store.eventCount() == 0)
        #expect(try store.runs(last: 5).isEmpty)
    }

    @Test func theSHA256IsThatOfTheFileBytes() throws {
        let dir = TempFolder()
        let path = dir.write("a.jsonl", "{}\n")
        let summary = try LineReader(path: path).forEachLine { _, _ in true }
        // sha256("{}\n")
        #expect(summary.sha256 == "ca3d163bab055381827226140568f3bef7eaac187cebd76878e0b63e9e442356")
    }
}
