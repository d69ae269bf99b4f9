import SettleCore

/// An invoice as the files finance imports: JSON (field names fixed by PRODUCT.md, money as
/// decimal strings with two decimals, `unit_price` with as many as it needs) and CSV (one row
/// per line). A finalized invoice's JSON is also what the store keeps, and every file of it is
/// written from that text, so an issued invoice reads the same forever.
public enum InvoiceDocument {
    public typealias Issuer = InvoiceIssuer

    /// The JSON document, written field by field (no tree of values first: issuing renders a
    /// hundred thousand of them inside the issuing transaction).
    public static func json(_ i: Invoice, issuer: Issuer) -> String {
        var w = JSONWriter(pretty: true, capacity: 1024 + 320 * i.lines.count)
        w.beginObject()
        w.key("number"); w.string(i.number)
        w.member("kind", i.kind.rawValue)
        w.member("customer_id", i.customerID)
        w.member("period", i.period.description)
        w.member("period_start", i.period.firstDay.description)
        w.member("period_end", i.period.lastDay.description)
        w.member("issue_date", i.issueDate.description)
        w.member("due_date", i.dueDate.description)
        w.member("currency", i.currency)
        w.key("lines")
        w.beginArray()
        for l in i.lines { line(l, into: &w) }
        w.endArray()
        w.member("subtotal", i.subtotal.formatted(places: 2))
        w.member("tax", i.tax.formatted(places: 2))
        w.member("total", i.total.formatted(places: 2))
        w.member("credits_applied", i.creditsApplied.formatted(places: 2))
        w.member("amount_due", i.amountDue.formatted(places: 2))
        w.member("customer_name", i.customerName)
        w.member("customer_address", i.customerAddress)
        w.member("customer_tax_id", i.customerTaxID)
        w.member("tax_rate_pct", i.taxRatePct.normalized.description)
        w.key("issuer")
        w.beginObject()
        w.member("name", issuer.name)
        w.member("address", issuer.address)
        w.member("tax_id", issuer.taxID)
        w.endObject()
        if let a = i.adjusts { w.member("adjusts", a) }
        if !i.unpriced.isEmpty {
            w.key("unpriced")
            w.beginArray()
            for u in i.unpriced {
                w.beginObject()
                w.member("provider", u.provider)
                w.member("model", u.model)
                w.member("tier", u.tier.rawValue)
                w.member("token_type", u.tokenType.rawValue)
                if u.band != 0 { w.member("band", PriceBands.label(u.band)) }
                w.key("quantity"); w.int(u.quantity)
                w.endObject()
            }
            w.endArray()
        }
        w.endObject()
        w.raw("\n")
        return w.text
    }

    /// Money with two decimals; `unit_price` with as many as it needs, at least two (the text
    /// the PDF prints too). `from`/`through` only on a line that has them: one of an item's
    /// lines at different unit prices (a price change inside the period).
    static func line(_ l: InvoiceLine, into w: inout JSONWriter) {
        w.beginObject()
        w.member("kind", l.kind.rawValue)
        w.member("description", l.description)
        w.key("quantity"); w.int(l.quantity)
        w.member("unit_price", l.unitPriceText)
        w.member("amount", l.amount.formatted(places: 2))
        if let p = l.provider { w.member("provider", p) }
        if let p = l.model { w.member("model", p) }
        if let p = l.tier { w.member("tier", p.rawValue) }
        if let p = l.tokenType { w.member("token_type", p.rawValue) }
        if let p = l.serviceID { w.member("service_id", p) }
        if let b = l.band { w.member("band", PriceBands.label(b)) }
        if let d = l.from { w.member("from", d.description) }
        if let d = l.through { w.member("through", d.description) }
        w.endObject()
    }

    public static let csvColumns = ["kind", "description", "quantity", "unit_price", "amount", "provider", "model", "tier", "token_type", "service_id"]

    public static func csv(_ i: Invoice) -> String {
        var out = CSVText.record(csvColumns)
        for l in i.lines {
            CSVText.append([l.kind.rawValue, l.description, String(l.quantity), l.unitPriceText,
                                   l.amount.formatted(places: 2), l.provider ?? "", l.model ?? "", l.tier?.rawValue ?? "",
                                   l.tokenType?.rawValue ?? "", l.serviceID ?? ""], to: &out)
        }
        for (label, value) in [("subtotal", i.subtotal), ("tax", i.tax), ("total", i.total), ("credits_applied", i.creditsApplied),
                               ("amount_due", i.amountDue)] {
            CSVText.append([label, "", "", "", value.formatted(places: 2), "", "", "", "", ""], to: &out)
        }
        return out
    }

    public static let indexColumns = ["number", "kind", "customer_id", "period", "issue_date", "subtotal", "tax", "total", "credits_applied", "amount_due"]

    public static func indexRow(_ i: Invoice) -> [String] {
        [i.number ?? "", i.kind.rawValue, i.customerID, i.period.description, i.issueDate.description, i.subtotal.formatted(places: 2),
         i.tax.formatted(places: 2), i.total.formatted(places: 2), i.creditsApplied.formatted(places: 2), i.amountDue.formatted(places: 2)]
    }

    /// Reads back a document this type wrote (the store keeps finalized invoices this way).
    public static func parse(_ text: String) -> Invoice? {
        guard let v = try? JSONValue.parse(Array(text.utf8)), let kind = v.text("kind").flatMap(Invoice.Kind.init(rawValue:)),
              let customer = v.text("customer_id"), let month = v.text("period").flatMap(PeriodMonth.init),
              let start = v.text("period_start").flatMap(UTCDay.init), let issue = v.text("issue_date").flatMap(UTCDay.init),
              let due = v.text("due_date").flatMap(UTCDay.init), case .array(let lines)? = v["lines"] else { return nil }
        func d(_ k: String) -> ExactDecimal { v.text(k).flatMap { ExactDecimal($0) } ?? .zero }
        let parsedLines: [InvoiceLine] = lines.compactMap { l in
            guard let kind = l.text("kind").flatMap(InvoiceLine.Kind.init(rawValue:)) else { return nil }
            return InvoiceLine(kind: kind, description: l.text("description") ?? "", quantity: Int64(l.text("quantity") ?? "") ?? 0,
                               unitPrice: l.text("unit_price").flatMap { ExactDecimal($0) } ?? .zero,
                               amount: l.text("amount").flatMap { ExactDecimal($0) } ?? .zero, provider: l.text("provider"),
                               model: l.text("model"), tier: l.text("tier").flatMap(Tier.init(rawValue:)),
                               tokenType: l.text("token_type").flatMap(TokenType.init(rawValue:)), serviceID: l.text("service_id"),
                               band: l.text("band").flatMap(PriceBands.parse), from: l.text("from").flatMap(UTCDay.init),
                               through: l.text("through").flatMap(UTCDay.init))
        }
        var inv = Invoice(number: v.text("number"), kind: kind, customerID: customer, customerName: v.text("customer_name") ?? "",
                       period: BillingPeriod(month: month, billingDay: start.date.day), issueDate: issue, dueDate: due,
                       currency: v.text("currency") ?? "USD", lines: parsedLines, subtotal: d("subtotal"), tax: d("tax"), total: d("total"),
                       creditsApplied: d("credits_applied"), amountDue: d("amount_due"),
                       taxRatePct: v.text("tax_rate_pct").flatMap { ExactDecimal($0) } ?? .zero, adjusts: v.text("adjusts"))
        inv.customerAddress = v.text("customer_address") ?? ""
        inv.customerTaxID = v.text("customer_tax_id") ?? ""
        return inv
    }
}
