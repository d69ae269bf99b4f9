/// The Billing section of PRODUCT.md: a customer's invoice for a billing period, line by line,
/// rounded (half away from zero, to cents) exactly where the spec says and nowhere else.
///
/// 1. plan fee lines, prorated over the plan versions in force (`PlanFees`); 2. usage lines per
/// (provider, model, tier, token type, unit price), unit price per 1M tokens (per 1 for
/// requests), amount = quantity × unit price, rounded; 3. service lines per (service,
/// prompt|completion, unit price), rounded, and per service a negative trial line; 4. volume
/// discount on the usage subtotal U (lines 2–3); 5. subtotal, tax at the rate of the version in
/// force on the period's last day, total. Prepaid credit (6.) is the ledger's: `CreditAccount`.
public struct InvoiceRules: Sendable {
    public var currency: String
    public var paymentTermsDays: Int
    public var volumeDiscounts: [VolumeDiscount]
    public var services: [String: Service]
    public var plans: [String: Plan]
    /// Where the issuer is and the VAT rates: the tax of a customer version without a rate of
    /// its own is decided by `TaxRules`.
    public var tax = TaxContext()

    public init(currency: String, paymentTermsDays: Int, volumeDiscounts: [VolumeDiscount], services: [Service],
                plans: [String: Plan] = [:]) {
        self.currency = currency
        self.paymentTermsDays = paymentTermsDays
        self.volumeDiscounts = volumeDiscounts
        self.services = Dictionary(services.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        self.plans = plans
    }

    static let million = ExactDecimal(1_000_000)
    static let thousand = ExactDecimal(1_000)

    /// The invoice, no credit applied yet, or nil when the customer has no fee and no usage in
    /// the period (unless `evenIfEmpty`: what an issued period now gives may be nothing).
    public func invoice(customer: CustomerHistory, period: BillingPeriod, usage: [UsageSummaryLine], trials: [TrialUse],
                        issueDate: UTCDay, evenIfEmpty: Bool = false) -> Invoice? {
        let fees = PlanFees.lines(customer, plans: plans, period: period)
        let (sold, hasUsage) = usageLines(usage, trials: trials)
        guard !fees.isEmpty || hasUsage || evenIfEmpty else { return nil }
        let terms = customer.inForce(on: period.lastDay)
        var inv = Invoice(customerID: customer.id, customerName: terms.name, period: period, issueDate: issueDate,
                          dueDate: issueDate.adding(days: paymentTermsDays), currency: currency, lines: [], subtotal: .zero, tax: .zero,
                          total: .zero, creditsApplied: .zero, amountDue: .zero, taxRatePct: .zero,
                          unpriced: usage.filter { $0.unitPrice == nil && $0.quantity > 0 && $0.tokenType != .request })
        inv.customerAddress = terms.address
        inv.customerTaxID = terms.taxID
        inv.customerCountry = terms.country
        inv.issuerCountry = tax.issuerCountry
        do {
            inv.apply(try TaxRules.decide(issuerCountry: tax.issuerCountry, customerCountry: terms.country, customerHasVATID: !terms.taxID.isEmpty,
                                          customerRatePct: terms.taxRatePct, on: period.lastDay, rates: tax.rates))
        } catch {
            inv.taxProblem = error.description
        }
        settle(&inv, lines: fees + sold)
        return inv
    }

    /// Lines 2–4: usage, services, trials and the volume discount; and whether there was any
    /// usage at all (priced or not).
    func usageLines(_ usage: [UsageSummaryLine], trials: [TrialUse]) -> ([InvoiceLine], Bool) {
        var lines: [InvoiceLine] = []
        var hasUsage = false
        for u in usage where u.serviceID.isEmpty && u.quantity > 0 {
            hasUsage = true
            guard let perUnit = u.unitPrice else { continue }
            let per = u.tokenType == .request ? ExactDecimal(1) : Self.million
            let band = u.band == 0 ? "" : ", \(PriceBands.phrase(u.band))"
            lines.append(InvoiceLine(kind: .usage, description: "\(u.provider) \(u.model) \(u.tokenType.rawValue)\(band)\(u.tier == .standard ? "" : " (\(u.tier.rawValue))")",
                                     quantity: u.quantity, unitPrice: (perUnit * per).normalized,
                                     amount: (ExactDecimal(u.quantity) * perUnit).roundedToCents,
                                     provider: u.provider, model: u.model, tier: u.tier, tokenType: u.tokenType, band: u.band == 0 ? nil : u.band,
                                     from: u.from, through: u.through))
        }
        for u in usage where !u.serviceID.isEmpty && u.quantity > 0 {
            hasUsage = true
            guard let perUnit = u.unitPrice else { continue }
            let part = u.tokenType == .input ? "prompt" : "completion"
            lines.append(InvoiceLine(kind: .service, description: "\(u.serviceID) \(part) tokens (\(u.model), sold by \(u.provider))",
                                     quantity: u.quantity, unitPrice: (perUnit * Self.thousand).normalized,
                                     amount: (ExactDecimal(u.quantity) * perUnit).roundedToCents, provider: u.provider, model: u.model,
                                     tokenType: u.tokenType, serviceID: u.serviceID, from: u.from, through: u.through))
        }
        Self.dateSplitItems(&lines)
        for t in trials.sorted(by: { $0.serviceID < $1.serviceID }) {
            guard let s = services[t.serviceID] else { continue }
            let credit = ExactDecimal(t.freeInput) * s.promptPricePer1K.shifted(right: 3)
                + ExactDecimal(t.freeOutput) * s.completionPricePer1K.shifted(right: 3)
            // Never more than the service's own lines: a trial does not turn a service negative.
            let sold = lines.filter { $0.kind == .service && $0.serviceID == t.serviceID }.reduce(ExactDecimal.zero) { $0 + $1.amount }
            let amount = -min(credit.roundedToCents, max(sold, .zero))
            guard !amount.isZero || t.freeInput + t.freeOutput > 0 else { continue }
            lines.append(InvoiceLine(kind: .trial, description: "\(t.serviceID) free trial: \(t.freeInput) prompt and \(t.freeOutput) completion tokens",
                                     quantity: 1, unitPrice: amount, amount: amount, serviceID: t.serviceID))
        }
        let usageSubtotal = lines.reduce(ExactDecimal.zero) { $0 + $1.amount }
        if let tier = volumeDiscounts.filter({ usageSubtotal >= $0.minUsage }).max(by: { $0.minUsage < $1.minUsage }), tier.pct > .zero {
            let discount = -tier.pct.percent(of: usageSubtotal).roundedToCents
            lines.append(InvoiceLine(kind: .volumeDiscount, description: "volume discount \(tier.pct.normalized) % of \(usageSubtotal.formatted(places: 2))",
                                     quantity: 1, unitPrice: discount, amount: discount))
        }
        return (lines, hasUsage)
    }

    /// A price change inside the period leaves one item (provider, model, tier, token type,
    /// band; or service and part) on two or more lines at different unit prices: each of them
    /// says from which day to which day it applied (PRODUCT.md, "Invoice documents"), in its
    /// description and its `from`/`through`. Any other line keeps no days, so an item at one
    /// price all period reads as before.
    static func dateSplitItems(_ lines: inout [InvoiceLine]) {
        func whole(_ l: InvoiceLine) -> InvoiceLine.Item {
            var item = l.item
            item.unitPrice = nil
            return item
        }
        var prices: [InvoiceLine.Item: Set<ExactDecimal>] = [:]
        for l in lines where l.kind == .usage || l.kind == .service { prices[whole(l), default: []].insert(l.unitPrice) }
        for i in lines.indices where lines[i].kind == .usage || lines[i].kind == .service {
            guard (prices[whole(lines[i])]?.count ?? 0) > 1, let days = lines[i].daysText else {
                lines[i].from = nil
                lines[i].through = nil
                continue
            }
            lines[i].description += ", \(days)"
        }
    }

    /// Line 5: subtotal, tax at the document's rate, total; nothing applied from credit yet.
    func settle(_ inv: inout Invoice, lines: [InvoiceLine]) {
        inv.lines = lines
        inv.subtotal = lines.reduce(ExactDecimal.zero) { $0 + $1.amount }
        inv.tax = inv.taxRatePct.percent(of: inv.subtotal).roundedToCents
        inv.total = inv.subtotal + inv.tax
        inv.creditsApplied = .zero
        inv.amountDue = inv.total
    }
}

/// What the tax rules need beyond the customer: the issuer's country and the VAT rates.
public struct TaxContext: Sendable {
    public var issuerCountry: String
    public var rates: VATRateBook

    public init(issuerCountry: String = "", rates: VATRateBook = VATRateBook([])) {
        self.issuerCountry = issuerCountry
        self.rates = rates
    }
}
