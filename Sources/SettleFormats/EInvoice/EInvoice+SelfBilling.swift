import SettleCore

extension EInvoice {
    /// The self-billed invoice (type 389) the platform issues on behalf of a seller with
    /// `self_billing = yes` (FINANCE.md, "E-invoices"): the seller is the supplier, the platform
    /// the buyer, one line per service at the period's net payout (gross less the platform
    /// fee), EN 16931 in UBL.
    ///
    /// Its VAT follows the same table as every invoice (`TaxRules.decide`) with the parties'
    /// roles turned: the seller supplies the platform, a business with a VAT identifier. A
    /// seller in the platform's country charges its standard rate on top of the net payout; one
    /// in another member state is reverse-charged; one outside the EU is not subject to VAT, and
    /// the document names it by its tax number (BT-32) instead of a VAT identifier (BR-O-02).
    /// Numbered `SB-PERIOD-SELLER` and dated the first day after the period, as its statement is.
    public init(selfBilled seller: Seller, payouts: [Payout], month: PeriodMonth, platform: Issuer, currency: String,
                paymentTermsDays: Int, rates: VATRateBook) throws(TaxRuleError) {
        let period = BillingPeriod(month: month, billingDay: 1)
        let tax: TaxDecision
        if seller.country.isEmpty { throw .sellerWithoutCountry(seller.id) }
        tax = try TaxRules.decide(issuerCountry: seller.country, customerCountry: platform.country, customerHasVATID: !platform.taxID.isEmpty,
                                  customerRatePct: nil, on: period.lastDay, rates: rates)
        let outside = tax.category == .outsideScope
        specification = .en16931
        typeCode = .selfBilledInvoice
        number = "SB-\(month)-\(seller.id)"
        issueDate = BillingPeriod(month: month.next, billingDay: 1).firstDay
        self.currency = currency
        taxCurrency = nil
        taxInTaxCurrency = nil
        buyerReference = seller.id
        periodStart = period.firstDay
        periodEnd = period.lastDay
        precedingInvoice = nil
        let sellerVAT = (try? CustomerTaxID.check(seller.taxID, country: seller.country))??.description
        self.seller = Party(name: seller.name, identifier: seller.id, address: PostalAddress(line: seller.address, country: seller.country),
                            vatID: outside ? nil : sellerVAT,
                            taxRegistrationID: (outside || sellerVAT == nil) && !seller.taxID.isEmpty ? seller.taxID : nil)
        buyer = Party(name: platform.name, address: PostalAddress(line: platform.address, country: platform.country),
                      vatID: outside || platform.taxID.isEmpty ? nil : platform.taxID,
                      companyID: platform.companyID.isEmpty ? nil : platform.companyID)
        var lines: [Line] = []
        for p in payouts.sorted(by: { $0.serviceID < $1.serviceID }) {
            let negative = p.net.isNegative
            lines.append(Line(id: String(lines.count + 1), name: "\(p.serviceID): sales of \(month) less the platform fee",
                              quantity: ExactDecimal(negative ? -1 : 1), netAmount: p.net, price: negative ? -p.net : p.net,
                              category: tax.category, ratePct: tax.ratePct))
        }
        self.lines = lines
        allowances = []
        let net = lines.reduce(ExactDecimal.zero) { $0 + $1.netAmount }
        let vat = tax.ratePct.percent(of: net).roundedToCents
        totals = Totals(lineTotal: net, allowanceTotal: .zero, taxExclusive: net, tax: vat, taxInclusive: net + vat, prepaid: .zero,
                        payable: net + vat)
        vatBreakdown = [VATBreakdown(category: tax.category, ratePct: tax.ratePct, taxable: net, tax: vat, exemptionReason: tax.exemptionReason,
                                     exemptionCode: tax.exemptionCode)]
        let due = issueDate.adding(days: paymentTermsDays)
        dueDate = due
        paymentTerms = "Paid by the platform within \(paymentTermsDays) days, by \(due)"
        payment = nil
    }
}
