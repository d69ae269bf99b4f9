import Foundation
import Testing
import SettleCore
import SettleTestSupport
@testable import SettleDocuments

/// A Factur-X PDF read back with poppler's tools, as a customer's software would: the embedded
/// `factur-x.xml` is the XML byte for byte, the XMP names PDF/A-3b and the Factur-X EN 16931
/// profile, the page still reads, and the same invoice gives the same bytes.
@Suite struct FacturXPDFTests {
    /// A small CII invoice: only its bytes matter here (the schema and the rules are checked by
    /// Tests/Fixtures/einvoice/check-schema).
    static let xml = Array("""
        <?xml version="1.0" encoding="UTF-8"?>
        <rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100" \
        xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100">
            <rsm:ExchangedDocumentContext>
                <ram:GuidelineSpecifiedDocumentContextParameter>
                    <ram:ID>urn:cen.eu:en16931:2017</ram:ID>
                </ram:GuidelineSpecifiedDocumentContextParameter>
            </rsm:ExchangedDocumentContext>
            <rsm:ExchangedDocument>
                <ram:ID>INV-2026-000042</ram:ID>
                <ram:TypeCode>380</ram:TypeCode>
            </rsm:ExchangedDocument>
        </rsm:CrossIndustryInvoice>

        """.utf8)

    static let metadata = FacturXPDF.Metadata(title: "Invoice INV-2026-000042", author: "settle gateway Ltd",
                                              subject: "Invoice INV-2026-000042 to Northwind Analytics", keywords: "invoice, INV-2026-000042",
                                              documentNumber: "INV-2026-000042", created: "2026-11-15")

    static func rendered(lines: Int = 3) -> [UInt8] {
        InvoicePDF.render(InvoicePDFTests.invoice(lines: lines), issuer: InvoicePDFTests.issuer, paper: .a4, paymentTermsDays: 14)
    }

