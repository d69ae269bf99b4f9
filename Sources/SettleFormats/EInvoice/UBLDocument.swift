import SettleCore

/// An `EInvoice` in UBL 2.1, the syntax of Peppol BIS Billing 3.0 and XRechnung: an
/// `Invoice` (380, 384, 389) or a `CreditNote` (381), elements in the order the UBL schema
/// fixes, no empty element (Peppol's PEPPOL-EN16931-R008), every amount with its currency.
public enum UBLDocument {
    static let cac = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
    static let cbc = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"

    public static func xml(_ e: EInvoice) -> String {
        let credit = e.typeCode == .creditNote
        let root = credit ? "CreditNote" : "Invoice"
        var w = XMLWriter()
        w.open(root, ["xmlns": "urn:oasis:names:specification:ubl:schema:xsd:\(root)-2", "xmlns:cac": cac, "xmlns:cbc": cbc])
        w.leaf("cbc:CustomizationID", e.specification.rawValue)
        if let profile = e.specification.profileID { w.leaf("cbc:ProfileID", profile) }
        w.leaf("cbc:ID", e.number)
        w.leaf("cbc:IssueDate", e.issueDate.description)
        // A credit note has no DueDate of its own: UBL puts BT-9 in its payment means.
        if !credit, let due = e.dueDate { w.leaf("cbc:DueDate", due.description) }
        w.leaf(credit ? "cbc:CreditNoteTypeCode" : "cbc:InvoiceTypeCode", e.typeCode.rawValue)
        w.leaf("cbc:DocumentCurrencyCode", e.currency)
        if let taxCurrency = e.taxCurrency { w.leaf("cbc:TaxCurrencyCode", taxCurrency) }
        w.leaf("cbc:BuyerReference", e.buyerReference)
        w.open("cac:InvoicePeriod")
        w.leaf("cbc:StartDate", e.periodStart.description)
        w.leaf("cbc:EndDate", e.periodEnd.description)
        w.close()
        if let preceding = e.precedingInvoice {
            w.open("cac:BillingReference")
            w.open("cac:InvoiceDocumentReference")
            w.leaf("cbc:ID", preceding)
            w.close()
            w.close()
        }
        w.open("cac:AccountingSupplierParty")
        party(e.seller, into: &w)
        w.close()
        w.open("cac:AccountingCustomerParty")
        party(e.buyer, into: &w)
        w.close()
        if let p = e.payment {
            w.open("cac:PaymentMeans")
            w.leaf("cbc:PaymentMeansCode", p.meansCode)
            if credit, let due = e.dueDate { w.leaf("cbc:PaymentDueDate", due.description) }
            w.leaf("cbc:PaymentID", p.remittance)
            w.open("cac:PayeeFinancialAccount")
            w.leaf("cbc:ID", p.iban)
            if let bic = p.bic {
                w.open("cac:FinancialInstitutionBranch")
                w.leaf("cbc:ID", bic)
                w.close()
            }
            w.close()
            w.close()
        }
        if let terms = e.paymentTerms {
            w.open("cac:PaymentTerms")
            w.leaf("cbc:Note", terms)
            w.close()
        }
        let money: KeyValuePairs<String, String> = ["currencyID": e.currency]
        for a in e.allowances {
            w.open("cac:AllowanceCharge")
            w.leaf("cbc:ChargeIndicator", "false")
            w.leaf("cbc:AllowanceChargeReason", a.reason)
            w.leaf("cbc:Amount", EInvoice.amount(a.amount, e.currency), money)
            taxCategory("cac:TaxCategory", a.category, a.ratePct, into: &w)
            w.close()
        }
        w.open("cac:TaxTotal")
        w.leaf("cbc:TaxAmount", EInvoice.amount(e.totals.tax, e.currency), money)
        for b in e.vatBreakdown {
            w.open("cac:TaxSubtotal")
            w.leaf("cbc:TaxableAmount", EInvoice.amount(b.taxable, e.currency), money)
            w.leaf("cbc:TaxAmount", EInvoice.amount(b.tax, e.currency), money)
            taxCategory("cac:TaxCategory", b.category, b.ratePct, exemption: (b.exemptionCode, b.exemptionReason), breakdown: true, into: &w)
            w.close()
        }
        w.close()
        // BT-111: the VAT in the accounting currency, a tax total of its own with no breakdown.
        if let taxCurrency = e.taxCurrency, let tax = e.taxInTaxCurrency {
            w.open("cac:TaxTotal")
            w.leaf("cbc:TaxAmount", EInvoice.amount(tax, taxCurrency), ["currencyID": taxCurrency])
            w.close()
        }
        let t = e.totals
        w.open("cac:LegalMonetaryTotal")
        w.leaf("cbc:LineExtensionAmount", EInvoice.amount(t.lineTotal, e.currency), money)
        w.leaf("cbc:TaxExclusiveAmount", EInvoice.amount(t.taxExclusive, e.currency), money)
        w.leaf("cbc:TaxInclusiveAmount", EInvoice.amount(t.taxInclusive, e.currency), money)
        if !e.allowances.isEmpty { w.leaf("cbc:AllowanceTotalAmount", EInvoice.amount(t.allowanceTotal, e.currency), money) }
        if !t.prepaid.isZero { w.leaf("cbc:PrepaidAmount", EInvoice.amount(t.prepaid, e.currency), money) }
        w.leaf("cbc:PayableAmount", EInvoice.amount(t.payable, e.currency), money)
        w.close()
        for l in e.lines {
            w.open(credit ? "cac:CreditNoteLine" : "cac:InvoiceLine")
            w.leaf("cbc:ID", l.id)
            w.leaf(credit ? "cbc:CreditedQuantity" : "cbc:InvoicedQuantity", EInvoice.number(l.quantity), ["unitCode": l.unitCode])
            w.leaf("cbc:LineExtensionAmount", EInvoice.amount(l.netAmount, e.currency), money)
            if let from = l.from, let through = l.through {
                w.open("cac:InvoicePeriod")
                w.leaf("cbc:StartDate", from.description)
                w.leaf("cbc:EndDate", through.description)
                w.close()
            }
            w.open("cac:Item")
            w.leaf("cbc:Name", l.name)
            taxCategory("cac:ClassifiedTaxCategory", l.category, l.ratePct, into: &w)
            w.close()
            w.open("cac:Price")
            w.leaf("cbc:PriceAmount", EInvoice.number(l.price), money)
            if let base = l.baseQuantity { w.leaf("cbc:BaseQuantity", String(base), ["unitCode": l.unitCode]) }
            w.close()
            w.close()
        }
        w.close()
        return w.finish()
    }

