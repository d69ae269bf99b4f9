/// The Billing section of PRODUCT.md: a customer's invoice for a billing period, line by line,
/// rounded (half away from zero, to cents) exactly where the spec says and nowhere else.
///
/// 1. plan fee; 2. usage lines per (provider, model, tier, token type, unit price), unit price
/// per 1M tokens (per 1 for requests), amount = quantity × unit price, rounded; 3. service lines
/// per (service, prompt|completion, unit price), rounded, and per service a negative trial line;
/// 4. volume discount on the usage subtotal U (lines 2–3); 5. subtotal, tax, total; 6. prepaid
/// credits applied, amount due.
public struct InvoiceRules: Sendable {
    public var currency: String
    public var paymentTermsDays: Int
    public var volumeDiscounts: [VolumeDiscount]
    public var services: [String: Service]

    public init(currency: String, paymentTermsDays: Int, volumeDiscounts: [VolumeDiscount], services: [Service]) {
        self.currency = currency
        self.paymentTermsDays = paymentTermsDays
        self.volumeDiscounts = volumeDiscounts
        self.services = Dictionary(services.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
    }

    static let million = ExactDecimal(1_000_000)
    static let thousand = ExactDecimal(1_000)

    /// The invoice, or nil when the customer has no fee and no usage in the period.
    /// `creditAvailable` is the prepaid credit not yet applied by earlier invoices.
    public func invoice(customer: Customer, plan: Plan?, period: BillingPeriod, usage: [UsageSummaryLine], trials: [TrialUse],
                        creditAvailable: ExactDecimal, issueDate: UTCDay) -> Invoice? {
        var lines: [InvoiceLine] = []
        let fee = plan?.monthlyFee ?? .zero
        if fee > .zero {
            lines.append(InvoiceLine(kind: .planFee, description: "\(plan!.name) plan, \(period.firstDay) to \(period.lastDay)",
                                     quantity: 1, unitPrice: fee, amount: fee))
        }
        var hasUsage = false
        for u in usage where u.serviceID.isEmpty && u.quantity > 0 {
            hasUsage = true
            guard let perUnit = u.unitPrice else { continue }
            let per = u.tokenType == .request ? ExactDecimal(1) : Self.million
            lines.append(InvoiceLine(kind: .usage, description: "\(u.provider) \(u.model) \(u.tokenType.rawValue)\(u.tier == .standard ? "" : " (\(u.tier.rawValue))")",
                                     quantity: u.quantity, unitPrice: (perUnit * per).normalized,
                                     amount: (ExactDecimal(u.quantity) * perUnit).roundedToCents,
                                     provider: u.provider, model: u.model, tier: u.tier, tokenType: u.tokenType))
        }
        for u in usage where !u.serviceID.isEmpty && u.quantity > 0 {
            hasUsage = true
            guard let perUnit = u.unitPrice else { continue }
            let part = u.tokenType == .input ? "prompt" : "completion"
            lines.append(InvoiceLine(kind: .service, description: "\(u.serviceID) \(part) tokens (\(u.model), sold by \(u.provider))",
                                     quantity: u.quantity, unitPrice: (perUnit * Self.thousand).normalized,
                                     amount: (ExactDecimal(u.quantity) * perUnit).roundedToCents, provider: u.provider, model: u.model,
                                     tokenType: u.tokenType, serviceID: u.serviceID))
        }
        for t in trials.sorted(by: { $0.serviceID < $1.serviceID }) {
            guard let s = services[t.serviceID] else { continue }
            let credit = ExactDecimal(t.freeInput) * s.promptPricePer1K.shifted(right: 3)
                + ExactDecimal(t.freeOutput) * s.completionPricePer1K.shifted(right: 3)
            let amount = -credit.roundedToCents
            guard !amount.isZero || t.freeInput + t.freeOutput > 0 else { continue }
            lines.append(InvoiceLine(kind: .trial, description: "\(t.serviceID) free trial: \(t.freeInput) prompt and \(t.freeOutput) completion tokens",
                                     quantity: 1, unitPrice: amount, amount: amount, serviceID: t.serviceID))
        }
        guard fee > .zero || hasUsage else { return nil }

        let usageSubtotal = lines.filter { [.usage, .service, .trial].contains($0.kind) }.reduce(ExactDecimal.zero) { $0 + $1.amount }
        if let tier = volumeDiscounts.filter({ usageSubtotal >= $0.minUsage }).max(by: { $0.minUsage < $1.minUsage }), tier.pct > .zero {
            let discount = -tier.pct.percent(of: usageSubtotal).roundedToCents
            lines.append(InvoiceLine(kind: .volumeDiscount, description: "volume discount \(tier.pct.normalized) % of \(usageSubtotal.formatted(places: 2))",
                                     quantity: 1, unitPrice: discount, amount: discount))
        }
        let subtotal = lines.reduce(ExactDecimal.zero) { $0 + $1.amount }
        let tax = customer.taxRatePct.percent(of: subtotal).roundedToCents
        let total = subtotal + tax
        let credits = total > .zero ? min(max(creditAvailable, .zero), total) : .zero
        let unpriced = usage.filter { $0.unitPrice == nil && $0.quantity > 0 && $0.tokenType != .request }
        return Invoice(customerID: customer.id, customerName: customer.name, period: period, issueDate: issueDate,
                       dueDate: issueDate.adding(days: paymentTermsDays), currency: currency, lines: lines, subtotal: subtotal, tax: tax,
                       total: total, creditsApplied: credits, amountDue: total - credits, taxRatePct: customer.taxRatePct, unpriced: unpriced)
    }

    /// What a finalized invoice's period gives now, against what was issued for it so far:
    /// a credit note (less) or a supplementary invoice (more) for the difference, or nil.
    public func adjustment(of issued: [Invoice], now: Invoice, issueDate: UTCDay) -> Invoice? {
        guard let original = issued.first(where: { $0.kind == .invoice }) else { return nil }
        let billedSubtotal = issued.reduce(ExactDecimal.zero) { $0 + $1.subtotal }
        let billedTax = issued.reduce(ExactDecimal.zero) { $0 + $1.tax }
        let diff = now.subtotal - billedSubtotal
        guard !diff.isZero else { return nil }
        let tax = now.tax - billedTax
        let kind: Invoice.Kind = diff < .zero ? .creditNote : .supplementary
        let line = InvoiceLine(kind: .adjustment, description: "adjustment of \(original.number ?? "?") for usage reported after it was issued",
                               quantity: 1, unitPrice: diff, amount: diff)
        return Invoice(kind: kind, customerID: now.customerID, customerName: now.customerName, period: now.period, issueDate: issueDate,
                       dueDate: issueDate.adding(days: paymentTermsDays), currency: currency, lines: [line], subtotal: diff, tax: tax,
                       total: diff + tax, creditsApplied: .zero, amountDue: diff + tax, taxRatePct: now.taxRatePct,
                       adjusts: original.number, unpriced: now.unpriced)
    }
}
