/// The Billing section of PRODUCT.md: a customer's invoice for a billing period, line by line,
/// rounded (half away from zero, to cents) exactly where the spec says and nowhere else.
///
/// 1. plan fee lines, prorated over the plan versions in force (`PlanFees`); 2. usage lines per
/// (provider, model, tier, token type, unit price), unit price per 1M tokens (per 1 for
/// requests), amount = quantity × unit price, rounded; 3. service lines per (service,
/// prompt|completion, unit price), rounded, and per service a negative trial line; 4. volume
/// discount on the usage subtotal U (lines 2–3); 5. subtotal, tax at the rate of the version in
/// force on the period's last day, total. Prepaid credit (6.) is the ledger's: `CreditAccount`.
///
/// A customer billed in another currency than the base (customers.csv `currency`) has every
/// figure in that currency (`InvoiceMoney`): unit prices converted at the period's rate
/// (`ExchangeRateTable`), amounts rounded to its minor unit; with no rate, the invoice stays a
/// draft in the base currency, saying why.
public struct InvoiceRules: Sendable {
    public var currency: String
    public var paymentTermsDays: Int
    public var volumeDiscounts: [VolumeDiscount]
    public var services: [String: Service]
    public var plans: [String: Plan]
    /// Where the issuer is and the VAT rates: the tax of a customer version without a rate of
    /// its own is decided by `TaxRules`.
    public var tax = TaxContext()
    /// The ECB's rates, for customers billed in another currency than `currency` (the base).
    public var exchangeRates = ExchangeRateTable([])
    /// The issuer's accounting currency (`[invoices] issuer accounting_currency`); "" for the
    /// base. A document in another currency states its tax in it too (EN 16931 BT-6, BT-111).
    public var accountingCurrency = ""

    /// The issuer's side of today's settle.toml: where it is, its VAT rates, the exchange rates
    /// and the currency it keeps its books in.
    public mutating func adopt(_ config: SettleConfig, vatRates: VATRateBook, exchangeRates: ExchangeRateTable) {
        tax = TaxContext(issuerCountry: config.invoices.issuerCountry, rates: vatRates)
        self.exchangeRates = exchangeRates
        accountingCurrency = config.invoices.accountingCurrency.isEmpty ? config.currency : config.invoices.accountingCurrency
    }

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
    /// `frozenRate`: the rate of the period's issued invoice, which a late event or an
    /// adjustment of that period is priced at (frozen terms), whatever the rates file says now.
    public func invoice(customer: CustomerHistory, period: BillingPeriod, usage: [UsageSummaryLine], trials: [TrialUse],
                        issueDate: UTCDay, evenIfEmpty: Bool = false, frozenRate: ExchangeRate? = nil) -> Invoice? {
        let terms = customer.inForce(on: period.lastDay)
        let (money, rateProblem) = self.money(for: terms.currency ?? currency, period: period, frozenRate: frozenRate)
        let fees = PlanFees.lines(customer, plans: plans, period: period, money: money)
        let (sold, hasUsage) = usageLines(usage, trials: trials, money: money)
        guard !fees.isEmpty || hasUsage || evenIfEmpty else { return nil }
        var inv = Invoice(customerID: customer.id, customerName: terms.name, period: period, issueDate: issueDate,
                          dueDate: issueDate.adding(days: paymentTermsDays), currency: money.currency, lines: [], subtotal: .zero, tax: .zero,
                          total: .zero, creditsApplied: .zero, amountDue: .zero, taxRatePct: .zero,
                          unpriced: usage.filter { $0.unitPrice == nil && $0.quantity > 0 && $0.tokenType != .request })
        inv.customerAddress = terms.address
        inv.customerTaxID = terms.taxID
        inv.customerCountry = terms.country
        inv.issuerCountry = tax.issuerCountry
        inv.exchangeRate = money.rate
        inv.rateProblem = rateProblem
        do {
            inv.apply(try TaxRules.decide(issuerCountry: tax.issuerCountry, customerCountry: terms.country, customerHasVATID: !terms.taxID.isEmpty,
                                          customerRatePct: terms.taxRatePct, on: period.lastDay, rates: tax.rates))
        } catch {
            inv.taxProblem = error.description
        }
        settle(&inv, lines: fees + sold)
        accountingTax(&inv)
        return inv
    }

    /// BT-6/BT-111: the tax in the issuer's accounting currency, where the document is in
    /// another, converted at the ECB's rates of the day the document's own rate is of (the
    /// period's last day for a document in the base currency); no rate: a draft, saying why.
    public func accountingTax(_ inv: inout Invoice) {
        inv.taxAccounting = nil
        guard !accountingCurrency.isEmpty, accountingCurrency != inv.currency, inv.rateProblem == nil else { return }
        let day = inv.exchangeRate?.date ?? inv.period.lastDay
        if let frozen = inv.taxAccountingRate, frozen.from == inv.currency, frozen.to == accountingCurrency {
            inv.taxAccounting = frozen.amount(inv.tax)
            return
        }
        guard let rate = exchangeRates.rate(from: inv.currency, to: accountingCurrency, on: day) else {
            inv.rateProblem = exchangeRates.missingRateReason(from: inv.currency, to: accountingCurrency, on: day)
            return
        }
        inv.taxAccountingRate = rate
        inv.taxAccounting = rate.amount(inv.tax)
    }

