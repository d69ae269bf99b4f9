import Testing
@testable import SettleFormats

@Suite struct CSVTests {
    func feed(_ lines: [String]) -> [[String]] {
        var parser = CSVRecordParser()
        var out: [[String]] = []
        for l in lines {
            if case .record(let r) = Array(l.utf8).withUnsafeBytes({ parser.feed($0) }) { out.append(r) }
        }
        return out
    }

    @Test func splitsQuotedFieldsWithCommasQuotesAndLineBreaks() {
        #expect(feed(["a,\"b,c\",\"say \"\"hi\"\"\",,e"]) == [["a", "b,c", "say \"hi\"", "", "e"]])
        #expect(feed(["1,\"two", "lines\",3"]) == [["1", "two\nlines", "3"]])
    }

    @Test func writesWhatItReads() {
        let fields = ["plain", "with,comma", "with \"quote\"", "two\nlines", ""]
        let text = CSVText.record(fields)
        #expect(text == "plain,\"with,comma\",\"with \"\"quote\"\"\",\"two\nlines\",\r\n")
        // "\r\n" is a single Character, so one dropLast removes the record's line break.
        let lines = String(text.dropLast()).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(feed(lines) == [fields])
    }
}
