import Foundation
import SettleCore
import SettleFormats
import Testing
import SettleTestSupport

/// The official e-invoice rules the project keeps in Tests/Fixtures/einvoice (CEN EN 16931 for
/// UBL and CII, OpenPeppol BIS Billing 3.0, KoSIT XRechnung 3.0; their README says where each
/// comes from) run here through saxonche: OpenPeppol's own examples pass, and an example broken
/// on purpose fails with the rule it breaks, so a check that passes settle's documents is one
/// that can fail. scripts/test installs saxonche and names its python in
/// $SETTLE_EINVOICE_PYTHON; under CI=true a run without it fails instead of checking nothing.
@Suite struct EInvoiceRulesTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let folder = root.appendingPathComponent("Tests/Fixtures/einvoice")

    static func validate(_ files: [String]) throws -> (status: Int32, output: String)? {
        try EInvoiceCheck.validate(files).map { ($0.status, $0.output) }
    }

    @Test func openPeppolsExamplesPassEveryRule() throws {
        let examples = try FileManager.default.contentsOfDirectory(atPath: Self.folder.appendingPathComponent("examples").path)
            .filter { $0.hasSuffix(".xml") }.sorted().map { Self.folder.appendingPathComponent("examples/\($0)").path }
        #expect(examples.count == 8)
        guard let (status, output) = try Self.validate(examples) else { return }
        #expect(status == 0, "\(output)")
        #expect(output.components(separatedBy: ": ok (0 errors").count - 1 == examples.count, "\(output)")
    }

    /// The base example with its payable amount changed: the totals no longer add up (BR-CO-16:
    /// amount due = total with VAT − paid amount + rounding), and the validator says so.
    @Test func anExampleBrokenOnPurposeFailsNamingTheRule() throws {
        let example = try String(contentsOf: Self.folder.appendingPathComponent("examples/base-example.xml"), encoding: .utf8)
        let payable = try #require(example.range(of: #"<cbc:PayableAmount currencyID="EUR">[0-9.]+</cbc:PayableAmount>"#, options: .regularExpression))
        let broken = example.replacingCharacters(in: payable, with: #"<cbc:PayableAmount currencyID="EUR">1.00</cbc:PayableAmount>"#)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("settle-einvoice-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("broken.xml").path
        try broken.write(toFile: path, atomically: true, encoding: .utf8)
        guard let (status, output) = try Self.validate([path]) else { return }
        #expect(status == 1, "\(output)")
        #expect(output.contains("broken.xml: FAIL") && output.contains("BR-CO-16"), "\(output)")
    }

    /// The schema check fails too when it should: a UBL invoice whose ID is gone (the schema
    /// requires it), a CII invoice of a type the Factur-X schematron does not allow, and a PDF
    /// that carries no factur-x.xml.
    @Test func theSchemaCheckFailsWhatItShould() throws {
        let example = try String(contentsOf: Self.folder.appendingPathComponent("examples/base-example.xml"), encoding: .utf8)
        let dir = TempFolder("settle-schema")
        let noID = dir.write("no-id.xml", example.replacingOccurrences(of: "<cbc:ID>Snippet1</cbc:ID>", with: ""))
        let cii = CIIDocument.xml(EInvoice(EInvoiceMappingTests.invoice, format: .cii, issuer: EInvoiceMappingTests.issuer,
                                           recipient: EInvoiceMappingTests.recipient, paymentTermsDays: 14))
        let good = dir.write("good.xml", cii)
        let badType = dir.write("bad-type.xml", cii.replacingOccurrences(of: "<ram:TypeCode>380</ram:TypeCode>", with: "<ram:TypeCode>999</ram:TypeCode>"))
        let plainPDF = dir.write("plain.pdf", "%PDF-1.4\n%%EOF\n")
        guard let outcome = try EInvoiceCheck.checkSchema([noID, good, badType, plainPDF]) else { return }
        #expect(outcome.status == 1, "\(outcome.output)")
        #expect(outcome.output.contains("good.xml: ok"), "\(outcome.output)")
        for bad in ["no-id.xml", "bad-type.xml", "plain.pdf"] {
            #expect(outcome.output.contains("\(bad): FAIL"), "\(bad): \(outcome.output)")
        }
        #expect(outcome.passed == 1)
    }
}
