import SettleCore

/// An invoice as the files finance imports: JSON (field names fixed by PRODUCT.md, money as
/// decimal strings with two decimals, `unit_price` with as many as it needs) and CSV (one row
/// per line). A finalized invoice's JSON is also what the store keeps, and every file of it is
/// written from that text, so an issued invoice reads the same forever.
public enum InvoiceDocument {
    public struct Issuer: Sendable {
        public var name: String
        public var address: String
        public var taxID: String
        public init(name: String, address: String, taxID: String) {
            self.name = name
            self.address = address
            self.taxID = taxID
        }
    }

    static func money(_ d: ExactDecimal) -> JSONText { .string(d.formatted(places: 2)) }
    static func price(_ d: ExactDecimal) -> JSONText { .string(d.normalized.formatted(minimumPlaces: 2)) }

    public static func json(_ i: Invoice, issuer: Issuer) -> String {
        var members: [(String, JSONText)] = [
            ("number", .optional(i.number)), ("kind", .string(i.kind.rawValue)), ("customer_id", .string(i.customerID)),
            ("period", .string(i.period.description)), ("period_start", .string(i.period.firstDay.description)),
            ("period_end", .string(i.period.lastDay.description)), ("issue_date", .string(i.issueDate.description)),
            ("due_date", .string(i.dueDate.description)), ("currency", .string(i.currency)),
            ("lines", .array(i.lines.map(line))),
            ("subtotal", money(i.subtotal)), ("tax", money(i.tax)), ("total", money(i.total)),
            ("credits_applied", money(i.creditsApplied)), ("amount_due", money(i.amountDue)),
            ("customer_name", .string(i.customerName)), ("tax_rate_pct", .string(i.taxRatePct.normalized.description)),
            ("issuer", .object([("name", .string(issuer.name)), ("address", .string(issuer.address)), ("tax_id", .string(issuer.taxID))])),
        ]
        if let a = i.adjusts { members.append(("adjusts", .string(a))) }
        if !i.unpriced.isEmpty {
            members.append(("unpriced", .array(i.unpriced.map { u in
                .object([("provider", .string(u.provider)), ("model", .string(u.model)), ("tier", .string(u.tier.rawValue)),
                         ("token_type", .string(u.tokenType.rawValue)), ("quantity", .int(u.quantity))])
            })))
        }
        return JSONText.object(members).pretty()
    }

    static func line(_ l: InvoiceLine) -> JSONText {
        var m: [(String, JSONText)] = [
            ("kind", .string(l.kind.rawValue)), ("description", .string(l.description)), ("quantity", .int(l.quantity)),
            ("unit_price", price(l.unitPrice)), ("amount", money(l.amount)),
        ]
        if let p = l.provider { m.append(("provider", .string(p))) }
        if let p = l.model { m.append(("model", .string(p))) }
        if let p = l.tier { m.append(("tier", .string(p.rawValue))) }
        if let p = l.tokenType { m.append(("token_type", .string(p.rawValue))) }
        if let p = l.serviceID { m.append(("service_id", .string(p))) }
        return .object(m)
    }

    public static let csvColumns = ["kind", "description", "quantity", "unit_price", "amount", "provider", "model", "tier", "token_type", "service_id"]

    public static func csv(_ i: Invoice) -> String {
        var out = CSVText.record(csvColumns)
        for l in i.lines {
            out += CSVText.record([l.kind.rawValue, l.description, String(l.quantity), l.unitPrice.normalized.formatted(minimumPlaces: 2),
                                   l.amount.formatted(places: 2), l.provider ?? "", l.model ?? "", l.tier?.rawValue ?? "",
                                   l.tokenType?.rawValue ?? "", l.serviceID ?? ""])
        }
        for (label, value) in [("subtotal", i.subtotal), ("tax", i.tax), ("total", i.total), ("credits_applied", i.creditsApplied),
                               ("amount_due", i.amountDue)] {
            out += CSVText.record([label, "", "", "", value.formatted(places: 2), "", "", "", "", ""])
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
                               tokenType: l.text("token_type").flatMap(TokenType.init(rawValue:)), serviceID: l.text("service_id"))
        }
        return Invoice(number: v.text("number"), kind: kind, customerID: customer, customerName: v.text("customer_name") ?? "",
                       period: BillingPeriod(month: month, billingDay: start.date.day), issueDate: issue, dueDate: due,
                       currency: v.text("currency") ?? "USD", lines: parsedLines, subtotal: d("subtotal"), tax: d("tax"), total: d("total"),
                       creditsApplied: d("credits_applied"), amountDue: d("amount_due"),
                       taxRatePct: v.text("tax_rate_pct").flatMap { ExactDecimal($0) } ?? .zero, adjusts: v.text("adjusts"))
    }
}
