import Testing
import SettleCore
@testable import SettleFormats

@Suite struct FlatJSONObjectTests {
    func decode(_ line: String) -> UsageRow {
        Array(line.utf8).withUnsafeBytes { JSONLinesUsageDecoder().decode($0, lineNumber: 7, source: "in.jsonl") }
    }

    func event(_ line: String) -> UsageEvent? {
        if case .event(let e, _) = decode(line) { return e }
        return nil
    }

    func reason(_ line: String) -> String? {
        if case .quarantined(let q) = decode(line) { return q.reason }
        return nil
    }

    @Test func decodesEscapesNumbersAsStringsAndIgnoresUnknownMembers() {
        let e = event(#"{"request_id":"r\"1\u00e9","ts":"2026-10-03T12:00:00Z","customer_id":"c\\1","provider":"openai","model":"gpt-4o","input_tokens":"120","output_tokens":7,"meta":{"a":[1,{"b":"}"}]},"flag":true,"x":null,"latency_ms":12}"#)
        #expect(e?.requestID == "r\"1é")
        #expect(e?.customerID == "c\\1")
        #expect(e?.inputTokens == 120)
        #expect(e?.outputTokens == 7)
        #expect(e?.latencyMs == 12)
    }

    @Test func decodesSurrogatePairs() {
        let e = event(#"{"request_id":"\ud83d\ude00","ts":"2026-10-03T12:00:00Z","customer_id":"c","provider":"p","model":"m","input_tokens":1,"output_tokens":1}"#)
        #expect(e?.requestID == "😀")
    }

    @Test func reportsWhereTheJSONBreaks() {
        #expect(reason(#"{"request_id":"r1","ts":"#) == "not_json: invalid JSON at column 25: expected a value")
        #expect(reason(#"{"request_id":"r1" "ts":1}"#) == "not_json: invalid JSON at column 20: expected , or }")
        #expect(reason("[1,2]") == "not_json: invalid JSON at column 1: expected an object starting with {")
        #expect(reason(#"{"a":1} trailing"#) == "not_json: invalid JSON at column 9: expected end of line after the object")
        #expect(reason(#"{"a":"unterminated}"#) == "not_json: invalid JSON at column 20: expected a closing quote")
        #expect(reason(#"{"a":tru}"#)?.hasPrefix("not_json:") == true)
    }

    @Test func refusesInvalidUTF8() {
        var bytes = Array(#"{"request_id":"r"#.utf8)
        bytes += [0xC3, 0x28]
        bytes += Array(#"","ts":"2026-10-03T12:00:00Z","customer_id":"c","provider":"p","model":"m","input_tokens":1,"output_tokens":1}"#.utf8)
        let row = bytes.withUnsafeBytes { JSONLinesUsageDecoder().decode($0, lineNumber: 1, source: "x") }
        guard case .quarantined(let q) = row else { Issue.record("invalid UTF-8 was accepted"); return }
        #expect(q.reason.contains("valid UTF-8"))
    }

    @Test func validatorAgreesWithTheStandardLibrary() {
        let samples: [[UInt8]] = [Array("plain".utf8), Array("é漢😀".utf8), [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80],
                                  [0xE2, 0x82], [0x80], [0xF0, 0x9F, 0x98, 0x80]]
        for s in samples {
            let ours = s.withUnsafeBytes { UTF8Text.isValidUTF8($0) }
            #expect(ours == (String(validating: s, as: UTF8.self) != nil), "\(s)")
        }
    }

    @Test func nonIntegerNumbersAreKeptAsTextForTheReason() {
        #expect(reason(#"{"request_id":"r","ts":"2026-10-03T12:00:00Z","customer_id":"c","provider":"p","model":"m","input_tokens":1e3,"output_tokens":1}"#)
            == "not_a_count: input_tokens \"1e3\" is not a whole number")
        #expect(reason(#"{"request_id":"r","ts":"2026-10-03T12:00:00Z","customer_id":"c","provider":"p","model":"m","input_tokens":99999999999999999999,"output_tokens":1}"#)
            == "not_a_count: input_tokens \"99999999999999999999\" is not a whole number")
    }
}

@Suite struct JSONStringScanTests {
    func parse(_ json: String) -> Result<[String], FlatJSONObject.SyntaxError> {
        var values: [String] = []
        var failure: FlatJSONObject.SyntaxError?
        Array(json.utf8).withUnsafeBytes { buf in
            do {
                try FlatJSONObject.parse(buf, wants: { _ in 0 }) { _, v in
                    if case .text(let s) = v { values.append(s) }
                }
            } catch {
                failure = error as? FlatJSONObject.SyntaxError
            }
        }
        if let failure { return .failure(failure) }
        return .success(values)
    }

    @Test func stringsOfEveryLengthAroundAWordBoundary() throws {
        for length in 0...20 {
            let plain = String(repeating: "a", count: length)
            let accented = String(repeating: "é", count: length)
            let escaped = String(repeating: "b", count: length) + "\\\"q"
            #expect(try parse(#"{"k":"\#(plain)","l":"\#(accented)","m":"\#(escaped)"}"#).get()
                == [plain, accented, String(repeating: "b", count: length) + "\"q"])
        }
    }

    @Test func controlCharactersAndUnterminatedStringsAreRefusedWhereverTheyAre() {
        for prefix in 0...17 {
            let body = String(repeating: "x", count: prefix)
            guard case .failure(let e) = parse("{\"k\":\"\(body)\tz\"}") else { Issue.record("tab accepted at \(prefix)"); continue }
            #expect(e.column == 7 + prefix)
            guard case .failure(let u) = parse("{\"k\":\"\(body)") else { Issue.record("unterminated accepted"); continue }
            #expect(u.expected == "a closing quote")
        }
        #expect((try? parse(#"{"k":"ends with backslash\\"}"#).get()) == ["ends with backslash\\"])
    }
}
