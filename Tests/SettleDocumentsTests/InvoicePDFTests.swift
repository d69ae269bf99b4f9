import Foundation
import Testing
import SettleCore
import SettleTestSupport
@testable import SettleDocuments

/// The PDF a customer receives, read back with poppler's `pdftotext`: every figure of the
/// document, the table's header on every page, names in any script, and the same bytes twice.
@Suite struct InvoicePDFTests {
    static func money(_ s: String) -> ExactDecimal { ExactDecimal(s)! }

    static func invoice(lines count: Int, name: String = "Northwind Analytics") -> Invoice {
        let lines = (1...count).map { i in
            InvoiceLine(kind: .usage, description: "openai gpt-4o-2024-08-06 input tokens, line \(i)", quantity: Int64(i) * 1_000,
                        unitPrice: money("0.0000025"), amount: money("\(i).25"))
        }
        let subtotal = lines.reduce(ExactDecimal.zero) { $0 + $1.amount }
        var inv = Invoice(number: "INV-2026-000042", customerID: "cus_0042", customerName: name,
                          period: BillingPeriod(month: PeriodMonth("2026-10")!, billingDay: 15), issueDate: UTCDay("2026-11-15")!,
                          dueDate: UTCDay("2026-11-29")!, currency: "USD", lines: lines, subtotal: subtotal, tax: money("12.34"),
                          total: subtotal + money("12.34"), creditsApplied: money("10.00"), amountDue: subtotal + money("2.34"),
                          taxRatePct: money("19"))
        inv.customerAddress = "1 Harbour Street, Bristol BS1 4ST"
        inv.customerTaxID = "GB123456789"
        return inv
    }

    static let issuer = InvoicePDF.Issuer(name: "settle gateway Ltd", address: "10 Market Square, London", taxID: "GB999")

    func text(of pdf: [UInt8]) throws -> String {
        let dir = TempFolder()
        let path = "\(dir.path)/doc.pdf"
        try Data(pdf).write(to: URL(fileURLWithPath: path))
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/pdftotext")
        p.arguments = ["-layout", path, "-"]
        let pipe = Pipe()
        p.standardOutput = pipe
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        // Bidi marks pdftotext puts around right-to-left text.
        return String(decoding: data, as: UTF8.self).filter { !["\u{202A}", "\u{202B}", "\u{202C}"].contains(String($0)) }
    }

    @Test func everyFigureOfTheDocumentReadsBack() throws {
        let inv = Self.invoice(lines: 3)
        let text = try text(of: InvoicePDF.render(inv, issuer: Self.issuer, paper: .a4, paymentTermsDays: 14))
        for figure in ["INV-2026-000042", "2026-11-15", "2026-11-29", "2026-10-15 – 2026-11-14", "Northwind Analytics",
                       "1 Harbour Street, Bristol BS1 4ST", "GB123456789", "settle gateway Ltd", "0.0000025", "3000", "3.25",
                       "Tax (19 %)", "12.34 USD", "-10.00 USD", "\(inv.subtotal.formatted(places: 2)) USD", "\(inv.amountDue.formatted(places: 2)) USD",
                       "Page 1 of 1", "Payment due by 2026-11-29"] {
            #expect(text.contains(figure), "\(figure) in:\n\(text)")
        }
    }

    @Test func fortyLinesBreakPagesWithTheHeaderRepeated() throws {
        let pdf = InvoicePDF.render(Self.invoice(lines: 40), issuer: Self.issuer, paper: .a4, paymentTermsDays: 14)
        let text = try text(of: pdf)
        #expect(text.contains("Page 1 of 2") && text.contains("Page 2 of 2"), "\(text)")
        #expect(text.components(separatedBy: "Description").count - 1 == 2)
        #expect(text.contains("line 40") && text.contains("40.25"))
        #expect(text.contains("Invoice INV-2026-000042 (continued)"))
    }

    @Test func namesInAnyScriptPrint() throws {
        for name in ["Αθηναϊκή Ανάλυση Α.Ε.", "شركة نور", "北风分析有限公司"] {
            let text = try text(of: InvoicePDF.render(Self.invoice(lines: 1, name: name), issuer: Self.issuer, paper: .letter, paymentTermsDays: 14))
            #expect(text.contains(name), "\(name) in:\n\(text)")
        }
    }

    @Test func theSameDocumentGivesTheSameBytes() {
        let inv = Self.invoice(lines: 12)
        let a = InvoicePDF.render(inv, issuer: Self.issuer, paper: .a4, paymentTermsDays: 14)
        let b = InvoicePDF.render(inv, issuer: Self.issuer, paper: .a4, paymentTermsDays: 14)
        #expect(a.count > 1_000 && a == b)
        #expect(String(decoding: a.prefix(5), as: UTF8.self) == "%PDF-")
    }

    /// `[invoices] logo`: a PNG is drawn (the document grows by the image), anything else is
    /// refused with the file's name.
    @Test func aLogoIsDrawnAndANonPNGIsNamed() throws {
        let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
        let logo = try Logo(path: "\(repo)/docs/invoice-page.png")
        let inv = Self.invoice(lines: 2)
        let plain = InvoicePDF.render(inv, issuer: Self.issuer, paper: .a4, paymentTermsDays: 14)
        let branded = InvoicePDF.render(inv, issuer: Self.issuer, paper: .a4, paymentTermsDays: 14, logo: logo)
        #expect(branded.count > plain.count + 1_000)
        #expect(try text(of: branded).contains("INV-2026-000042"))
        do {
            _ = try Logo(path: "\(repo)/Package.swift")
            Issue.record("Package.swift taken for a PNG")
        } catch {
            #expect(error.description.contains("Package.swift is not a PNG"))
        }
    }
}