    /// Runs /usr/bin/`tool` (poppler-utils) and returns what it printed.
    func run(_ tool: String, _ arguments: [String]) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/\(tool)")
        p.arguments = arguments
        let pipe = Pipe()
        p.standardOutput = pipe
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0, "\(tool) \(arguments.joined(separator: " ")) exited \(p.terminationStatus)")
        return String(decoding: data, as: UTF8.self)
    }

    func write(_ bytes: [UInt8], in dir: TempFolder, _ name: String = "invoice.pdf") throws -> String {
        let path = "\(dir.path)/\(name)"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func theEmbeddedXMLComesBackByteForByte() throws {
        let pdf = try FacturXPDF.attach(xml: Self.xml, to: Self.rendered(), metadata: Self.metadata)
        let dir = TempFolder()
        let path = try write(pdf, in: dir)
        let list = try run("pdfdetach", ["-list", path])
        #expect(list.contains("1 embedded files") && list.contains("1: factur-x.xml"), "\(list)")
        let saved = "\(dir.path)/saved.xml"
        _ = try run("pdfdetach", ["-save", "1", "-o", saved, path])
        let back = try [UInt8](Data(contentsOf: URL(fileURLWithPath: saved)))
        #expect(back == Self.xml)
        #expect(String(decoding: pdf.prefix(8), as: UTF8.self) == "%PDF-1.7")
    }

    /// No clock and no random bytes: the same invoice gives the same file, and so does a
    /// Factur-X PDF made again from its own output; another day gives another file.
    @Test func theSameInvoiceGivesTheSameBytes() throws {
        let page = Self.rendered(lines: 12)
        let a = try FacturXPDF.attach(xml: Self.xml, to: page, metadata: Self.metadata)
        let b = try FacturXPDF.attach(xml: Self.xml, to: page, metadata: Self.metadata)
        #expect(a.count > page.count && a == b)
        #expect(try FacturXPDF.attach(xml: Self.xml, to: a, metadata: Self.metadata) == a)
        var later = Self.metadata
        later.created = "2026-11-16"
        #expect(try FacturXPDF.attach(xml: Self.xml, to: page, metadata: later) != a)
    }

    /// PDF/A-3b and Factur-X EN 16931 in the XMP; the Info dictionary says what the XMP says;
    /// values are escaped in the XMP and kept as they are in the Info dictionary.
    @Test func theMetadataNamesPDFA3bAndFacturX() throws {
        var metadata = Self.metadata
        metadata.author = "Smith & Sons <EU> \"Ltd\""
        let pdf = try FacturXPDF.attach(xml: Self.xml, to: Self.rendered(), metadata: metadata)
        let dir = TempFolder()
        let path = try write(pdf, in: dir)
        let xmp = try run("pdfinfo", ["-meta", path])
        for part in ["<pdfaid:part>3</pdfaid:part>", "<pdfaid:conformance>B</pdfaid:conformance>",
                     "<fx:ConformanceLevel>EN 16931</fx:ConformanceLevel>", "<fx:DocumentType>INVOICE</fx:DocumentType>",
                     "<fx:DocumentFileName>factur-x.xml</fx:DocumentFileName>", "<fx:Version>1.0</fx:Version>",
                     "<pdfaSchema:namespaceURI>urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#</pdfaSchema:namespaceURI>",
                     "<rdf:li xml:lang=\"x-default\">Invoice INV-2026-000042</rdf:li>", "Smith &amp; Sons &lt;EU&gt; \"Ltd\"",
                     "<xmp:CreateDate>2026-11-15T00:00:00Z</xmp:CreateDate>", "<pdf:Keywords>invoice, INV-2026-000042</pdf:Keywords>",
                     "<xmp:CreatorTool>settle</xmp:CreatorTool>", "<pdf:Producer>settle</pdf:Producer>"] {
            #expect(xmp.contains(part), "\(part) in:\n\(xmp)")
        }
        #expect(xmp.hasPrefix("<?xpacket begin=\"\u{FEFF}\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>") && xmp.contains("<?xpacket end=\"w\"?>"), "\(xmp)")
        let info = try run("pdfinfo", ["-isodates", path])
        for line in ["Title:           Invoice INV-2026-000042", "Author:          Smith & Sons <EU> \"Ltd\"",
                     "Subject:         Invoice INV-2026-000042 to Northwind Analytics", "Keywords:        invoice, INV-2026-000042",
                     "Creator:         settle", "Producer:        settle", "CreationDate:    2026-11-15T00:00:00Z",
                     "ModDate:         2026-11-15T00:00:00Z", "Metadata Stream: yes", "PDF version:     1.7"] {
            #expect(info.contains(line), "\(line) in:\n\(info)")
        }
        // PDF/A wants the XMP readable as it is: qpdf leaves a metadata stream uncompressed.
        #expect(String(decoding: pdf, as: UTF8.self).contains("<pdfaid:part>3</pdfaid:part>"))
    }

    @Test func thePagesStillRead() throws {
        let page = Self.rendered(lines: 40)
        let pdf = try FacturXPDF.attach(xml: Self.xml, to: page, metadata: Self.metadata)
        let dir = TempFolder()
        let path = try write(pdf, in: dir)
        let text = try run("pdftotext", ["-layout", path, "-"])
        #expect(text.contains("INV-2026-000042") && text.contains("Page 1 of 3") && text.contains("Page 3 of 3"), "\(text)")
    }

    /// What cairo writes and PDF/A forbids is mended, the page unchanged: a name in Greek is
    /// drawn with a CIDFontType2, which gets its /CIDToGIDMap said; the logo's image loses its
    /// `/Interpolate true`.
    @Test func cairosFontsAndImagesAreMadePDFA() throws {
        let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
        let logo = try Logo(path: "\(repo)/docs/invoice-page.png")
        let name = "Αθηναϊκή Ανάλυση Α.Ε."
        let page = InvoicePDF.render(InvoicePDFTests.invoice(lines: 2, name: name), issuer: InvoicePDFTests.issuer, paper: .a4,
                                     paymentTermsDays: 14, logo: logo)
        let before = String(decoding: page, as: UTF8.self)
        #expect(before.contains("/CIDFontType2") && !before.contains("/CIDToGIDMap") && before.contains("/Interpolate true"),
                "cairo's PDF no longer needs mending: this test checks nothing")
        let pdf = try FacturXPDF.attach(xml: Self.xml, to: page, metadata: Self.metadata)
        let after = String(decoding: pdf, as: UTF8.self)
        #expect(after.contains("/CIDFontType2") && after.contains("/CIDToGIDMap /Identity") && !after.contains("/Interpolate"))
        let dir = TempFolder()
        let path = try write(pdf, in: dir)
        let text = try run("pdftotext", ["-layout", path, "-"])
        #expect(text.contains(name) && text.contains("INV-2026-000042"), "\(text)")
    }

    /// The profile kept in SRGBProfile.swift is Debian's sRGB.icc: its size, its ICC header
    /// ("acsp", an RGB display profile of ICC version 2) and its description "sRGB".
    @Test func theSRGBProfileDecodes() throws {
        let profile = try #require(SRGBProfile.bytes)
        #expect(profile.count == SRGBProfile.size && profile.count == 6_922)
        #expect(Array(profile[36..<40]) == Array("acsp".utf8) && Array(profile[12..<20]) == Array("mntrRGB ".utf8) && profile[8] == 2)
        #expect(String(decoding: profile[396..<400], as: UTF8.self) == "sRGB")
    }

    @Test func aBadDayOrABadPDFIsRefusedSayingWhy() {
        var metadata = Self.metadata
        metadata.created = "2026-13-01"
        do {
            _ = try FacturXPDF.attach(xml: Self.xml, to: Self.rendered(), metadata: metadata)
            Issue.record("a 13th month was taken")
        } catch {
            #expect(error.description.contains("INV-2026-000042") && error.description.contains("2026-13-01"), "\(error)")
        }
        do {
            _ = try FacturXPDF.attach(xml: Self.xml, to: Array("not a PDF".utf8), metadata: Self.metadata)
            Issue.record("text was taken for a PDF")
        } catch {
            #expect(error.description.contains("INV-2026-000042: qpdf failed reading the PDF"), "\(error)")
        }
    }
}
