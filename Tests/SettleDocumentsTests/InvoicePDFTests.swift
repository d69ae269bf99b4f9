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
        // Columns apart by any number of spaces read as one.
        let text = try text(of: InvoicePDF.render(inv, issuer: Self.issuer, paper: .a4, paymentTermsDays: 14))
            .split(separator: " ").joined(separator: " ")
        for figure in ["INV-2026-000042", "2026-11-15", "2026-11-29", "2026-10-15 – 2026-11-14", "Northwind Analytics",
                       "1 Harbour Street, Bristol BS1 4ST", "GB123456789", "settle gateway Ltd", "0.0000025 per 1M tokens", "3,000", "3.25",
                       "Tax (19 %)", "12.34 USD", "-10.00 USD", "\(inv.subtotal.formatted(places: 2)) USD", "\(inv.amountDue.formatted(places: 2)) USD",
                       "Page 1 of 1", "Payment due by 2026-11-29"] {
            #expect(text.contains(figure), "\(figure) in:\n\(text)")
        }
    }

    /// PRODUCT.md, "Invoice documents": a reader checks every line with a pencil. The unit
    /// price names its unit and prints the JSON's decimals, quantities have thousands
    /// separators, and the two lines of an item whose price changed inside the period each say
    /// which days they cover (an item at one price says none).
    @Test func everyLineCanBeCheckedWithAPencil() throws {
        let period = BillingPeriod(month: PeriodMonth("2026-10")!, billingDay: 1)
        let customer = CustomerHistory(versions: [Customer(id: "cus_p", name: "Pencil Ltd", email: "p@example.com", plan: "pro",
                                                           billingDay: 1, taxRatePct: .zero)])
        let service = Service(id: "svc_x", seller: "sellco", model: "x-model", promptPricePer1K: Self.money("0.004"),
                              completionPricePer1K: Self.money("0.012"), platformFeePct: Self.money("15"), trialTokens: 0)
        let rules = InvoiceRules(currency: "USD", paymentTermsDays: 14, volumeDiscounts: [], services: [service],
                                 plans: ["pro": Plan(name: "pro", monthlyFee: Self.money("19"))])
        func usage(_ type: TokenType, _ perToken: String, _ quantity: Int64, _ days: ClosedRange<Int>, service: String = "") -> UsageSummaryLine {
            UsageSummaryLine(provider: service.isEmpty ? "google" : "sellco", model: service.isEmpty ? "m1" : "x-model", tier: .standard,
                             tokenType: type, serviceID: service, unitPrice: Self.money(perToken), quantity: quantity, errorQuantity: 0,
                             charge: nil, from: UTCDay("2026-10-\(String(format: "%02d", days.lowerBound))"),
                             through: UTCDay("2026-10-\(String(format: "%02d", days.upperBound))"))
        }
        let lines = [
            usage(.input, "0.00000048", 3_917, 1...31),             // 0.48 per 1M tokens, one price all month: no days
            usage(.output, "0.0000024", 110_000_000, 1...14),      // 2.40 per 1M tokens until the change
            usage(.output, "0.000003", 2_000_000, 15...31),        // 3.00 per 1M tokens after it
            usage(.request, "0.01", 1_200, 1...31),
            usage(.input, "0.000004", 5_000, 3...9, service: "svc_x"),
        ]
        var inv = try #require(rules.invoice(customer: customer, period: period, usage: lines, trials: [], issueDate: UTCDay("2026-11-01")!))
        inv.number = "INV-2026-000077"
        inv.lines.append(InvoiceLine(kind: .adjustment, description: "goodwill", quantity: 1, unitPrice: Self.money("-79"),
                                     amount: Self.money("-79.00")))
        let text = try text(of: InvoicePDF.render(inv, issuer: Self.issuer, paper: .letter, paymentTermsDays: 14))
            .split(separator: " ").joined(separator: " ")
        for figure in ["3,917", "0.48 per 1M tokens", "110,000,000", "2.40 per 1M tokens", "264.00", "2,000,000", "3.00 per 1M tokens",
                       "1,200", "0.01 per request", "12.00", "5,000", "0.004 per 1K tokens", "0.02", "19.00 per month", "-79.00",
                       // The two output lines' days (a description wraps beside the figures).
                       "google m1 output, 2026-10-01 to", "google m1 output, 2026-10-15 to", "\n2026-10-14", "\n2026-10-31"] {
            #expect(text.contains(figure), "\(figure) in:\n\(text)")
        }
        let rows = text.components(separatedBy: "\n")
        let input = try #require(rows.first { $0.contains("google m1 input") })
        #expect(!input.contains("2026-10-") && input.contains("3,917") && input.contains("0.00"), "\(input)")
        #expect(!text.contains("3917") && !text.contains(" 2.4 ") && !text.contains("-79 "))
    }

    /// A credit note is not paid: no due date anywhere on it; an invoice has one.
    @Test func aCreditNoteShowsNoDueDate() throws {
        var note = Self.invoice(lines: 2)
        note.kind = .creditNote
        note.adjusts = "INV-2026-000001"
        let text = try text(of: InvoicePDF.render(note, issuer: Self.issuer, paper: .a4, paymentTermsDays: 14))
        #expect(text.contains("Credit note") && text.contains("Issue date: 2026-11-15") && text.contains("Adjusts: INV-2026-000001"), "\(text)")
        #expect(!text.contains("Due date") && !text.contains("Payment due") && !text.contains("2026-11-29"), "\(text)")
        // "Credited to your account" may wrap; "Amount due" is never printed over it.
        let due = try #require(text.components(separatedBy: "\n").first { $0.contains("Amount due") }, "\(text)")
        #expect(!due.contains("account") && !due.contains("Credited"), "\(due)")
        let invoice = try self.text(of: InvoicePDF.render(Self.invoice(lines: 2), issuer: Self.issuer, paper: .a4, paymentTermsDays: 14))
        #expect(invoice.contains("Due date: 2026-11-29"), "\(invoice)")
    }

    /// A seller statement's totals: a label such as "svc_radiology_report_summarizer platform
    /// fee (15 %)" takes one line, and one too long for any line wraps and pushes the next label
    /// down instead of printing over it.
    @Test func statementLabelsNeverPrintOverEachOther() throws {
        let mid = "svc_radiology_report_summarizer", long = "northwind-clinical-notes-summarizer-eu-west-1-backup"
        let services = [
            StatementPDF.Service(serviceID: mid, gross: Self.money("100.00"), feePct: Self.money("15"), fee: Self.money("15.00"),
                                 net: Self.money("85.00")),
            StatementPDF.Service(serviceID: long, gross: Self.money("200.00"), feePct: Self.money("20"), fee: Self.money("40.00"),
                                 net: Self.money("160.00")),
        ]
        let lines = [["INV-2026-000001", "cus_0001", mid, "service", "radiology prompt tokens", "1250000", "100.00"],
                     ["INV-2026-000002", "cus_0002", long, "service", "northwind prompt tokens", "110000000", "200.00"]]
        let pdf = StatementPDF.render(seller: "codewell", period: PeriodMonth("2026-10")!, currency: "USD", lines: lines, services: services,
                                      issuer: Self.issuer, paper: .a4, created: UTCDay("2026-11-01")!)
        let text = try text(of: pdf)
        #expect(text.contains("1,250,000") && text.contains("110,000,000"), "\(text)")
        let rows = text.components(separatedBy: "\n")
        // The fee's label and amount on one line, its rate wrapping below if it must; "net"
        // on a line of its own after it, never printed over it.
        let fee = try #require(rows.firstIndex { $0.contains("\(mid) platform fee") }, "\(text)")
        #expect(rows[fee].contains("-15.00 USD") && !rows[fee].contains("net"), "\(rows[fee])")
        let net = try #require(rows.firstIndex { $0.contains("\(mid) net") }, "\(text)")
        #expect(net > fee && rows[net].contains("85.00 USD") && !rows[net].contains("fee") && !rows[net].contains("%"), "\(rows[net])")
        // Wraps: the long service's "net" label and its amount on a line of their own, after
        // the line where its fee's rate ends.
        let longNet = try #require(rows.lastIndex { $0.contains("160.00 USD") }, "\(text)")
        #expect(!rows[longNet].contains("%") && !rows[longNet].contains("fee"), "\(text)")
        let feeEnd = try #require(rows[..<longNet].lastIndex { $0.contains("(20 %)") }, "\(text)")
        #expect(feeEnd > net && !rows[feeEnd].contains("radiology") && !rows[feeEnd].contains("160.00"), "\(text)")
        #expect(text.contains("Owed to codewell"), "\(text)")
    }

    @Test func quantitiesHaveThousandsSeparators() {
        #expect([0, 7, 999, 1_000, 3_917, 110_000_000, -1_250].map { Figures.grouped(Int64($0)) }
                == ["0", "7", "999", "1,000", "3,917", "110,000,000", "-1,250"])
        #expect(Figures.grouped(Int64.min) == "-9,223,372,036,854,775,808" && Figures.grouped("12.5") == "12.5")
    }

    @Test func fortyLinesBreakPagesWithTheHeaderRepeated() throws {
        let pdf = InvoicePDF.render(Self.invoice(lines: 40), issuer: Self.issuer, paper: .a4, paymentTermsDays: 14)
        let text = try text(of: pdf)
        // Descriptions wrap beside the unit's column: three pages of lines two text lines high.
        #expect(text.contains("Page 1 of 3") && text.contains("Page 3 of 3"), "\(text)")
        #expect(text.components(separatedBy: "Description").count - 1 == 3)
        #expect(text.contains("line 40") && text.contains("40.25"))
        #expect(text.contains("Invoice INV-2026-000042 (continued)"))
    }

    @Test func namesInAnyScriptPrint() throws {
        for name in ["Αθηναϊκή Ανάλυση Α.Ε.", "شركة نور", "北风分析有限公司"] {
            let text = try text(of: InvoicePDF.render(Self.invoice(lines: 1, name: name), issuer: Self.issuer, paper: .letter, paymentTermsDays: 14))
            #expect(text.contains(name), "\(name) in:\n\(text)")
        }
    }

    /// FINANCE.md, "Tax": a document that charges no VAT says why, beside its totals.
    @Test func aReverseChargePrintsItsWords() throws {
        var inv = Self.invoice(lines: 3)
        inv.apply(TaxDecision(category: .reverseCharge, ratePct: .zero, exemptionCode: "VATEX-EU-AE",
                              exemptionReason: "Reverse charge: VAT to be accounted for by the recipient (Article 196, Directive 2006/112/EC)",
                              customerCountry: "FR"))
        let text = try self.text(of: InvoicePDF.render(inv, issuer: Self.issuer, paper: .a4, paymentTermsDays: 14))
            .split(whereSeparator: \.isWhitespace).joined(separator: " ")
        // Wrapped beside the totals, which the text extraction interleaves line by line.
        for part in ["Reverse charge: VAT to be accounted", "for by the recipient (Article 196,", "Directive 2006/112/EC)"] {
            #expect(text.contains(part), "\(part)")
        }
        #expect(text.contains("Tax (0 %)") && text.contains("Tax ID GB123456789"))
        let plain = try self.text(of: InvoicePDF.render(Self.invoice(lines: 3), issuer: Self.issuer, paper: .a4, paymentTermsDays: 14))
        #expect(!plain.contains("Reverse charge"))
    }

    @Test func theSameDocumentGivesTheSameBytes() {
        let inv = Self.invoice(lines: 12)
        let a = InvoicePDF.render(inv, issuer: Self.issuer, paper: .a4, paymentTermsDays: 14)
        let b = InvoicePDF.render(inv, issuer: Self.issuer, paper: .a4, paymentTermsDays: 14)
        #expect(a.count > 1_000 && a == b)
        #expect(String(decoding: a.prefix(5), as: UTF8.self) == "%PDF-")
    }

    /// Texts shaped for one document are drawn again on the next (`ShapedTexts`): a document's
    /// bytes must not depend on what its thread rendered before, on either paper, nor on how
    /// many texts the thread has dropped since.
    @Test func aDocumentsBytesDoNotDependOnWhatItsThreadRenderedBefore() {
        let inv = Self.invoice(lines: 12)
        let other = Self.invoice(lines: 40, name: "Ελληνικά Εργαστήρια")
        func onAFreshThread(_ body: @escaping @Sendable () -> [UInt8]) -> [UInt8] {
            final class Box: @unchecked Sendable { var bytes: [UInt8] = [] }
            let box = Box(), done = DispatchSemaphore(value: 0)
            Thread { box.bytes = body(); done.signal() }.start()
            done.wait()
            return box.bytes
        }
        let alone = onAFreshThread { InvoicePDF.render(inv, issuer: Self.issuer, paper: .a4, paymentTermsDays: 14) }
        let after = onAFreshThread {
            _ = InvoicePDF.render(other, issuer: Self.issuer, paper: .letter, paymentTermsDays: 30)
            _ = InvoicePDF.render(inv, issuer: Self.issuer, paper: .letter, paymentTermsDays: 14)
            return InvoicePDF.render(inv, issuer: Self.issuer, paper: .a4, paymentTermsDays: 14)
        }
        let afterManyTexts = onAFreshThread {
            // More distinct texts than the thread keeps: the document's own are shaped anew.
            _ = InvoicePDF.render(inv, issuer: Self.issuer, paper: .a4, paymentTermsDays: 14)
            for n in 0..<(2 * ShapedTexts.limit / 40 + 1) {
                var many = Self.invoice(lines: 40, name: "Customer \(n)")
                for i in many.lines.indices { many.lines[i].description += " of batch \(n)" }
                _ = InvoicePDF.render(many, issuer: Self.issuer, paper: .a4, paymentTermsDays: 14)
            }
            return InvoicePDF.render(inv, issuer: Self.issuer, paper: .a4, paymentTermsDays: 14)
        }
        #expect(alone.count > 1_000)
        #expect(after == alone)
        #expect(afterManyTexts == alone)
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

    /// A short cell with a line break is as tall as its lines: the one-line shortcut (few bytes
    /// for the width) does not apply to it, so its row never overlaps the next.
    @Test func aShortCellWithALineBreakIsMeasuredByItsLines() {
        let canvas = PDFCanvas(paper: .a4, created: "2026-11-01T00:00:00Z", title: "t")
        let line = 10.0
        #expect(canvas.cellHeight("gpt-4o", width: 200, font: "DejaVu Sans 8.5", size: 8.5, line: line) == line)
        let three = canvas.cellHeight("a\nb\nc", width: 200, font: "DejaVu Sans 8.5", size: 8.5, line: line)
        #expect(three > 2.5 * line, "three lines: \(three)")
    }
}
