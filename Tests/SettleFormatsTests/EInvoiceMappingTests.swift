import Foundation
import SettleCore
import SettleTestSupport
import Testing
@testable import SettleFormats

/// FINANCE.md's "E-invoices" mapping, figure by figure: how each kind of line is stated, a
/// credit note's signs, the volume discount as an allowance, which identifiers each party
/// carries for each VAT category; and the documents themselves through the official rules.
@Suite struct EInvoiceMappingTests {
    static func d(_ s: String) -> ExactDecimal { ExactDecimal(s)! }

    static let issuer = EInvoice.Issuer(name: "Example AI Ltd", address: "1 Main Street, London EC1A 1BB, United Kingdom", country: "GB",
                                        taxID: "GB123456041", companyID: "09876543", peppolID: "9932:GB123456041",
                                        iban: "GB33BUKB20201555555555", bic: "BUKBGB22",
                                        contact: EInvoice.Contact(name: "Accounts", phone: "+44 20 7946 0000", email: "billing@example-ai.example"))

    /// An invoice of every kind of line: usage per 1M tokens, requests, a service per 1K, a
    /// trial, a prorated fee whose unit price is the month's, and the volume discount.
    static var invoice: Invoice {
        var inv = Invoice(number: "INV-2026-000101", kind: .invoice, customerID: "cus_de", customerName: "Smith & Söhne <GmbH>",
                          period: BillingPeriod(month: PeriodMonth("2026-10")!, billingDay: 1), issueDate: UTCDay("2026-11-01")!,
                          dueDate: UTCDay("2026-11-15")!, currency: "EUR",
                          lines: [
                            InvoiceLine(kind: .planFee, description: "pro plan, 2026-10-20 to 2026-10-31 (12/31 days)", quantity: 1,
                                        unitPrice: d("79.00"), amount: d("30.58")),
                            InvoiceLine(kind: .usage, description: "openai gpt-4o input", quantity: 1_250_000, unitPrice: d("3.125"),
                                        amount: d("3.91"), provider: "openai", model: "gpt-4o", tier: .standard, tokenType: .input),
                            InvoiceLine(kind: .usage, description: "openai web search requests", quantity: 7, unitPrice: d("0.01"),
                                        amount: d("0.07"), provider: "openai", model: "gpt-4o", tier: .standard, tokenType: .request),
                            InvoiceLine(kind: .service, description: "svc_x prompt tokens", quantity: 2853, unitPrice: d("0.40"),
                                        amount: d("1.14"), serviceID: "svc_x"),
                            InvoiceLine(kind: .trial, description: "svc_x free trial", quantity: 1, unitPrice: d("-0.43"), amount: d("-0.43"),
                                        serviceID: "svc_x"),
                            InvoiceLine(kind: .volumeDiscount, description: "volume discount 5 %", quantity: 1, unitPrice: d("-1.76"),
                                        amount: d("-1.76")),
                          ],
                          subtotal: d("33.51"), tax: d("6.37"), total: d("39.88"), creditsApplied: d("10.00"), amountDue: d("29.88"),
                          taxRatePct: d("19"))
        inv.customerAddress = "17 Market Lane, 10115 Berlin, Germany"
        inv.customerTaxID = "DE136695976"
        inv.customerCountry = "DE"
        inv.issuerCountry = "GB"
        return inv
    }

    static let recipient = EInvoice.Recipient(email: "ap@smith.example", peppolID: "9930:DE136695976", buyerReference: "cus_de")

