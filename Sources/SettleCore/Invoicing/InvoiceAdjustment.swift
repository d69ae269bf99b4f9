/// What `invoice --adjust` compares (PRODUCT.md, "Customers over time"): an issued invoice is
/// never recomputed from today's catalog. Its plan fee lines and tax rate are those it was
/// issued with; only the usage, prices and services of the period can differ, and the credit
/// note or supplementary invoice carries one line per line that changed, not one lump.
/// `applyingCatalog` (`--adjust --catalog`) also takes the plan fees and tax rate of the
/// customer versions now in force: the way a back-dated version corrects an issued period.
extension InvoiceRules {
    public func adjustment(of issued: [Invoice], now: Invoice, applyingCatalog: Bool = false, issueDate: UTCDay) -> Invoice? {
        guard let original = issued.first(where: { $0.kind == .invoice }) else { return nil }
        var target = now
        if !applyingCatalog {
            // The rate of the latest document: an earlier `--catalog` adjustment may have changed it.
            let latest = issued.max { ($0.issueDate, $0.number ?? "") < ($1.issueDate, $1.number ?? "") } ?? original
            let frozenFees = Self.net(issued.flatMap(\.lines).filter { $0.kind == .planFee })
            target.taxRatePct = latest.taxRatePct
            target.taxCategory = latest.taxCategory
            target.taxExemptionCode = latest.taxExemptionCode
            target.taxExemptionReason = latest.taxExemptionReason
            target.customerCountry = latest.customerCountry
            target.taxProblem = nil
            settle(&target, lines: frozenFees + now.lines.filter { $0.kind != .planFee })
        }
        let billed = Self.net(issued.flatMap(\.lines))
        let lines = Self.difference(from: billed, to: target.lines)
        let billedSubtotal = issued.reduce(ExactDecimal.zero) { $0 + $1.subtotal }
        let billedTax = issued.reduce(ExactDecimal.zero) { $0 + $1.tax }
        let tax = target.tax - billedTax
        let subtotal = target.subtotal - billedSubtotal
        // Nothing to settle when no money moves (a few tokens that round to the same cents, or
        // lines that only moved between items): no document, no number used. A tax rate applied
        // with --catalog moves money with no line of its own.
        guard !subtotal.isZero || !tax.isZero else { return nil }
        let total = subtotal + tax
        var doc = Invoice(kind: total < .zero ? .creditNote : .supplementary, customerID: now.customerID, customerName: now.customerName,
                          period: now.period, issueDate: issueDate, dueDate: issueDate.adding(days: paymentTermsDays), currency: now.currency,
                          lines: lines, subtotal: subtotal, tax: tax, total: total, creditsApplied: .zero, amountDue: total,
                          taxRatePct: target.taxRatePct, adjusts: original.number, unpriced: now.unpriced)
        doc.taxCategory = target.taxCategory
        doc.taxExemptionCode = target.taxExemptionCode
        doc.taxExemptionReason = target.taxExemptionReason
        doc.customerCountry = target.customerCountry
        doc.issuerCountry = now.issuerCountry
        doc.taxProblem = target.taxProblem
        doc.exchangeRate = now.exchangeRate
        doc.rateProblem = now.rateProblem
        doc.taxAccountingRate = now.taxAccountingRate
        accountingTax(&doc)
        doc.customerAddress = applyingCatalog ? now.customerAddress : original.customerAddress
        doc.customerTaxID = applyingCatalog ? now.customerTaxID : original.customerTaxID
        if !applyingCatalog { doc.customerName = original.customerName }
        return doc
    }

    /// Lines of several documents summed per item (`InvoiceLine.Item`), in first-seen order;
    /// items that net to nothing dropped.
    static func net(_ lines: [InvoiceLine]) -> [InvoiceLine] {
        var order: [InvoiceLine.Item] = []
        var sums: [InvoiceLine.Item: InvoiceLine] = [:]
        for l in lines {
            let item = l.item
            if var s = sums[item] {
                s.quantity += l.quantity
                s.amount += l.amount
                s.description = l.description
                s.from = l.from
                s.through = l.through
                sums[item] = s
            } else {
                sums[item] = l
                order.append(item)
            }
        }
        return order.compactMap { item in
            guard let l = sums[item] else { return nil }
            return l.amount.isZero && (l.quantity == 0 || item.isOneOff) ? nil : l
        }
    }

    /// One line per item whose quantity or amount differs: the same description, the quantity
    /// difference and the amount difference. A one-off item (a plan fee, a trial, a discount)
    /// is one unit of its amount difference.
    static func difference(from billed: [InvoiceLine], to target: [InvoiceLine]) -> [InvoiceLine] {
        let before = Dictionary(billed.map { ($0.item, $0) }, uniquingKeysWith: { a, _ in a })
        let after = Dictionary(target.map { ($0.item, $0) }, uniquingKeysWith: { a, _ in a })
        var items = target.map(\.item)
        for l in billed where after[l.item] == nil { items.append(l.item) }
        var out: [InvoiceLine] = []
        var seen = Set<InvoiceLine.Item>()
        for item in items where seen.insert(item).inserted {
            let b = before[item], a = after[item]
            guard var line = a ?? b else { continue }
            let amount = (a?.amount ?? .zero) - (b?.amount ?? .zero)
            let quantity = (a?.quantity ?? 0) - (b?.quantity ?? 0)
            if item.isOneOff {
                guard !amount.isZero else { continue }
                line.quantity = 1
                line.unitPrice = amount
            } else {
                guard !amount.isZero || quantity != 0 else { continue }
                line.quantity = quantity
            }
            line.amount = amount
            out.append(line)
        }
        // Stable: lines of one kind keep the invoice's order.
        return out.enumerated().sorted { ($0.element.kind.position, $0.offset) < ($1.element.kind.position, $1.offset) }.map(\.element)
    }
}

extension InvoiceLine {
    /// What makes lines of one period's documents the same item, whatever their amounts: a usage
    /// or service line by what was used at which unit price, a trial by its service, a plan fee
    /// by its text, the volume discount as one.
    /// Fields, not a joined string: a `|` in a model name must not make two items one.
    struct Item: Hashable {
        var kind: Kind
        var provider: String? = nil
        var model: String? = nil
        var tier: Tier? = nil
        var tokenType: TokenType? = nil
        var band: Int64? = nil
        var serviceID: String? = nil
        /// A plan fee line's text (its plan and days).
        var text: String? = nil
        var unitPrice: ExactDecimal? = nil

        var isOneOff: Bool { kind != .usage && kind != .service }
    }

    var item: Item {
        switch kind {
        case .usage:
            return Item(kind: kind, provider: provider ?? "", model: model ?? "", tier: tier, tokenType: tokenType, band: band ?? 0,
                        unitPrice: unitPrice)
        case .service:
            return Item(kind: kind, tokenType: tokenType, serviceID: serviceID ?? "", unitPrice: unitPrice)
        case .trial: return Item(kind: kind, serviceID: serviceID ?? "")
        case .planFee: return Item(kind: kind, text: description)
        case .volumeDiscount, .adjustment: return Item(kind: kind)
        }
    }
}

extension InvoiceLine.Kind {
    /// The order of PRODUCT.md's invoice: fees, usage, services, trials, discount.
    var position: Int {
        switch self {
        case .planFee: return 0
        case .usage: return 1
        case .service: return 2
        case .trial: return 3
        case .volumeDiscount: return 4
        case .adjustment: return 5
        }
    }
}
