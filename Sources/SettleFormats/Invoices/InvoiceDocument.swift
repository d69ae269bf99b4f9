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
        for l in i.lines { line(l, currency: i.currency, into: &w) }
        w.endArray()
        w.member("subtotal", i.subtotal.formatted(currency: i.currency))
        w.member("tax", i.tax.formatted(currency: i.currency))
        w.member("total", i.total.formatted(currency: i.currency))
        w.member("credits_applied", i.creditsApplied.formatted(currency: i.currency))
        w.member("amount_due", i.amountDue.formatted(currency: i.currency))
        // FINANCE.md, "Payments and receivables": what a payment quotes to be matched to it.
        if let reference = i.paymentReference { w.member("payment_reference", reference) }
        w.member("customer_name", i.customerName)
        w.member("customer_address", i.customerAddress)
        w.member("customer_tax_id", i.customerTaxID)
        w.member("tax_rate_pct", i.taxRatePct.normalized.description)
        // FINANCE.md, "Tax": the VAT category, and for AE and O the exemption and its words.
        w.member("tax_category", i.taxCategory.rawValue)
        if let code = i.taxExemptionCode { w.member("tax_exemption_code", code) }
        if let reason = i.taxExemptionReason { w.member("tax_exemption_reason", reason) }
        if !i.customerCountry.isEmpty { w.member("customer_country", i.customerCountry) }
        w.key("issuer")
        w.beginObject()
        w.member("name", issuer.name)
        w.member("address", issuer.address)
        w.member("tax_id", issuer.taxID)
        if !i.issuerCountry.isEmpty { w.member("country", i.issuerCountry) }
        w.endObject()
        if let a = i.adjusts { w.member("adjusts", a) }
        // FINANCE.md, "Currencies": the rate a document in another currency than the base was
        // converted at, and its tax in the issuer's accounting currency where that differs.
        if let r = i.exchangeRate {
            w.key("exchange_rate")
            rate(r, into: &w)
        }
        if let t = i.taxAccounting, let r = i.taxAccountingRate {
            w.member("tax_accounting_currency", r.to)
            w.member("tax_accounting", t.formatted(currency: r.to))
            w.key("tax_accounting_rate")
            rate(r, into: &w)
        }
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
    static func rate(_ r: ExchangeRate, into w: inout JSONWriter) {
        w.beginObject()
        w.member("from", r.from)
        w.member("to", r.to)
        w.member("rate", r.rate.normalized.description)
        w.member("date", r.date.description)
        w.endObject()
    }

    static func line(_ l: InvoiceLine, currency: String, into w: inout JSONWriter) {
        w.beginObject()
        w.member("kind", l.kind.rawValue)
        w.member("description", l.description)
        w.key("quantity"); w.int(l.quantity)
        w.member("unit_price", l.unitPriceText)
        w.member("amount", l.amount.formatted(currency: currency))
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
                                   l.amount.formatted(currency: i.currency), l.provider ?? "", l.model ?? "", l.tier?.rawValue ?? "",
                                   l.tokenType?.rawValue ?? "", l.serviceID ?? ""], to: &out)
        }
        for (label, value) in [("subtotal", i.subtotal), ("tax", i.tax), ("total", i.total), ("credits_applied", i.creditsApplied),
                               ("amount_due", i.amountDue)] {
            CSVText.append([label, "", "", "", value.formatted(currency: i.currency), "", "", "", "", ""], to: &out)
        }
        return out
    }

    /// PRODUCT.md's columns, then `currency` (FINANCE.md, "Currencies": a period's documents
    /// may be in several, and an amount means nothing without its own).
    public static let indexColumns = ["number", "kind", "customer_id", "period", "issue_date", "subtotal", "tax", "total", "credits_applied", "amount_due",
                                      "currency"]

    public static func indexRow(_ i: Invoice) -> [String] {
        [i.number ?? "", i.kind.rawValue, i.customerID, i.period.description, i.issueDate.description, i.subtotal.formatted(currency: i.currency),
         i.tax.formatted(currency: i.currency), i.total.formatted(currency: i.currency), i.creditsApplied.formatted(currency: i.currency),
         i.amountDue.formatted(currency: i.currency), i.currency]
    }

    /// A stored document that does not read back as one this type wrote: which field, and why.
    public struct Unreadable: Error, Sendable, CustomStringConvertible {
        public var field: String
        public var problem: String
        public var description: String { "\(field): \(problem)" }
    }

    /// Reads back a document this type wrote (the store keeps issued documents this way),
    /// strictly: a required field that is missing, or any field that does not parse, is an
    /// error naming it, never a default; an issued document that read back short would be
    /// compared, summed and paid out short.
    public static func read(_ text: String) throws(Unreadable) -> Invoice {
        let v: JSONValue
        do { v = try JSONValue.parse(Array(text.utf8)) } catch { throw Unreadable(field: "document", problem: "not JSON (\(error))") }
        let doc = Fields(v, at: "")
        let kind: Invoice.Kind = try doc.value("kind")
        let month = try doc.parsed("period", PeriodMonth.init)
        let start = try doc.parsed("period_start", UTCDay.init)
        guard case .array(let items)? = v["lines"] else { throw Unreadable(field: "lines", problem: "missing, or not a list") }
        var lines: [InvoiceLine] = []
        for (n, item) in items.enumerated() {
            let l = Fields(item, at: "lines[\(n)].")
            lines.append(InvoiceLine(kind: try l.value("kind"), description: try l.text("description"),
                                     quantity: try l.parsed("quantity") { Int64($0) }, unitPrice: try l.decimal("unit_price"),
                                     amount: try l.decimal("amount"), provider: l.optionalText("provider"), model: l.optionalText("model"),
                                     tier: try l.optionalValue("tier"), tokenType: try l.optionalValue("token_type"),
                                     serviceID: l.optionalText("service_id"), band: try l.optionalParsed("band", PriceBands.parse),
                                     from: try l.optionalParsed("from", UTCDay.init), through: try l.optionalParsed("through", UTCDay.init)))
        }
        var inv = Invoice(number: doc.optionalText("number"), kind: kind, customerID: try doc.text("customer_id"),
                          customerName: doc.optionalText("customer_name") ?? "",
                          period: BillingPeriod(month: month, billingDay: start.date.day), issueDate: try doc.parsed("issue_date", UTCDay.init),
                          dueDate: try doc.parsed("due_date", UTCDay.init), currency: try doc.text("currency"), lines: lines,
                          subtotal: try doc.decimal("subtotal"), tax: try doc.decimal("tax"), total: try doc.decimal("total"),
                          creditsApplied: try doc.decimal("credits_applied"), amountDue: try doc.decimal("amount_due"),
                          taxRatePct: try doc.optionalParsed("tax_rate_pct") { ExactDecimal($0) } ?? .zero,
                          adjusts: doc.optionalText("adjusts"))
        inv.customerAddress = doc.optionalText("customer_address") ?? ""
        inv.customerTaxID = doc.optionalText("customer_tax_id") ?? ""
        inv.taxCategory = try doc.optionalValue("tax_category") ?? .standard
        inv.taxExemptionCode = doc.optionalText("tax_exemption_code")
        inv.taxExemptionReason = doc.optionalText("tax_exemption_reason")
        inv.customerCountry = doc.optionalText("customer_country") ?? ""
        inv.issuerCountry = doc.value["issuer"]?["country"]?.string ?? ""
        inv.exchangeRate = try Self.rate(v["exchange_rate"], field: "exchange_rate")
        if v["tax_accounting"] != nil {
            inv.taxAccounting = try doc.decimal("tax_accounting")
            inv.taxAccountingRate = try Self.rate(v["tax_accounting_rate"], field: "tax_accounting_rate")
        }
        return inv
    }

    static func rate(_ value: JSONValue?, field: String) throws(Unreadable) -> ExchangeRate? {
        guard let value else { return nil }
        let f = Fields(value, at: field + ".")
        return ExchangeRate(from: try f.text("from"), to: try f.text("to"), rate: try f.decimal("rate"), date: try f.parsed("date", UTCDay.init))
    }

    /// A document's members, each read strictly and named (`lines[3].amount`) when it fails.
    struct Fields {
        let value: JSONValue
        let at: String
        init(_ value: JSONValue, at: String) {
            self.value = value
            self.at = at
        }

        func optionalText(_ key: String) -> String? {
            switch value[key] {
            case .string(let s)?: return s
            case .number(let s)?: return s
            default: return nil
            }
        }

        func text(_ key: String) throws(Unreadable) -> String {
            guard let t = optionalText(key) else { throw Unreadable(field: at + key, problem: "missing") }
            return t
        }

        func optionalParsed<T>(_ key: String, _ parse: (String) -> T?) throws(Unreadable) -> T? {
            guard let t = optionalText(key) else { return nil }
            guard let v = parse(t) else { throw Unreadable(field: at + key, problem: "\"\(t.prefix(40))\" cannot be read") }
            return v
        }

        func parsed<T>(_ key: String, _ parse: (String) -> T?) throws(Unreadable) -> T {
            guard let v = try optionalParsed(key, parse) else { throw Unreadable(field: at + key, problem: "missing") }
            return v
        }

        func decimal(_ key: String) throws(Unreadable) -> ExactDecimal { try parsed(key) { ExactDecimal($0) } }

        func optionalValue<E: RawRepresentable>(_ key: String) throws(Unreadable) -> E? where E.RawValue == String {
            try optionalParsed(key) { E(rawValue: $0) }
        }

        func value<E: RawRepresentable>(_ key: String) throws(Unreadable) -> E where E.RawValue == String {
            try parsed(key) { E(rawValue: $0) }
        }
    }
}
