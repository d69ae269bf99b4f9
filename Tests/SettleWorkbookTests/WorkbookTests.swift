import Foundation
import Testing
import SettleCore
import SettleFormats
import SettleTestSupport
@testable import SettleWorkbook

@Suite struct WorkbookTests {
    func part(_ file: String, _ name: String) throws -> String { try XLSXPart.read(file, name) }

    func sample() -> Workbook {
        var book = Workbook(currency: "USD")
        var summary = Sheet(name: "Summary", columns: [
            .init("provider"), .init("cells", .integer, total: true), .init("money at risk", .money, total: true),
        ])
        summary.append([.text("openai"), .integer(120), .number(ExactDecimal("12.50")!)])
        summary.append([.text("anthropic"), .integer(80), .number(ExactDecimal("0.07")!)])
        book.add(summary)
        var prices = Sheet(name: "Prices", columns: [.init("model"), .init("unit price", .decimal)])
        prices.append([.text("gpt-4o"), .number(ExactDecimal("0.0000025")!)])
        prices.append([.text("note, \"quoted\" & <tagged>"), .empty])
        book.add(prices)
        return book
    }

    @Test func sheetsTypesFrozenHeadersFiltersAndTotals() throws {
        let dir = TempFolder()
        let path = "\(dir.path)/out/report.xlsx"
        try sample().write(to: path)
        #expect(dir.files(in: "out") == ["report.xlsx"])   // no temporary file left behind

        let workbook = try part(path, "xl/workbook.xml")
        #expect(workbook.contains(#"<sheet name="Summary" sheetId="1""#))
        #expect(workbook.contains(#"<sheet name="Prices" sheetId="2""#))

        let sheet = try part(path, "xl/worksheets/sheet1.xml")
        #expect(sheet.contains(#"state="frozen""#))
        #expect(sheet.contains(#"ySplit="1""#))
        #expect(sheet.contains(#"<autoFilter ref="A1:C3"/>"#))
        // Numbers are numbers (no t="s"); the header and names are shared strings.
        #expect(sheet.range(of: #"<c r="B2" s="\d+"><v>120</v></c>"#, options: .regularExpression) != nil)
        #expect(sheet.range(of: #"<c r="C2" s="\d+"><v>12.5</v></c>"#, options: .regularExpression) != nil)
        #expect(sheet.range(of: #"<c r="A2"( s="\d+")? t="s"><v>\d+</v></c>"#, options: .regularExpression) != nil, "\(sheet)")
        // Totals are formulas whose cached values are the totals.
        #expect(sheet.contains("<f>SUM(B2:B3)</f><v>200</v>"))
        #expect(sheet.contains("<f>SUM(C2:C3)</f><v>12.57</v>"))

        let styles = try part(path, "xl/styles.xml")
        #expect(styles.contains(#"formatCode="[$USD] #,##0.00;-[$USD] #,##0.00""#))

        let strings = try part(path, "xl/sharedStrings.xml")
        #expect(strings.contains("note, &quot;quoted&quot; &amp; &lt;tagged&gt;") || strings.contains("note, \"quoted\" &amp; &lt;tagged&gt;"))
        let prices = try part(path, "xl/worksheets/sheet2.xml")
        #expect(prices.contains("<v>2.5E-06</v>") || prices.contains("<v>2.5e-06</v>") || prices.contains("<v>0.0000025</v>"))
        #expect(!prices.contains("<f>"))  // no totals asked for
    }

    /// The fast conversion gives the same double as parsing the decimal text, whatever the value.
    @Test func cellsHoldTheDoubleNearestTheExactValue() {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> UInt64 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return state
        }
        var mismatches: [String] = []
        for scale in 0...24 {
            for _ in 0..<400 {
                let bits = Int(next() % 64)
                let magnitude = Int128(next() >> UInt64(63 - min(bits, 63)))
                let d = ExactDecimal(significand: next() % 2 == 0 ? magnitude : -magnitude, scale: scale)
                if Sheet.double(d) != Double(d.description)! { mismatches.append(d.description) }
            }
        }
        for text in ["0.1", "0.7", "99.60", "79.01", "9007199254740993", "123456789012345678901234.5", "0.000000000000000000000001"] {
            let d = ExactDecimal(text)!
            if Sheet.double(d) != Double(text)! { mismatches.append(text) }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
    }

