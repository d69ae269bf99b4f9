import Foundation
import Testing
import SettleCore
import SettleFormats
import SettleStore
import SettleTestSupport
@testable import SettleJobs

/// E-invoices through real month-ends on each store: an issuer in Germany, a German customer on
/// XRechnung, a Belgian business on Peppol (reverse charge), a French business on CII, a US
/// company on Factur-X (not subject to VAT). October is issued; late October usage is settled by
/// November's close as supplementary invoices, which name the invoice they add to. Every file
/// passes the official rules and schemas, and the same store gives the same bytes.
@Suite struct EInvoiceJobTests {
    static let toml = """
        [catalog]
        customers = "customers.csv"
        prices = "prices.csv"
        [markup]
        default_pct = "0"
        [plans.pro]
        monthly_fee = "100.00"
        [invoices]
        payment_terms_days = 30
        [invoices.issuer]
        name = "Beispiel KI GmbH"
        address = "Hauptstraße 1, 10115 Berlin, Germany"
        country = "DE"
        tax_id = "DE136695976"
        company_id = "HRB 123456"
        peppol_id = "9930:DE136695976"
        iban = "DE89370400440532013000"
        bic = "COBADEFFXXX"
        contact_name = "Buchhaltung"
        contact_phone = "+49 30 1234567"
        contact_email = "rechnung@beispiel-ki.example"
        """

    static let customers = """
        customer_id,name,email,plan,billing_day,tax_rate_pct,alert_webhook,effective_from,address,tax_id,country,einvoice,peppol_id
        cus_de,Heim GmbH,ap@heim.example,pro,1,,,,"Lindenweg 4, 80331 München, Germany",DE204760908,DE,xrechnung,
        cus_be,Schelde NV,ap@schelde.example,pro,1,,,,"Kaai 12, 2000 Antwerpen, Belgium",BE0477472701,BE,peppol,0208:0477472701
        cus_fr,Affaires SA,ap@affaires.example,pro,1,,,,"5 rue de la Paix, 75002 Paris, France",FR40303265045,FR,cii,
        cus_us,Acme Inc,ap@acme.example,pro,1,,,,"500 Howard Street, San Francisco, CA 94105, United States",12-3456789,US,facturx,

        """

