import SettleCore

extension EInvoice {
    /// The issuer as the e-invoices name it: `[invoices] issuer` of settle.toml.
    public struct Issuer: Sendable, Hashable {
        public var name: String
        public var address: String
        public var country: String
        /// The VAT identifier (`tax_id`).
        public var taxID: String
        public var companyID: String
        public var peppolID: String
        public var iban: String
        public var bic: String
        public var contact: Contact?

        public init(name: String, address: String, country: String, taxID: String, companyID: String = "", peppolID: String = "",
                    iban: String = "", bic: String = "", contact: Contact? = nil) {
            self.name = name
            self.address = address
            self.country = country
            self.taxID = taxID
            self.companyID = companyID
            self.peppolID = peppolID
            self.iban = iban
            self.bic = bic
            self.contact = contact
        }

        public init(_ s: InvoiceSettings) {
            let contact = [s.issuerContactName, s.issuerContactPhone, s.issuerContactEmail].allSatisfy(\.isEmpty)
                ? nil : Contact(name: s.issuerContactName, phone: s.issuerContactPhone, email: s.issuerContactEmail)
            self.init(name: s.issuerName, address: s.issuerAddress, country: s.issuerCountry, taxID: s.issuerTaxID, companyID: s.issuerCompanyID,
                      peppolID: s.issuerPeppolID, iban: s.issuerIBAN, bic: s.issuerBIC, contact: contact)
        }
    }

    /// What the stored document does not say about its customer but an e-invoice needs: the
    /// customer's electronic addresses, from customers.csv.
    public struct Recipient: Sendable, Hashable {
        public var email: String
        public var peppolID: String
        /// BT-10; the customer id when customers.csv gives none.
        public var buyerReference: String
        public init(email: String = "", peppolID: String = "", buyerReference: String) {
            self.email = email
            self.peppolID = peppolID
            self.buyerReference = buyerReference
        }
    }

    /// The e-invoice of an issued invoice, credit note or supplementary invoice, as `format`
    /// requires it. `paymentTermsDays`: settle.toml's, printed as the payment terms (BT-20).
    ///
    /// A credit note states what it credits as positive amounts (EN 16931 has it reverse the
    /// invoice's signs), so every figure of a stored credit note is negated here; its lines
    /// and totals are otherwise the stored document's, to the cent.
    public init(_ inv: Invoice, format: EInvoiceFormat, issuer: Issuer, recipient: Recipient, paymentTermsDays: Int) {
        let sign: ExactDecimal = inv.kind == .creditNote ? ExactDecimal(-1) : ExactDecimal(1)
        let outside = inv.taxCategory == .outsideScope
        switch format {
        case .peppol: specification = .peppol
        case .xrechnung: specification = .xrechnung
        case .cii, .facturx: specification = .en16931
        }
        switch inv.kind {
        case .invoice: typeCode = .commercialInvoice
        case .creditNote: typeCode = .creditNote
        case .supplementary:
            // Peppol allows 384 only between two German parties (PEPPOL-EN16931-P0112);
            // elsewhere on Peppol a supplementary invoice is a commercial invoice that names
            // the invoice it adds to (BG-3), which is what it is.
            let german = issuer.country == "DE" && inv.customerCountry == "DE"
            typeCode = format == .peppol && !german ? .commercialInvoice : .correctedInvoice
        }
        number = inv.number ?? ""
        issueDate = inv.issueDate
        currency = inv.currency
        buyerReference = recipient.buyerReference
        periodStart = inv.period.firstDay
        periodEnd = inv.period.lastDay
        precedingInvoice = inv.adjusts
        // Peppol allows only Peppol endpoints; elsewhere an e-mail address serves (XRechnung
        // requires both parties' electronic addresses, BR-DE-26/28 of its rules).
        let email = format != .peppol
        seller = Party(name: issuer.name, address: PostalAddress(line: issuer.address, country: issuer.country),
                       vatID: outside || issuer.taxID.isEmpty ? nil : issuer.taxID,
                       companyID: issuer.companyID.isEmpty ? nil : issuer.companyID,
                       endpoint: Endpoint(peppolID: issuer.peppolID)
                           ?? (email ? issuer.contact.flatMap { $0.email.isEmpty ? nil : Endpoint(scheme: "EM", id: $0.email) } : nil),
                       contact: issuer.contact)
        let buyerVAT = (try? CustomerTaxID.check(inv.customerTaxID, country: inv.customerCountry))??.description
        buyer = Party(name: inv.customerName.isEmpty ? inv.customerID : inv.customerName, address: PostalAddress(line: inv.customerAddress, country: inv.customerCountry),
                      vatID: outside ? nil : buyerVAT,
                      endpoint: Endpoint(peppolID: recipient.peppolID)
                          ?? (email && !recipient.email.isEmpty ? Endpoint(scheme: "EM", id: recipient.email) : nil))

        var lines: [Line] = []
        var allowances: [Allowance] = []
        for l in inv.lines {
            let amount = sign * l.amount
            if l.kind == .volumeDiscount {
                allowances.append(Allowance(amount: -amount, reason: l.description, category: inv.taxCategory, ratePct: inv.taxRatePct))
                continue
            }
            lines.append(Self.line(l, id: String(lines.count + 1), amount: amount, sign: sign, currency: inv.currency, category: inv.taxCategory,
                                   ratePct: inv.taxRatePct))
        }
        self.lines = lines
        self.allowances = allowances
        let lineTotal = lines.reduce(ExactDecimal.zero) { $0 + $1.netAmount }
        let allowanceTotal = allowances.reduce(ExactDecimal.zero) { $0 + $1.amount }
        totals = Totals(lineTotal: lineTotal, allowanceTotal: allowanceTotal, taxExclusive: sign * inv.subtotal, tax: sign * inv.tax,
                        taxInclusive: sign * inv.total, prepaid: sign * inv.creditsApplied, payable: sign * inv.amountDue)
        if let t = inv.taxAccounting, let r = inv.taxAccountingRate {
            taxCurrency = r.to
            taxInTaxCurrency = sign * t
        }
        vatBreakdown = [VATBreakdown(category: inv.taxCategory, ratePct: inv.taxRatePct, taxable: sign * inv.subtotal, tax: sign * inv.tax,
                                     exemptionReason: inv.taxExemptionReason, exemptionCode: inv.taxExemptionCode)]
        let owed = totals.payable > .zero
        dueDate = owed || inv.kind != .creditNote ? inv.dueDate : nil
        paymentTerms = owed ? "Payment within \(paymentTermsDays) days of the issue date, by \(inv.dueDate)" : nil
        payment = issuer.iban.isEmpty ? nil
            : PaymentInstructions(meansCode: inv.currency == "EUR" ? "58" : "30", iban: issuer.iban, bic: issuer.bic.isEmpty ? nil : issuer.bic,
                                  remittance: inv.paymentReference ?? number)
    }

