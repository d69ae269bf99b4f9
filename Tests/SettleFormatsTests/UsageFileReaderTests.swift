import Testing
import SettleCore
import SettleTestSupport
@testable import SettleFormats

@Suite struct UsageFileReaderTests {
    func rows(_ path: String) throws -> (events: [UsageEvent], quarantined: [QuarantinedRow], summary: LineReader.Summary) {
        let reader = try UsageFileReader.open(path: path)
        var events: [UsageEvent] = []
        var quarantined: [QuarantinedRow] = []
        let summary = try reader.forEachRow { row in
            switch row {
            case .event(let e, _): events.append(e)
            case .quarantined(let q): quarantined.append(q)
            }
        }
        return (events, quarantined, summary)
    }

    @Test func jsonLinesSkipsBlankLinesButKeepsLineNumbers() throws {
        let dir = TempFolder()
        let path = dir.write("u.jsonl", UsageLines.json("a") + "\r\n\n   \n" + "{broken\n" + UsageLines.json("b"))
        let r = try rows(path)
        #expect(r.events.map(\.requestID) == ["a", "b"])
        #expect(r.quarantined.map(\.line) == [4])
        #expect(r.quarantined.first?.raw == "{broken")
        #expect(r.summary.lines == 5)
        // sha256 of the exact bytes, as sha256sum prints it.
        #expect(r.summary.sha256.count == 64)
    }

    @Test func aLineLongerThanTheReadChunkIsReadWhole() throws {
        let dir = TempFolder()
        let pad = String(repeating: "x", count: 3 << 20)
        let path = dir.write("long.jsonl", UsageLines.json("big", extra: ",\"note\":\"\(pad)\"") + "\n" + UsageLines.json("next"))
        let r = try rows(path)
        #expect(r.events.map(\.requestID) == ["big", "next"])
    }

    @Test func csvWithAnyColumnOrderQuotedFieldsAndBadRows() throws {
        let dir = TempFolder()
        let path = dir.write("u.csv", """
            ts,request_id,customer_id,provider,model,input_tokens,output_tokens,tier,note\r
            2026-10-03T12:00:00Z,r1,cus_1,openai,gpt-4o,10,2,,"a, b"\r
            2026-10-03T12:00:01Z,r2,cus_1,openai,gpt-4o,10,2,batch,"two
            lines"\r
            2026-10-03T12:00:02Z,r3,cus_1,openai,gpt-4o,10\r
            2026-10-03T12:00:03Z,r4,cus_1,openai,gpt-4o,10,-2,,\r

            """)
        let r = try rows(path)
        #expect(r.events.map(\.requestID) == ["r1", "r2"])
        #expect(r.events[1].tier == .batch)
        #expect(r.quarantined.map(\.line) == [5, 6])
        #expect(r.quarantined[0].reason == "wrong_column_count: 6 columns, the header has 9")
        #expect(r.quarantined[1].reason == "negative_count: output_tokens is -2")
    }

    @Test func aCSVWithoutTheUsageColumnsIsUnreadable() {
        let dir = TempFolder()
        let path = dir.write("bills.csv", "provider,date,model,token_type,tier,quantity,cost\nopenai,2026-10-03,gpt-4o,input,,10,0.01\n")
        #expect {
            _ = try UsageFileReader.open(path: path)
        } throws: { error in
            "\(error)".contains("bills.csv:1: not a usage CSV: the header lacks request_id, ts, customer_id, input_tokens, output_tokens")
        }
    }

    @Test func formatIsDetectedFromContentWhenTheNameDoesNotSay() throws {
        let dir = TempFolder()
        let json = dir.write("events.log", UsageLines.json("a"))
        #expect(try UsageFileReader.open(path: json).kind == .jsonl)
        let csv = dir.write("events.txt", "request_id,ts,customer_id,provider,model,input_tokens,output_tokens\n")
        #expect(try UsageFileReader.open(path: csv).kind == .csv)
        let wrong = dir.write("events.jsonl", "hello\n")
        #expect(throws: InputFileError.self) { _ = try UsageFileReader.open(path: wrong) }
        #expect(throws: InputFileError.self) { _ = try UsageFileReader.open(path: "\(dir.path)/missing.jsonl") }
    }
}
