import SettleCore

/// An `EInvoice` in UN/CEFACT Cross Industry Invoice D16B, EN 16931 profile: the `cii`
/// e-invoice, and the XML a Factur-X PDF carries as `factur-x.xml`. Elements in the order the
/// CII schema fixes; a credit note is type 381 with the same structure.
public enum CIIDocument {
    public static func xml(_ e: EInvoice) -> String {
        var w = XMLWriter()
        w.open("rsm:CrossIndustryInvoice", [
            "xmlns:rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
            "xmlns:qdt": "urn:un:unece:uncefact:data:standard:QualifiedDataType:100",
            "xmlns:ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
            "xmlns:udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
        ])
        w.open("rsm:ExchangedDocumentContext")
        w.open("ram:GuidelineSpecifiedDocumentContextParameter")
        w.leaf("ram:ID", e.specification.rawValue)
        w.close()
        w.close()
        w.open("rsm:ExchangedDocument")
        w.leaf("ram:ID", e.number)
        w.leaf("ram:TypeCode", e.typeCode.rawValue)
        date("ram:IssueDateTime", e.issueDate, into: &w)
        w.close()

        w.open("rsm:SupplyChainTradeTransaction")
        for l in e.lines { line(l, currency: e.currency, into: &w) }
        w.open("ram:ApplicableHeaderTradeAgreement")
        w.leaf("ram:BuyerReference", e.buyerReference)
        party("ram:SellerTradeParty", e.seller, into: &w)
        party("ram:BuyerTradeParty", e.buyer, into: &w)
        w.close()
        // What settle sells is supplied over the period (BG-14 below); the supply is complete
        // on its last day (BT-72), which also keeps this required element from being empty.
        w.open("ram:ApplicableHeaderTradeDelivery")
        w.open("ram:ActualDeliverySupplyChainEvent")
        date("ram:OccurrenceDateTime", e.periodEnd, into: &w)
        w.close()
        w.close()
        settlement(e, into: &w)
        w.close()
        w.close()
        return w.finish()
    }

    static func settlement(_ e: EInvoice, into w: inout XMLWriter) {
        w.open("ram:ApplicableHeaderTradeSettlement")
        if let p = e.payment { w.leaf("ram:PaymentReference", p.remittance) }
        if let taxCurrency = e.taxCurrency { w.leaf("ram:TaxCurrencyCode", taxCurrency) }
        w.leaf("ram:InvoiceCurrencyCode", e.currency)
        if let p = e.payment {
            w.open("ram:SpecifiedTradeSettlementPaymentMeans")
            w.leaf("ram:TypeCode", p.meansCode)
            w.open("ram:PayeePartyCreditorFinancialAccount")
            w.leaf("ram:IBANID", p.iban)
            w.close()
            if let bic = p.bic {
                w.open("ram:PayeeSpecifiedCreditorFinancialInstitution")
                w.leaf("ram:BICID", bic)
                w.close()
            }
            w.close()
        }
        for b in e.vatBreakdown {
            w.open("ram:ApplicableTradeTax")
            w.leaf("ram:CalculatedAmount", EInvoice.amount(b.tax, e.currency))
            w.leaf("ram:TypeCode", "VAT")
            if let reason = b.exemptionReason { w.leaf("ram:ExemptionReason", reason) }
            w.leaf("ram:BasisAmount", EInvoice.amount(b.taxable, e.currency))
            w.leaf("ram:CategoryCode", b.category.rawValue)
            if let code = b.exemptionCode { w.leaf("ram:ExemptionReasonCode", code) }
            // O has no rate on a line (BR-O-05); the breakdown states 0, as in UBL.
            w.leaf("ram:RateApplicablePercent", EInvoice.number(b.ratePct))
            w.close()
        }
        period(e.periodStart, e.periodEnd, into: &w)
        for a in e.allowances {
            w.open("ram:SpecifiedTradeAllowanceCharge")
            w.open("ram:ChargeIndicator")
            w.leaf("udt:Indicator", "false")
            w.close()
            w.leaf("ram:ActualAmount", EInvoice.amount(a.amount, e.currency))
            w.leaf("ram:Reason", a.reason)
            w.open("ram:CategoryTradeTax")
            w.leaf("ram:TypeCode", "VAT")
            w.leaf("ram:CategoryCode", a.category.rawValue)
            if a.category != .outsideScope { w.leaf("ram:RateApplicablePercent", EInvoice.number(a.ratePct)) }
            w.close()
            w.close()
        }
        if e.paymentTerms != nil || e.dueDate != nil {
            w.open("ram:SpecifiedTradePaymentTerms")
            if let terms = e.paymentTerms { w.leaf("ram:Description", terms) }
            if let due = e.dueDate { date("ram:DueDateDateTime", due, into: &w) }
            w.close()
        }
        let t = e.totals
        w.open("ram:SpecifiedTradeSettlementHeaderMonetarySummation")
        w.leaf("ram:LineTotalAmount", EInvoice.amount(t.lineTotal, e.currency))
        if !e.allowances.isEmpty { w.leaf("ram:AllowanceTotalAmount", EInvoice.amount(t.allowanceTotal, e.currency)) }
        w.leaf("ram:TaxBasisTotalAmount", EInvoice.amount(t.taxExclusive, e.currency))
        w.leaf("ram:TaxTotalAmount", EInvoice.amount(t.tax, e.currency), ["currencyID": e.currency])
        if let taxCurrency = e.taxCurrency, let tax = e.taxInTaxCurrency {
            w.leaf("ram:TaxTotalAmount", EInvoice.amount(tax, taxCurrency), ["currencyID": taxCurrency])
        }
        w.leaf("ram:GrandTotalAmount", EInvoice.amount(t.taxInclusive, e.currency))
        if !t.prepaid.isZero { w.leaf("ram:TotalPrepaidAmount", EInvoice.amount(t.prepaid, e.currency)) }
        w.leaf("ram:DuePayableAmount", EInvoice.amount(t.payable, e.currency))
        w.close()
        if let preceding = e.precedingInvoice {
            w.open("ram:InvoiceReferencedDocument")
            w.leaf("ram:IssuerAssignedID", preceding)
            w.close()
        }
        w.close()
    }