    /// A document line as an e-invoice line: its quantity and unit price as the document
    /// states them (a usage line's tokens at a price per million, BT-149 1,000,000; a
    /// service's per thousand) when they give its amount within a cent, as EN 16931 and Peppol's
    /// PEPPOL-EN16931-R120 check; otherwise (a prorated fee, a trial, a line in yen) one unit at
    /// the amount, its quantity and unit price said in its name.
    /// The price is never negative (BR-27): a negative line has a negative quantity.
    static let slack = ExactDecimal(significand: 1, scale: 2)

    static func line(_ l: InvoiceLine, id: String, amount: ExactDecimal, sign: ExactDecimal, currency: String,
                     category: TaxDecision.Category, ratePct: ExactDecimal) -> Line {
        let base: Int64
        switch l.kind {
        case .usage: base = l.tokenType == .request ? 1 : 1_000_000
        case .service: base = 1_000
        default: base = 1
        }
        var quantity = sign * ExactDecimal(l.quantity)
        var price = l.unitPrice
        if price.isNegative {
            price = -price
            quantity = -quantity
        }
        // Within a cent of the exact product: Peppol's R120 allows 0.02, and an amount in a
        // currency without cents (yen) is often further from it than that.
        let exact = (quantity * price).divided(by: base, places: 6)
        let gap = exact - amount
        if gap > Self.slack || -gap > Self.slack {
            quantity = amount.isNegative ? ExactDecimal(-1) : ExactDecimal(1)
            price = amount.isNegative ? -amount : amount
            // The quantity and price the document states stay in the name, for the reader.
            let name = (l.kind == .usage || l.kind == .service) && !l.unitLabel.isEmpty
                ? "\(l.description): \(l.quantity) at \(l.unitPriceText) \(l.unitLabel)" : l.description
            return Line(id: id, name: name, quantity: quantity, netAmount: amount, price: price, from: l.from, through: l.through,
                        category: category, ratePct: ratePct)
        }
        return Line(id: id, name: l.description, quantity: quantity, netAmount: amount, price: price, baseQuantity: base == 1 ? nil : base,
                    from: l.from, through: l.through, category: category, ratePct: ratePct)
    }
}