    /// Past a size the workbook streams its rows (strings inline): the same cells either way.
    @Test func aStreamedWorkbookHoldsTheSameCells() throws {
        let dir = TempFolder()
        var streamed = sample()
        streamed.streamingCells = 0
        try streamed.write(to: "\(dir.path)/streamed.xlsx")
        let sheet = try part("\(dir.path)/streamed.xlsx", "xl/worksheets/sheet1.xml")
        #expect(sheet.range(of: #"<c r="A2"( s="\d+")? t="inlineStr"><is><t>openai</t></is></c>"#, options: .regularExpression) != nil, "\(sheet)")
        #expect(sheet.range(of: #"<c r="B2" s="\d+"><v>120</v></c>"#, options: .regularExpression) != nil)
        #expect(sheet.contains("<f>SUM(C2:C3)</f><v>12.57</v>"))
        #expect(sheet.contains(#"<autoFilter ref="A1:C3"/>"#))
        let prices = try part("\(dir.path)/streamed.xlsx", "xl/worksheets/sheet2.xml")
        #expect(prices.contains("note, &quot;quoted&quot; &amp; &lt;tagged&gt;") || prices.contains("note, \"quoted\" &amp; &lt;tagged&gt;"))
        // libxlsxwriter's temporary files (in the output folder) and ours are gone.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["streamed.xlsx"])
    }

    /// A sheet's rows past its memory allowance go to a temporary file; read back, they are
    /// the same cells and totals, and the workbook the same bytes, as rows held in memory.
    @Test func rowsKeptInATemporaryFileMakeTheSameWorkbook() throws {
        let dir = TempFolder()
        func book(spillBytes: Int) -> Workbook {
            var book = Workbook(currency: "USD", created: Timestamp(rfc3339: "2026-11-01T00:00:00Z")!)
            var sheet = Sheet(name: "Customers", columns: [.init("customer_id"), .init("events", .integer, total: true),
                                                           .init("amount", .money, total: true), .init("rate", .decimal), .init("note")],
                              spillBytes: spillBytes)
            for i in 0..<500 {
                sheet.append([.text("cus_\(i)"), .integer(Int64(i) * 1_000_003), .number(ExactDecimal("\(i).\(i % 100)")!),
                              i % 3 == 0 ? .empty : .number(ExactDecimal("-0.000000000000000000\(i)")!),
                              .text(i % 7 == 0 ? "" : "note, \"ünïcode\" \(i)")])
            }
            book.add(sheet)
            return book
        }
        let inMemory = book(spillBytes: 1 << 30), spilled = book(spillBytes: 64)
        #expect(spilled.sheets[0].rowCount == 500)
        #expect(spilled.sheets[0].total(of: 1) == ExactDecimal(Int64((0..<500).reduce(0) { $0 + $1 * 1_000_003 })))
        #expect(spilled.sheets[0].total(of: 2) == inMemory.sheets[0].total(of: 2))
        var a: [[Sheet.Cell]] = [], b: [[Sheet.Cell]] = []
        try inMemory.sheets[0].forEachRow { a.append($0) }
        try spilled.sheets[0].forEachRow { b.append($0) }
        #expect(a.count == 500 && a == b)
        #expect(b[499] == [.text("cus_499"), .integer(499 * 1_000_003), .number(ExactDecimal("499.99")!),
                           .number(ExactDecimal("-0.000000000000000000499")!), .text("note, \"ünïcode\" 499")])
        try inMemory.write(to: "\(dir.path)/a.xlsx")
        try spilled.write(to: "\(dir.path)/b.xlsx")
        #expect(FileManager.default.contents(atPath: "\(dir.path)/a.xlsx") == FileManager.default.contents(atPath: "\(dir.path)/b.xlsx"))
        // A copy appended to does not change the original (value semantics).
        var copy = spilled.sheets[0]
        copy.append([.text("extra"), .integer(1), .number(.zero), .empty, .empty])
        #expect(copy.rowCount == 501 && spilled.sheets[0].rowCount == 500)
    }

    @Test func aKilledWritesPartsAreInAHiddenFolderThatTheSweepRemoves() throws {
        let dir = TempFolder()
        // What a run killed while libxlsxwriter streamed a workbook leaves: its parts folder.
        dir.write("reconciliation/2026-10-25/.reconciliation.xlsx.parts.tmp-4242/tmp.Ab12Cd", "half a sheet")
        dir.write("reconciliation/2026-10-25/reconciliation.csv", "day\r\n")
        #expect(FileSystem.removeStaleTemporaries(under: "\(dir.path)/reconciliation") == 1)
        #expect(dir.files(in: "reconciliation/2026-10-25") == ["reconciliation.csv"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: "\(dir.path)/reconciliation/2026-10-25") == ["reconciliation.csv"])
    }

    @Test func columnLettersGoPastZ() {
        #expect(Sheet.columnLetter(0) == "A")
        #expect(Sheet.columnLetter(25) == "Z")
        #expect(Sheet.columnLetter(26) == "AA")
        #expect(Sheet.columnLetter(701) == "ZZ")
        #expect(Sheet.columnLetter(702) == "AAA")
    }

    @Test func anUnwritableFolderIsAClearError() {
        #expect(throws: (any Error).self) {
            try sample().write(to: "/proc/settle-cannot-write-here/report.xlsx")
        }
    }
}