    static func line(_ l: EInvoice.Line, currency: String, into w: inout XMLWriter) {
        w.open("ram:IncludedSupplyChainTradeLineItem")
        w.open("ram:AssociatedDocumentLineDocument")
        w.leaf("ram:LineID", l.id)
        w.close()
        w.open("ram:SpecifiedTradeProduct")
        w.leaf("ram:Name", l.name)
        w.close()
        w.open("ram:SpecifiedLineTradeAgreement")
        w.open("ram:NetPriceProductTradePrice")
        w.leaf("ram:ChargeAmount", EInvoice.number(l.price))
        if let base = l.baseQuantity { w.leaf("ram:BasisQuantity", String(base), ["unitCode": l.unitCode]) }
        w.close()
        w.close()
        w.open("ram:SpecifiedLineTradeDelivery")
        w.leaf("ram:BilledQuantity", EInvoice.number(l.quantity), ["unitCode": l.unitCode])
        w.close()
        w.open("ram:SpecifiedLineTradeSettlement")
        w.open("ram:ApplicableTradeTax")
        w.leaf("ram:TypeCode", "VAT")
        w.leaf("ram:CategoryCode", l.category.rawValue)
        if l.category != .outsideScope { w.leaf("ram:RateApplicablePercent", EInvoice.number(l.ratePct)) }
        w.close()
        if let from = l.from, let through = l.through { period(from, through, into: &w) }
        w.open("ram:SpecifiedTradeSettlementLineMonetarySummation")
        w.leaf("ram:LineTotalAmount", EInvoice.amount(l.netAmount, currency))
        w.close()
        w.close()
        w.close()
    }

    static func party(_ name: String, _ p: EInvoice.Party, into w: inout XMLWriter) {
        w.open(name)
        if let id = p.identifier { w.leaf("ram:ID", id) }
        w.leaf("ram:Name", p.name)
        if let company = p.companyID {
            w.open("ram:SpecifiedLegalOrganization")
            w.leaf("ram:ID", company)
            w.close()
        }
        if let c = p.contact {
            w.open("ram:DefinedTradeContact")
            if !c.name.isEmpty { w.leaf("ram:PersonName", c.name) }
            if !c.phone.isEmpty {
                w.open("ram:TelephoneUniversalCommunication")
                w.leaf("ram:CompleteNumber", c.phone)
                w.close()
            }
            if !c.email.isEmpty {
                w.open("ram:EmailURIUniversalCommunication")
                w.leaf("ram:URIID", c.email)
                w.close()
            }
            w.close()
        }
        w.open("ram:PostalTradeAddress")
        if !p.address.postCode.isEmpty { w.leaf("ram:PostcodeCode", p.address.postCode) }
        if !p.address.street.isEmpty { w.leaf("ram:LineOne", p.address.street) }
        if !p.address.city.isEmpty { w.leaf("ram:CityName", p.address.city) }
        w.leaf("ram:CountryID", p.address.country)
        w.close()
        if let end = p.endpoint {
            w.open("ram:URIUniversalCommunication")
            w.leaf("ram:URIID", end.id, ["schemeID": end.scheme])
            w.close()
        }
        for (id, scheme) in [(p.vatID, "VA"), (p.taxRegistrationID, "FC")] {
            guard let id else { continue }
            w.open("ram:SpecifiedTaxRegistration")
            w.leaf("ram:ID", id, ["schemeID": scheme])
            w.close()
        }
        w.close()
    }

    static func date(_ name: String, _ day: UTCDay, into w: inout XMLWriter) {
        w.open(name)
        w.leaf("udt:DateTimeString", day.description.replacingDashes, ["format": "102"])
        w.close()
    }

    static func period(_ start: UTCDay, _ end: UTCDay, into w: inout XMLWriter) {
        w.open("ram:BillingSpecifiedPeriod")
        date("ram:StartDateTime", start, into: &w)
        date("ram:EndDateTime", end, into: &w)
        w.close()
    }
}

extension String {
    /// `2026-11-01` as CII's date format 102 writes it: `20261101`.
    fileprivate var replacingDashes: String { String(filter { $0 != "-" }) }
}