    @Test func eachLineIsStatedSoThatQuantityTimesPriceGivesItsAmount() {
        let e = EInvoice(Self.invoice, format: .peppol, issuer: Self.issuer, recipient: Self.recipient, paymentTermsDays: 14)
        let lines = e.lines.map { "\($0.id) \(EInvoice.number($0.quantity)) × \(EInvoice.number($0.price)) / \($0.baseQuantity ?? 1) = \(EInvoice.amount($0.netAmount, "EUR"))" }
        #expect(lines == [
            "1 1 × 30.58 / 1 = 30.58",               // prorated: the month's 79.00 does not give it, so one unit at the amount
            "2 1250000 × 3.125 / 1000000 = 3.91",    // tokens at a price per million
            "3 7 × 0.01 / 1 = 0.07",                 // requests, one by one
            "4 2853 × 0.4 / 1000 = 1.14",            // a service per thousand
            "5 -1 × 0.43 / 1 = -0.43",               // a trial: a negative quantity, never a negative price (BR-27)
        ])
        #expect(e.allowances == [EInvoice.Allowance(amount: Self.d("1.76"), reason: "volume discount 5 %", category: .standard, ratePct: Self.d("19"))])
        #expect(e.totals == EInvoice.Totals(lineTotal: Self.d("35.27"), allowanceTotal: Self.d("1.76"), taxExclusive: Self.d("33.51"),
                                            tax: Self.d("6.37"), taxInclusive: Self.d("39.88"), prepaid: Self.d("10.00"), payable: Self.d("29.88")))
        #expect(e.typeCode == .commercialInvoice && e.dueDate == UTCDay("2026-11-15") && e.payment?.meansCode == "58")
        #expect(e.seller.vatID == "GB123456041" && e.buyer.vatID == "DE136695976")
        #expect(e.seller.endpoint == EInvoice.Endpoint(scheme: "9932", id: "GB123456041"))
        #expect(e.buyer.endpoint == EInvoice.Endpoint(scheme: "9930", id: "DE136695976"))
        #expect(e.buyer.address == PostalAddress(street: "17 Market Lane", city: "Berlin", postCode: "10115", country: "DE"))
    }

    @Test func aCreditNoteStatesWhatItCreditsAsPositiveAmountsAndNamesTheInvoice() {
        var cn = Self.invoice
        cn.kind = .creditNote
        cn.number = "CN-2026-000007"
        cn.adjusts = "INV-2026-000101"
        cn.lines = [InvoiceLine(kind: .planFee, description: "starter plan", quantity: 1, unitPrice: Self.d("19.00"), amount: Self.d("19.00")),
                    InvoiceLine(kind: .planFee, description: "pro plan", quantity: 1, unitPrice: Self.d("-79.00"), amount: Self.d("-79.00"))]
        (cn.subtotal, cn.tax, cn.total, cn.creditsApplied, cn.amountDue) = (Self.d("-60.00"), Self.d("-11.40"), Self.d("-71.40"), Self.d("-71.40"), .zero)
        let e = EInvoice(cn, format: .cii, issuer: Self.issuer, recipient: Self.recipient, paymentTermsDays: 14)
        #expect(e.typeCode == .creditNote && e.precedingInvoice == "INV-2026-000101")
        #expect(e.lines.map { "\(EInvoice.number($0.quantity)) × \(EInvoice.number($0.price)) = \(EInvoice.amount($0.netAmount, "EUR"))" }
                == ["-1 × 19 = -19.00", "1 × 79 = 79.00"])
        #expect(e.totals.taxExclusive == Self.d("60.00") && e.totals.tax == Self.d("11.40") && e.totals.prepaid == Self.d("71.40")
                && e.totals.payable == .zero)
        #expect(e.dueDate == nil && e.paymentTerms == nil, "a credit note that pays nothing has no due date")
        let ubl = UBLDocument.xml(EInvoice(cn, format: .peppol, issuer: Self.issuer, recipient: Self.recipient, paymentTermsDays: 14))
        #expect(ubl.contains("<CreditNote xmlns=\"urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2\""))
        #expect(ubl.contains("<cbc:CreditNoteTypeCode>381</cbc:CreditNoteTypeCode>") && ubl.contains("<cbc:CreditedQuantity unitCode=\"C62\">-1</cbc:CreditedQuantity>"))
        #expect(ubl.contains("<cac:BillingReference>\n        <cac:InvoiceDocumentReference>\n            <cbc:ID>INV-2026-000101</cbc:ID>"))
    }

    /// BR-O-02: no VAT identifier on a document not subject to VAT; the issuer is named by
    /// its registration number, and the category has no rate (BR-O-05).
    @Test func outsideTheScopeOfVATNeitherPartyCarriesAVATIdentifier() {
        var inv = Self.invoice
        inv.customerCountry = "US"
        inv.customerTaxID = "12-3456789"
        inv.apply(TaxDecision(category: .outsideScope, ratePct: .zero, exemptionCode: "VATEX-EU-O",
                              exemptionReason: "Not subject to VAT: services supplied outside the EU (place of supply: United States (US))",
                              customerCountry: "US"))
        (inv.tax, inv.total, inv.amountDue) = (.zero, Self.d("33.51"), Self.d("23.51"))
        let e = EInvoice(inv, format: .cii, issuer: Self.issuer, recipient: Self.recipient, paymentTermsDays: 14)
        #expect(e.seller.vatID == nil && e.buyer.vatID == nil && e.seller.companyID == "09876543")
        let cii = CIIDocument.xml(e)
        #expect(!cii.contains("schemeID=\"VA\""), "no VAT identifier (SpecifiedTaxRegistration VA) for either party")
        #expect(cii.contains("<ram:ExemptionReasonCode>VATEX-EU-O</ram:ExemptionReasonCode>"))
        #expect(cii.components(separatedBy: "<ram:RateApplicablePercent>").count == 2, "no rate on the lines (BR-O-05); 0 in the breakdown")
        #expect(cii.contains("<ram:RateApplicablePercent>0</ram:RateApplicablePercent>"))
    }

    @Test func valuesAreEscapedNeverMarkup() {
        let ubl = UBLDocument.xml(EInvoice(Self.invoice, format: .xrechnung, issuer: Self.issuer, recipient: Self.recipient, paymentTermsDays: 14))
        #expect(ubl.contains("<cbc:RegistrationName>Smith &amp; Söhne &lt;GmbH&gt;</cbc:RegistrationName>"))
        #expect(ubl.contains("<cbc:CustomizationID>urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0</cbc:CustomizationID>"))
        #expect(ubl.contains("<cbc:BuyerReference>cus_de</cbc:BuyerReference>"))
    }

    @Test(arguments: [
        ("17 Market Lane, 10115 Berlin, Germany", "DE", PostalAddress(street: "17 Market Lane", city: "Berlin", postCode: "10115", country: "DE")),
        ("10 Harbour Street, Edinburgh EH6 6QN, United Kingdom", "GB", PostalAddress(street: "10 Harbour Street", city: "Edinburgh", postCode: "EH6 6QN", country: "GB")),
        ("25 Quay Street, Austin, TX 78701, United States", "US", PostalAddress(street: "25 Quay Street", city: "Austin, TX", postCode: "78701", country: "US")),
        ("Hauptstr. 1", "DE", PostalAddress(street: "Hauptstr. 1", city: "", postCode: "", country: "DE")),
        ("", "FR", PostalAddress(street: "", city: "", postCode: "", country: "FR")),
    ])
    func anAddressLineIsReadAsAPersonReadsIt(line: String, country: String, expected: PostalAddress) {
        #expect(PostalAddress(line: line, country: country) == expected)
    }

    /// The self-billed invoice of a seller at home (GB, like the platform): the seller is the
    /// supplier, its standard rate on the net payout.
    @Test func aSelfBilledInvoiceMakesTheSellerTheSupplier() throws {
        let seller = Seller(id: "lexica-labs", name: "Lexica Labs Ltd", address: "4 Canal Street, Manchester M1 3HE", country: "GB",
                            taxID: "GB100000034", selfBilling: true)
        let payouts = [Payout(seller: "lexica-labs", serviceID: "svc_b", gross: Self.d("10.00"), platformFee: Self.d("1.50"), net: Self.d("8.50")),
                       Payout(seller: "lexica-labs", serviceID: "svc_a", gross: Self.d("2.00"), platformFee: Self.d("0.30"), net: Self.d("1.70"))]
        let e = try EInvoice(selfBilled: seller, payouts: payouts, month: PeriodMonth("2026-10")!, platform: Self.issuer, currency: "USD",
                             paymentTermsDays: 14, rates: ShippedVATRates.book)
        #expect(e.typeCode == .selfBilledInvoice && e.number == "SB-2026-10-lexica-labs" && e.issueDate == UTCDay("2026-11-01"))
        #expect(e.seller.name == "Lexica Labs Ltd" && e.seller.vatID == "GB100000034" && e.buyer.name == "Example AI Ltd")
        #expect(e.lines.map(\.name) == ["svc_a: sales of 2026-10 less the platform fee", "svc_b: sales of 2026-10 less the platform fee"])
        #expect(e.totals.taxExclusive == Self.d("10.20") && e.totals.tax == Self.d("2.04") && e.totals.payable == Self.d("12.24"))
        #expect(e.vatBreakdown.first?.ratePct == Self.d("20"))
    }

    /// Every kind of document in every syntax through the official rules and schemas: an
    /// invoice (Peppol, XRechnung, CII), a corrected invoice (384) naming the invoice it
    /// corrects, a credit note, the O and AE categories, a self-billed invoice.
    @Test func everyKindOfDocumentPassesTheOfficialRules() throws {
        let dir = TempFolder()
        var files: [String] = []
        func write(_ name: String, _ xml: String) { files.append(dir.write(name, xml)) }
        let inv = Self.invoice
        write("peppol.xml", UBLDocument.xml(EInvoice(inv, format: .peppol, issuer: Self.issuer, recipient: Self.recipient, paymentTermsDays: 14)))
        write("xrechnung.xml", UBLDocument.xml(EInvoice(inv, format: .xrechnung, issuer: Self.issuer, recipient: Self.recipient, paymentTermsDays: 14)))
        write("cii.xml", CIIDocument.xml(EInvoice(inv, format: .cii, issuer: Self.issuer, recipient: Self.recipient, paymentTermsDays: 14)))
        var supplementary = inv
        supplementary.kind = .supplementary
        supplementary.adjusts = "INV-2026-000100"
        write("384-peppol.xml", UBLDocument.xml(EInvoice(supplementary, format: .peppol, issuer: Self.issuer, recipient: Self.recipient, paymentTermsDays: 14)))
        write("384-xrechnung.xml", UBLDocument.xml(EInvoice(supplementary, format: .xrechnung, issuer: Self.issuer, recipient: Self.recipient, paymentTermsDays: 14)))
        write("384-cii.xml", CIIDocument.xml(EInvoice(supplementary, format: .cii, issuer: Self.issuer, recipient: Self.recipient, paymentTermsDays: 14)))
        var reverse = inv
        reverse.customerCountry = "IE"
        reverse.customerTaxID = "IE1000316L"
        reverse.customerAddress = "Dublin D02 X285, Ireland"
        reverse.apply(TaxDecision(category: .reverseCharge, ratePct: .zero, exemptionCode: "VATEX-EU-AE", exemptionReason: "Reverse charge: VAT to be accounted for by the recipient (Article 196, Directive 2006/112/EC)",
                                  customerCountry: "IE"))
        (reverse.tax, reverse.total, reverse.amountDue) = (.zero, Self.d("33.51"), Self.d("23.51"))
        write("ae-peppol.xml", UBLDocument.xml(EInvoice(reverse, format: .peppol, issuer: Self.issuer, recipient: Self.recipient, paymentTermsDays: 14)))
        write("ae-cii.xml", CIIDocument.xml(EInvoice(reverse, format: .cii, issuer: Self.issuer, recipient: Self.recipient, paymentTermsDays: 14)))
        var credit = inv
        credit.kind = .creditNote
        credit.adjusts = "INV-2026-000100"
        credit.lines = inv.lines.map { var l = $0; l.amount = -l.amount; l.unitPrice = -l.unitPrice; return l }
        (credit.subtotal, credit.tax, credit.total, credit.creditsApplied, credit.amountDue) = (-inv.subtotal, -inv.tax, -inv.total, -inv.total, .zero)
        write("381-peppol.xml", UBLDocument.xml(EInvoice(credit, format: .peppol, issuer: Self.issuer, recipient: Self.recipient, paymentTermsDays: 14)))
        write("381-cii.xml", CIIDocument.xml(EInvoice(credit, format: .cii, issuer: Self.issuer, recipient: Self.recipient, paymentTermsDays: 14)))
        let seller = Seller(id: "querysmith", name: "Querysmith Inc", address: "500 Howard Street, San Francisco, CA 94105", country: "US",
                            taxID: "94-1234567", selfBilling: true)
        let payout = Payout(seller: "querysmith", serviceID: "svc_sql", gross: Self.d("3.00"), platformFee: Self.d("0.38"), net: Self.d("2.62"))
        write("389.xml", UBLDocument.xml(try EInvoice(selfBilled: seller, payouts: [payout], month: PeriodMonth("2026-10")!, platform: Self.issuer,
                                                      currency: "USD", paymentTermsDays: 14, rates: ShippedVATRates.book)))
        // Peppol allows 384 between German parties only (PEPPOL-EN16931-P0112): there a
        // supplementary invoice is a 380 naming the invoice it adds to.
        #expect(dir.read("384-peppol.xml").contains("<cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>"))
        #expect(dir.read("384-xrechnung.xml").contains("<cbc:InvoiceTypeCode>384</cbc:InvoiceTypeCode>"))
        #expect(dir.read("384-cii.xml").contains("<ram:TypeCode>384</ram:TypeCode>"))
        #expect(dir.read("384-peppol.xml").contains("<cbc:ID>INV-2026-000100</cbc:ID>"))
        guard let rules = try EInvoiceCheck.validate(files) else { return }
        #expect(rules.status == 0 && rules.passed == files.count, "\(rules.output)")
        guard let schema = try EInvoiceCheck.checkSchema(files) else { return }
        #expect(schema.status == 0 && schema.passed == files.count, "\(schema.output)")
    }
}