    @Test(arguments: StoreKind.all)
    func everyFormatThroughAMonthEndAndItsSupplementaryInvoices(kind: StoreKind) throws {
        let dir = TempFolder()
        dir.write("settle.toml", Self.toml)
        dir.write("customers.csv", Self.customers)
        dir.write("prices.csv", "provider,model,token_type,tier,price,per,effective_from\nopenai,gpt-4o,input,,2.50,1M,2026-01-01\n")
        let (store, url) = try kind.makeStore(in: dir)
        let env = try IssuedMeansIssuedTests.env(dir, url)
        let ids = ["cus_de", "cus_be", "cus_fr", "cus_us"]
        try IssuedMeansIssuedTests.ingest(dir, store, env, "oct.jsonl", ids.enumerated().map { i, c in
            UsageLines.json("r\(i)", customer: c, ts: "2026-10-03T10:00:00Z", input: 1_000_000, output: 0)
        }, from: "2026-10-01", to: "2026-10-31")
        let oct = try Close(month: PeriodMonth("2026-10")!, issueDate: UTCDay("2026-11-02")).execute(store: store, env: env)
        #expect(oct.invoices.issuedCount == 4)
        try IssuedMeansIssuedTests.ingest(dir, store, env, "late.jsonl", ids.enumerated().map { i, c in
            UsageLines.json("late\(i)", customer: c, ts: "2026-10-20T10:00:00Z", input: 2_000_000, output: 0)
        }, from: "2026-10-20", to: "2026-10-20")
        let nov = try Close(month: PeriodMonth("2026-11")!, issueDate: UTCDay("2026-12-02")).execute(store: store, env: env)
        #expect(nov.earlier.first?.adjustmentCount == 4)

        let folder = "\(dir.path)/out/invoices/2026-10"
        let names = FileSystem.names(in: folder).sorted()
        // An invoice and a supplementary invoice for each of the three XML customers.
        let xml = names.filter { $0.hasSuffix(".xml") }
        #expect(xml.count == 6, "\(names)")
        var byCustomer: [String: [(Invoice, String)]] = [:]
        for name in names where name.hasSuffix(".json") {
            let doc = try InvoiceDocument.read(String(contentsOfFile: "\(folder)/\(name)", encoding: .utf8))
            byCustomer[doc.customerID, default: []].append((doc, String(name.dropLast(5))))
        }
        func text(_ customer: String, _ kind: Invoice.Kind, _ ext: String) throws -> String {
            let number = try #require(byCustomer[customer]?.first { $0.0.kind == kind }?.1)
            return try String(contentsOfFile: "\(folder)/\(number).\(ext)", encoding: .utf8)
        }
        // The German supplementary invoice is a 384 naming the invoice it adds to; on Peppol,
        // which allows 384 between German parties only, a 380 naming it.
        let deFirst = try #require(byCustomer["cus_de"]?.first { $0.0.kind == .invoice }?.1)
        let deLate = try text("cus_de", .supplementary, "xml")
        #expect(deLate.contains("<cbc:InvoiceTypeCode>384</cbc:InvoiceTypeCode>") && deLate.contains("<cbc:ID>\(deFirst)</cbc:ID>"))
        #expect(deLate.contains("xrechnung_3.0") && deLate.contains("<cbc:BuyerReference>cus_de</cbc:BuyerReference>"))
        let beLate = try text("cus_be", .supplementary, "xml")
        #expect(beLate.contains("<cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>") && beLate.contains("<cac:BillingReference>"))
        #expect(beLate.contains("<cbc:TaxExemptionReasonCode>VATEX-EU-AE</cbc:TaxExemptionReasonCode>"))
        #expect(beLate.contains("<cbc:EndpointID schemeID=\"0208\">0477472701</cbc:EndpointID>"))
        let frLate = try text("cus_fr", .supplementary, "xml")
        #expect(frLate.contains("<ram:TypeCode>384</ram:TypeCode>") && frLate.contains("<ram:InvoiceReferencedDocument>"))
        // October's invoice for the German customer: 100.00 fee + 2.50 usage, 19 % German VAT.
        let deOct = try text("cus_de", .invoice, "xml")
        #expect(deOct.contains("<cbc:TaxExclusiveAmount currencyID=\"USD\">102.50</cbc:TaxExclusiveAmount>"))
        #expect(deOct.contains("<cbc:TaxAmount currencyID=\"USD\">19.48</cbc:TaxAmount>"))
        #expect(deOct.contains("<cbc:PayableAmount currencyID=\"USD\">121.98</cbc:PayableAmount>"))
        // BT-83: the structured creditor reference (ISO 11649) of the invoice's number.
        let deNumber = try #require(byCustomer["cus_de"]?.first { $0.0.kind == .invoice }?.0.number)
        #expect(deOct.contains("<cbc:PaymentID>\(CreditorReference.of(invoiceNumber: deNumber) ?? "-")</cbc:PaymentID>"))
        // The US customer's documents are Factur-X PDFs, no XML beside them.
        let usNumbers = (byCustomer["cus_us"] ?? []).map(\.1)
        #expect(usNumbers.count == 2 && usNumbers.allSatisfy { !names.contains("\($0).xml") })

        let files = xml.map { "\(folder)/\($0)" }
        let pdfs = usNumbers.map { "\(folder)/\($0).pdf" }
        if let rules = try EInvoiceCheck.validate(files) {
            #expect(rules.status == 0 && rules.passed == files.count, "\(rules.output)")
        }
        if let schema = try EInvoiceCheck.checkSchema(files + pdfs) {
            #expect(schema.status == 0 && schema.passed == files.count + pdfs.count, "\(schema.output)")
        }
        // The documents again from the same store: the same bytes.
        let before = try (files + pdfs).map { try Data(contentsOf: URL(fileURLWithPath: $0)) }
        _ = try RenderDocuments(month: PeriodMonth("2026-10")!).execute(store: store, env: env)
        #expect(try (files + pdfs).map { try Data(contentsOf: URL(fileURLWithPath: $0)) } == before)
    }
}