    /// The customer's currency and its rate for the period; without a rate, the base currency
    /// and why (the invoice stays a draft).
    func money(for wanted: String, period: BillingPeriod, frozenRate: ExchangeRate?) -> (InvoiceMoney, String?) {
        guard wanted != currency else { return (InvoiceMoney(currency: currency), nil) }
        if let rate = frozenRate ?? exchangeRates.rate(from: currency, to: wanted, on: period.lastDay) {
            return (InvoiceMoney(currency: wanted, rate: rate), nil)
        }
        let why = exchangeRates.isEmpty
            ? "the customer is invoiced in \(wanted) and settle.toml names no [exchange_rates] file: give the ECB's eurofxref-hist.csv"
            : exchangeRates.missingRateReason(from: currency, to: wanted, on: period.lastDay)
        return (InvoiceMoney(currency: currency), why)
    }

    /// Lines 2–4: usage, services, trials and the volume discount; and whether there was any
    /// usage at all (priced or not). Unit prices and amounts in `money`'s currency.
    func usageLines(_ usage: [UsageSummaryLine], trials: [TrialUse], money: InvoiceMoney? = nil) -> ([InvoiceLine], Bool) {
        let money = money ?? InvoiceMoney(currency: currency)
        var lines: [InvoiceLine] = []
        var hasUsage = false
        for u in usage where u.serviceID.isEmpty && u.quantity > 0 {
            hasUsage = true
            guard let perUnit = u.unitPrice else { continue }
            let per = u.tokenType == .request ? ExactDecimal(1) : Self.million
            let unitPrice = money.price(perUnit * per)
            let band = u.band == 0 ? "" : ", \(PriceBands.phrase(u.band))"
            lines.append(InvoiceLine(kind: .usage, description: "\(u.provider) \(u.model) \(u.tokenType.rawValue)\(band)\(u.tier == .standard ? "" : " (\(u.tier.rawValue))")",
                                     quantity: u.quantity, unitPrice: unitPrice.normalized,
                                     amount: Self.amount(u.quantity, unitPrice, per: per, money),
                                     provider: u.provider, model: u.model, tier: u.tier, tokenType: u.tokenType, band: u.band == 0 ? nil : u.band,
                                     from: u.from, through: u.through))
        }
        for u in usage where !u.serviceID.isEmpty && u.quantity > 0 {
            hasUsage = true
            guard let perUnit = u.unitPrice else { continue }
            let part = u.tokenType == .input ? "prompt" : "completion"
            let unitPrice = money.price(perUnit * Self.thousand)
            lines.append(InvoiceLine(kind: .service, description: "\(u.serviceID) \(part) tokens (\(u.model), sold by \(u.provider))",
                                     quantity: u.quantity, unitPrice: unitPrice.normalized,
                                     amount: Self.amount(u.quantity, unitPrice, per: Self.thousand, money), provider: u.provider, model: u.model,
                                     tokenType: u.tokenType, serviceID: u.serviceID, from: u.from, through: u.through))
        }
        Self.dateSplitItems(&lines)
        for t in trials.sorted(by: { $0.serviceID < $1.serviceID }) {
            guard let s = services[t.serviceID] else { continue }
            let credit = ExactDecimal(t.freeInput) * money.price(s.promptPricePer1K).shifted(right: 3)
                + ExactDecimal(t.freeOutput) * money.price(s.completionPricePer1K).shifted(right: 3)
            // Never more than the service's own lines: a trial does not turn a service negative.
            let sold = lines.filter { $0.kind == .service && $0.serviceID == t.serviceID }.reduce(ExactDecimal.zero) { $0 + $1.amount }
            let amount = -min(money.round(credit), max(sold, .zero))
            guard !amount.isZero || t.freeInput + t.freeOutput > 0 else { continue }
            lines.append(InvoiceLine(kind: .trial, description: "\(t.serviceID) free trial: \(t.freeInput) prompt and \(t.freeOutput) completion tokens",
                                     quantity: 1, unitPrice: amount, amount: amount, serviceID: t.serviceID))
        }
        let usageSubtotal = lines.reduce(ExactDecimal.zero) { $0 + $1.amount }
        // The thresholds are the base currency's (FINANCE.md): compared at the period's rate.
        if let tier = volumeDiscounts.filter({ usageSubtotal >= money.threshold($0.minUsage) }).max(by: { $0.minUsage < $1.minUsage }), tier.pct > .zero {
            let discount = -money.round(tier.pct.percent(of: usageSubtotal))
            lines.append(InvoiceLine(kind: .volumeDiscount, description: "volume discount \(tier.pct.normalized) % of \(usageSubtotal.formatted(currency: money.currency))",
                                     quantity: 1, unitPrice: discount, amount: discount))
        }
        return (lines, hasUsage)
    }

    /// quantity × unit price ÷ per, rounded to the currency's minor unit: in the base currency
    /// the exact price per token times the quantity, rounded to cents, as PRODUCT.md says.
    static func amount(_ quantity: Int64, _ unitPrice: ExactDecimal, per: ExactDecimal, _ money: InvoiceMoney) -> ExactDecimal {
        let exact = ExactDecimal(quantity) * unitPrice
        let perUnits = per.exactInteger ?? 1
        return exact.divided(by: perUnits, places: MinorUnits.of(money.currency))
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
        inv.tax = inv.taxRatePct.percent(of: inv.subtotal).rounded(to: inv.currency)
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
