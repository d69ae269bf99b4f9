import Foundation
import Testing
import SettleCore
import SettleFormats
import SettleStore
import SettleTestSupport
@testable import SettleJobs

/// `settle documents` after the fixture week's close: a PDF per issued document whose figures,
/// read back with pdftotext, are the JSON's; a statement per seller; and a rerun that rewrites
/// nothing.
@Suite(.serialized) struct DocumentsJobTests {
    static func pdfText(_ path: String) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/pdftotext")
        p.arguments = ["-layout", path, "-"]
        let pipe = Pipe()
        p.standardOutput = pipe
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    @Test(arguments: StoreKind.all)
    func everyIssuedDocumentAndEverySellerGetsAPDFWithItsFigures(kind: StoreKind) throws {
        let site = try CloseAndReportTests.fixtureWeek(kind)
        for date in ["2026-11-01", "2026-11-28"] {
            let close = try site.settle(["close", "--period", "2026-10", "--issue-date", date], at: "\(date)T06:00:00Z")
            #expect(close.status == 3, "\(close.stderr)")
        }
        let run = try site.settle(["documents", "--period", "2026-10"], at: "2026-11-28T07:00:00Z")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("42 PDFs in"), "\(run.stdout)")
        let folder = "\(site.root)/out/invoices/2026-10"
        let numbers = FileSystem.names(in: folder).filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }.sorted()
        #expect(numbers.count == 42)
        #expect(Set(FileSystem.names(in: folder).filter { $0.hasSuffix(".pdf") }) == Set(numbers.map { "\($0).pdf" }))
        for number in numbers {
            let doc = try #require(try? InvoiceDocument.read(try String(contentsOfFile: "\(folder)/\(number).json", encoding: .utf8)))
            let text = try Self.pdfText("\(folder)/\(number).pdf")
            // A credit note is not paid: it has no due date. Unit prices are the JSON's text.
            let due: [String] = doc.kind == .creditNote ? [] : [doc.dueDate.description]
            // Money in the document's own currency (EUR, GBP and JPY customers among the fixtures).
            let c = doc.currency
            let figures: [String] = [number, doc.customerName, doc.issueDate.description] + due
                + ["\(doc.total.formatted(currency: c)) \(c)", "\(doc.amountDue.formatted(currency: c)) \(c)",
                   "\(doc.tax.formatted(currency: c)) \(c)", "\(doc.subtotal.formatted(currency: c)) \(c)"]
                + doc.lines.map { $0.amount.formatted(currency: c) } + doc.lines.map(\.unitPriceText)
                + (doc.exchangeRate.map { ["Rate: 1 USD = \($0.rate.normalized) \(c)", "Rate of: ECB, \($0.date)"] } ?? [])
                + (doc.taxAccounting.map { ["VAT in USD: \($0.formatted(places: 2))"] } ?? [])
                + (doc.paymentReference.map { ["Payment reference: \(CreditorReference.printed($0))"] } ?? [])
            for figure in figures {
                #expect(text.contains(figure), "\(number): \(figure)")
            }
            #expect(doc.kind != .creditNote || !text.contains("Due date"), "\(number)")
            #expect(text.contains("Page 1 of"))
        }
        for seller in ["codewell-health", "lexica-labs", "querysmith"] {
            let text = try Self.pdfText("\(site.root)/out/payouts/2026-10/\(seller).pdf")
            #expect(text.contains("Payout statement") && text.contains("Owed to \(seller)"), "\(seller)")
        }
        // E-invoices for the customers whose einvoice is set (fixtures/customers.csv): an XML
        // file each for peppol, xrechnung and cii, the Factur-X PDF for facturx; self-billed
        // invoices for the sellers who bill themselves through the platform. All pass the rules.
        #expect(run.stdout.contains("e-invoices: "), "\(run.stdout)")
        let catalog = try CatalogLoader.load(config: ConfigLoader.load(path: "\(site.root)/settle.toml", explicit: true))
        var xml: [String] = [], facturX: [String] = []
        for number in numbers {
            let doc = try InvoiceDocument.read(try String(contentsOfFile: "\(folder)/\(number).json", encoding: .utf8))
            let format = catalog.customers[doc.customerID]?.versions.last?.einvoice
            let path = "\(folder)/\(number).xml"
            #expect(FileManager.default.fileExists(atPath: path) == (format != nil && format != .facturx), "\(number) \(String(describing: format))")
            if format == .facturx { facturX.append("\(folder)/\(number).pdf") } else if format != nil { xml.append(path) }
        }
        let selfBilled = ["codewell-health", "lexica-labs", "querysmith"].map { "\(site.root)/out/payouts/2026-10/\($0).xml" }
        // codewell-health is paid in euros: its self-billed invoice is in EUR.
        #expect((try? String(contentsOfFile: selfBilled[0], encoding: .utf8))?.contains("<cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>") == true)
        #expect(xml.count >= 4 && facturX.count >= 1, "\(xml) \(facturX)")
        if let rules = try EInvoiceCheck.validate(xml + selfBilled) {
            #expect(rules.status == 0 && rules.passed == xml.count + 3, "\(rules.output)")
        }
        if let schema = try EInvoiceCheck.checkSchema(xml + selfBilled + facturX) {
            #expect(schema.status == 0 && schema.passed == xml.count + 3 + facturX.count, "\(schema.output)")
        }
        // Again: the same bytes, and no file rewritten.
        let before = site.files.filter { $0.key.hasSuffix(".pdf") || $0.key.hasSuffix(".xml") }
        let mtime = try FileManager.default.attributesOfItem(atPath: "\(folder)/\(numbers[0]).pdf")[.modificationDate] as? Date
        let again = try site.settle(["documents", "--period", "2026-10"], at: "2026-11-29T07:00:00Z")
        #expect(again.status == 0)
        #expect(site.files.filter { $0.key.hasSuffix(".pdf") || $0.key.hasSuffix(".xml") } == before)
        #expect(try FileManager.default.attributesOfItem(atPath: "\(folder)/\(numbers[0]).pdf")[.modificationDate] as? Date == mtime)
    }
}