    static func party(_ p: EInvoice.Party, into w: inout XMLWriter) {
        w.open("cac:Party")
        if let end = p.endpoint { w.leaf("cbc:EndpointID", end.id, ["schemeID": end.scheme]) }
        if let id = p.identifier {
            w.open("cac:PartyIdentification")
            w.leaf("cbc:ID", id)
            w.close()
        }
        w.open("cac:PostalAddress")
        if !p.address.street.isEmpty { w.leaf("cbc:StreetName", p.address.street) }
        if !p.address.city.isEmpty { w.leaf("cbc:CityName", p.address.city) }
        if !p.address.postCode.isEmpty { w.leaf("cbc:PostalZone", p.address.postCode) }
        w.open("cac:Country")
        w.leaf("cbc:IdentificationCode", p.address.country)
        w.close()
        w.close()
        for (id, scheme) in [(p.vatID, "VAT"), (p.taxRegistrationID, "TAX")] {
            guard let id else { continue }
            w.open("cac:PartyTaxScheme")
            w.leaf("cbc:CompanyID", id)
            w.open("cac:TaxScheme")
            w.leaf("cbc:ID", scheme)
            w.close()
            w.close()
        }
        w.open("cac:PartyLegalEntity")
        w.leaf("cbc:RegistrationName", p.name)
        if let company = p.companyID { w.leaf("cbc:CompanyID", company) }
        w.close()
        if let c = p.contact {
            w.open("cac:Contact")
            if !c.name.isEmpty { w.leaf("cbc:Name", c.name) }
            if !c.phone.isEmpty { w.leaf("cbc:Telephone", c.phone) }
            if !c.email.isEmpty { w.leaf("cbc:ElectronicMail", c.email) }
            w.close()
        }
        w.close()
    }

    /// A VAT category with its rate and, in the breakdown, the exemption (BT-120, BT-121) that
    /// AE and O require. O has no rate on a line or an allowance (BR-O-05, BR-O-06); its
    /// breakdown states 0, which XRechnung requires there (BR-DE-14) and EN 16931 allows.
    static func taxCategory(_ name: String, _ category: TaxDecision.Category, _ ratePct: ExactDecimal,
                            exemption: (code: String?, reason: String?) = (nil, nil), breakdown: Bool = false, into w: inout XMLWriter) {
        w.open(name)
        w.leaf("cbc:ID", category.rawValue)
        if category != .outsideScope || breakdown { w.leaf("cbc:Percent", EInvoice.number(ratePct)) }
        if let code = exemption.code { w.leaf("cbc:TaxExemptionReasonCode", code) }
        if let reason = exemption.reason { w.leaf("cbc:TaxExemptionReason", reason) }
        w.open("cac:TaxScheme")
        w.leaf("cbc:ID", "VAT")
        w.close()
        w.close()
    }
}
