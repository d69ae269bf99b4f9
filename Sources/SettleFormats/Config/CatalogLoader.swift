import SettleCore

/// Loads and validates the catalog CSVs named in settle.toml. Each problem names the file and
/// line, and the column, so finance can fix the spreadsheet without reading code. Money, rates
/// and percentages are plain decimals (`DecimalRule`), dates `YYYY-MM-DD` (PRODUCT.md,
/// "Configuration").
public enum CatalogLoader {
    public static func load(config: SettleConfig) throws(ConfigError) -> Catalog {
        var catalog = Catalog()
        let configFile = config.sourcePath ?? "settle.toml"
        func required(_ path: String?, _ key: String) throws(ConfigError) -> String? {
            guard let path else { return nil }
            guard FileSystem.exists(path) else {
                throw ConfigError(file: configFile, key: key, "names \(path), which does not exist")
            }
            return path
        }
        if let path = try required(config.catalog.customers, "catalog.customers") {
            catalog.customers = try customers(path, plans: config.plans)
        }
        if let path = try required(config.catalog.vatRates, "catalog.vat_rates") {
            catalog.vatRates = VATRateBook(try vatRates(path))
        }
        if let path = try required(config.catalog.sellers, "catalog.sellers") {
            catalog.sellers = try sellers(path)
        }
        if let path = try required(config.exchangeRatesFile, "exchange_rates.file") {
            catalog.exchangeRates = try ECBRatesFile.read(path)
        }
        try checkTaxDecidable(catalog, config: config)
        try checkEInvoiceIssuer(catalog, config: config)
        if let path = try required(config.catalog.prices, "catalog.prices") {
            catalog.prices = try prices(path)
        }
        if let path = try required(config.catalog.services, "catalog.services") {
            catalog.services = try services(path)
        }
        if let path = try required(config.catalog.credits, "catalog.credits") {
            catalog.credits = try credits(path, customers: Set(catalog.customers.ids))
        }
        return catalog
    }

    /// Every version of every customer: a customer may have several rows, each in force from
    /// its `effective_from` (PRODUCT.md, "customers.csv").
    public static func customers(_ path: String, plans: [String: Plan]) throws(ConfigError) -> CustomerBook {
        var book = CustomerBook.Builder()
        try CSVTable.forEachRow(path: path, required: ["customer_id", "name", "email", "plan", "billing_day", "tax_rate_pct", "alert_webhook"]) { (row) throws(ConfigError) in
            let id = row["customer_id"]
            guard !id.isEmpty else { throw ConfigError(file: path, line: row.line, key: "customer_id", "is empty") }
            let plan = row["plan"]
            guard plans[plan] != nil else {
                let known = plans.keys.sorted().joined(separator: ", ")
                throw ConfigError(file: path, line: row.line, key: "plan",
                    "\"\(plan)\" is not a plan in settle.toml (known: \(known.isEmpty ? "none" : known))")
            }
            guard let day = wholeNumber(row["billing_day"]).map({ Int($0) }), BillingPeriod.billingDays.contains(day) else {
                throw ConfigError(file: path, line: row.line, key: "billing_day",
                    "\"\(row["billing_day"])\" must be a day from \(BillingPeriod.billingDays.lowerBound) to \(BillingPeriod.billingDays.upperBound)")
            }
            let tax = try optionalDecimal(row, "tax_rate_pct", path, .percentage)
            let fromText = row["effective_from"]
            guard fromText.isEmpty || UTCDay(fromText) != nil else {
                throw ConfigError(file: path, line: row.line, key: "effective_from",
                    "\"\(fromText)\" is not a date (YYYY-MM-DD); leave it empty for a version in force from the beginning")
            }
            let webhook = row["alert_webhook"]
            let country = row["country"]
            guard country.isEmpty || ISOCodes.isCountry(country) else {
                throw ConfigError(file: path, line: row.line, key: "country",
                    "\"\(country)\" is not an ISO 3166-1 alpha-2 code: two capital letters, such as DE, or empty")
            }
            do throws(VATIdentifierError) {
                _ = try CustomerTaxID.check(row["tax_id"], country: country)
            } catch {
                throw ConfigError(file: path, line: row.line, key: "tax_id", "\(error)")
            }
            var version = Customer(id: id, name: row["name"], email: row["email"], plan: plan, billingDay: day,
                                   taxRatePct: tax, alertWebhook: webhook.isEmpty ? nil : webhook, effectiveFrom: UTCDay(fromText),
                                   address: row["address"], taxID: row["tax_id"], line: row.line, country: country)
            let currency = row["currency"]
            guard currency.isEmpty || ISOCodes.isCurrency(currency) else {
                throw ConfigError(file: path, line: row.line, key: "currency", "\"\(currency)\" is not an ISO 4217 code: three capital letters, such as EUR, or empty")
            }
            version.currency = currency.isEmpty ? nil : currency
            let einvoice = row["einvoice"]
            guard einvoice.isEmpty || EInvoiceFormat(rawValue: einvoice) != nil else {
                throw ConfigError(file: path, line: row.line, key: "einvoice",
                    "\"\(einvoice)\" is not one of \(EInvoiceFormat.allCases.map(\.rawValue).joined(separator: ", ")), or empty for the PDF only")
            }
            version.einvoice = EInvoiceFormat(rawValue: einvoice)
            version.peppolID = row["peppol_id"]
            // FINANCE.md, "Payments and receivables": the customer's id at Stripe, optional.
            version.stripeCustomer = row["stripe_customer"]
            guard version.peppolID.isEmpty || EInvoiceFormat.isPeppolID(version.peppolID) else {
                throw ConfigError(file: path, line: row.line, key: "peppol_id",
                    "\"\(version.peppolID)\" is not a Peppol participant id: SCHEME:ID, a four-digit scheme such as 0208 and the identifier")
            }
            if version.einvoice == .peppol && version.peppolID.isEmpty {
                throw ConfigError(file: path, line: row.line, key: "peppol_id", "is empty, and einvoice is peppol: a Peppol invoice goes to the customer's endpoint, SCHEME:ID")
            }
            if version.einvoice != nil && country.isEmpty {
                throw ConfigError(file: path, line: row.line, key: "country", "is empty, and einvoice is \(einvoice): an e-invoice names the buyer's country (EN 16931 BR-11)")
            }
            if version.einvoice == .xrechnung {
                let address = PostalAddress(line: version.address, country: country)
                if address.city.isEmpty || address.postCode.isEmpty {
                    throw ConfigError(file: path, line: row.line, key: "address",
                        "\"\(version.address)\" gives no \(address.city.isEmpty ? "city" : "post code"), and einvoice is xrechnung, which requires both (BR-DE-8, BR-DE-9): write it as street, post code and city, country")
                }
            }
            if let problem = book.problem(adding: version) {
                throw ConfigError(file: path, line: problem.line, key: problem.key, problem.message)
            }
            book.add(version)
        }
        return book.book
    }

    /// `vat_rates.csv`: `country,rate_pct,effective_from` (and any other column, such as the
    /// `source` the shipped copy gives); one rate per country and date.
    public static func vatRates(_ path: String) throws(ConfigError) -> [VATRateBook.Rate] {
        var out: [VATRateBook.Rate] = []
        var seen = Set<String>()
        try CSVTable.forEachRow(path: path, required: ["country", "rate_pct", "effective_from"]) { (row) throws(ConfigError) in
            let country = row["country"]
            guard ISOCodes.isCountry(country) else {
                throw ConfigError(file: path, line: row.line, key: "country", "\"\(country)\" is not an ISO 3166-1 alpha-2 code: two capital letters, such as DE")
            }
            guard let rate = try optionalDecimal(row, "rate_pct", path, .percentage) else {
                throw ConfigError(file: path, line: row.line, key: "rate_pct", "is empty; write the standard rate, such as 19")
            }
            guard let from = UTCDay(row["effective_from"]) else {
                throw ConfigError(file: path, line: row.line, key: "effective_from", "\"\(row["effective_from"])\" is not a date (YYYY-MM-DD)")
            }
            guard seen.insert("\(country) \(from)").inserted else {
                throw ConfigError(file: path, line: row.line, key: "effective_from", "\(country) has a rate from \(from) already")
            }
            out.append(VATRateBook.Rate(country: country, ratePct: rate, effectiveFrom: from))
        }
        return out
    }

    /// FINANCE.md, "Tax": a customer version without a rate of its own is taxed by the rules,
    /// which need the issuer's country and the customer's; a catalog without them is refused
    /// (78) before anything is invoiced.
    static func checkTaxDecidable(_ catalog: Catalog, config: SettleConfig) throws(ConfigError) {
        guard let path = config.catalog.customers else { return }
        for id in catalog.customers.ids {
            guard let history = catalog.customers[id] else { continue }
            for v in history.versions where v.taxRatePct == nil {
                if config.invoices.issuerCountry.isEmpty {
                    throw ConfigError(file: path, line: v.line, key: "tax_rate_pct",
                        "is empty, so settle decides the VAT, which needs the issuer's country: set [invoices] issuer country in settle.toml, or give a rate")
                }
                if v.country.isEmpty {
                    throw ConfigError(file: path, line: v.line, key: "country",
                        "is empty, and so is tax_rate_pct: give the customer's country (ISO 3166-1 alpha-2), and settle decides the VAT")
                }
            }
        }
    }

    /// sellers.csv: `seller,name,address,country,tax_id,currency,self_billing`; a seller's
    /// VAT identifier is checked as a customer's is.
    public static func sellers(_ path: String) throws(ConfigError) -> [String: Seller] {
        var out: [String: Seller] = [:]
        try CSVTable.forEachRow(path: path, required: ["seller", "name", "address", "country", "tax_id", "currency", "self_billing"]) { (row) throws(ConfigError) in
            let id = row["seller"]
            guard !id.isEmpty else { throw ConfigError(file: path, line: row.line, key: "seller", "is empty") }
            guard out[id] == nil else { throw ConfigError(file: path, line: row.line, key: "seller", "\(id) is listed twice") }
            let country = row["country"]
            guard country.isEmpty || ISOCodes.isCountry(country) else {
                throw ConfigError(file: path, line: row.line, key: "country", "\"\(country)\" is not an ISO 3166-1 alpha-2 code: two capital letters, such as DE, or empty")
            }
            do throws(VATIdentifierError) {
                _ = try CustomerTaxID.check(row["tax_id"], country: country)
            } catch {
                throw ConfigError(file: path, line: row.line, key: "tax_id", "\(error)")
            }
            let currency = row["currency"]
            guard currency.isEmpty || ISOCodes.isCurrency(currency) else {
                throw ConfigError(file: path, line: row.line, key: "currency", "\"\(currency)\" is not an ISO 4217 code: three capital letters, such as EUR, or empty")
            }
            let selfBilling: Bool
            switch row["self_billing"] {
            case "yes": selfBilling = true
            case "no", "": selfBilling = false
            default: throw ConfigError(file: path, line: row.line, key: "self_billing", "\"\(row["self_billing"])\" is neither yes nor no")
            }
            if selfBilling && country.isEmpty {
                throw ConfigError(file: path, line: row.line, key: "country",
                    "is empty, and self_billing is yes: the VAT of the invoice settle issues on the seller's behalf depends on where the seller is")
            }
            out[id] = Seller(id: id, name: row["name"], address: row["address"], country: country, taxID: row["tax_id"],
                             currency: currency.isEmpty ? nil : currency, selfBilling: selfBilling)
        }
        return out
    }

    /// What the e-invoices require of the issuer, checked when the catalog is read rather
    /// than found in a failed document at month-end: for any e-invoice, the issuer's country
    /// (BR-9); for a Peppol one, its `peppol_id`; for XRechnung, its account (BR-DE-1), its
    /// contact (BR-DE-2, 5, 6, 7) and an address with city and post code (BR-DE-3, BR-DE-4);
    /// and where a customer's tax will be "not subject to VAT" (O), its `company_id`, since
    /// such a document may not carry the issuer's VAT identifier (BR-O-02) and must still
    /// identify it (BR-CO-26).
    static func checkEInvoiceIssuer(_ catalog: Catalog, config: SettleConfig) throws(ConfigError) {
        let settings = config.invoices
        let file = config.sourcePath ?? "settle.toml"
        let issuer = settings.issuerPeppolID
        if !issuer.isEmpty, !EInvoiceFormat.isPeppolID(issuer) {
            throw ConfigError(file: file, key: "invoices.issuer.peppol_id",
                              "\"\(issuer)\" is not a Peppol participant id: SCHEME:ID, a four-digit scheme such as 0208 and the identifier")
        }
        guard let path = config.catalog.customers else { return }
        let address = PostalAddress(line: settings.issuerAddress, country: settings.issuerCountry)
        for id in catalog.customers.ids {
            for v in catalog.customers[id]?.versions ?? [] {
                guard let format = v.einvoice else { continue }
                func refuse(_ problem: String, _ remedy: String) -> ConfigError {
                    ConfigError(file: path, line: v.line, key: "einvoice", "is \(format.rawValue), and [invoices] issuer \(problem): \(remedy)")
                }
                if settings.issuerCountry.isEmpty { throw refuse("has no country", "an e-invoice names the seller's country (BR-9); set it in settle.toml") }
                if format == .peppol && issuer.isEmpty {
                    throw refuse("has no peppol_id", "set the issuer's Peppol endpoint (SCHEME:ID) in settle.toml")
                }
                if format == .xrechnung {
                    if settings.issuerIBAN.isEmpty { throw refuse("has no iban", "XRechnung requires payment instructions (BR-DE-1)") }
                    for (key, value) in [("contact_name", settings.issuerContactName), ("contact_phone", settings.issuerContactPhone),
                                         ("contact_email", settings.issuerContactEmail)] where value.isEmpty {
                        throw refuse("has no \(key)", "XRechnung requires the seller's contact (BR-DE-2)")
                    }
                    if address.city.isEmpty || address.postCode.isEmpty {
                        throw refuse("address \"\(settings.issuerAddress)\" gives no \(address.city.isEmpty ? "city" : "post code")",
                                     "XRechnung requires both (BR-DE-3, BR-DE-4); write it as street, post code and city, country")
                    }
                }
                let outsideScope = v.taxRatePct == nil && v.country != settings.issuerCountry && !TaxRules.memberStates.contains(v.country)
                if outsideScope && settings.issuerCompanyID.isEmpty {
                    throw refuse("has no company_id", "the customer's invoices are not subject to VAT (O), which may not carry the issuer's VAT identifier (BR-O-02), so the issuer is named by its registration number")
                }
            }
        }
    }

    public static func prices(_ path: String) throws(ConfigError) -> [PriceRow] {
        let table = try CSVTable(path: path, required: ["provider", "model", "token_type", "tier", "price", "per", "effective_from"])
        var out: [PriceRow] = []
        var seen: [String: Int] = [:]
        for row in table.rows {
            for col in ["provider", "model"] where row[col].isEmpty {
                throw ConfigError(file: path, line: row.line, key: col, "is empty")
            }
            guard let type = TokenType(rawValue: row["token_type"]) else {
                throw ConfigError(file: path, line: row.line, key: "token_type",
                    "\"\(row["token_type"])\" is not one of \(TokenType.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            let tierText = row["tier"]
            guard let tier = tierText.isEmpty ? .standard : Tier(rawValue: tierText) else {
                throw ConfigError(file: path, line: row.line, key: "tier", "\"\(tierText)\" is not standard, batch, priority or flex")
            }
            let price = try decimal(row, "price", path, .nonNegative)
            guard let per = PriceUnit(rawValue: row["per"].uppercased() == "1K" ? "1K" : row["per"].uppercased()) else {
                throw ConfigError(file: path, line: row.line, key: "per", "\"\(row["per"])\" must be 1M, 1K or 1")
            }
            let from = row["effective_from"]
            guard let when = UTCDay(from)?.start ?? Timestamp(rfc3339: from) else {
                throw ConfigError(file: path, line: row.line, key: "effective_from",
                    "\"\(from)\" is not a date (YYYY-MM-DD) or an RFC 3339 time")
            }
            let bandText = row["band"]
            guard bandText.isEmpty || PriceBands.parse(bandText) != nil else {
                throw ConfigError(file: path, line: row.line, key: "band",
                    "\"\(bandText)\" is not a prompt-size band: write >N, N the input tokens a prompt must exceed (>200000), or leave it empty")
            }
            let band = PriceBands.parse(bandText)
            // Two rows for one price at one time would make the book ambiguous.
            let key = "\(row["provider"])|\(row["model"])|\(type.rawValue)|\(tier.rawValue)|\(band ?? 0)|\(when.microseconds)"
            if let first = seen[key] {
                throw ConfigError(file: path, line: row.line, key: "effective_from",
                    "a second price for \(row["provider"]) \(row["model"]) \(type.rawValue) \(tier.rawValue)\(band.map { " band >\($0)" } ?? "") from \(from) (first on line \(first))")
            }
            seen[key] = row.line
            out.append(PriceRow(provider: row["provider"], model: row["model"], tokenType: type, tier: tier,
                                price: price, per: per, effectiveFrom: when, band: band))
        }
        return out
    }

    public static func services(_ path: String) throws(ConfigError) -> [Service] {
        let table = try CSVTable(path: path, required: ["service_id", "seller", "model", "prompt_price_per_1k",
                                                         "completion_price_per_1k", "platform_fee_pct", "trial_tokens"])
        var out: [Service] = []
        var seen = Set<String>()
        for row in table.rows {
            let id = row["service_id"]
            guard !id.isEmpty else { throw ConfigError(file: path, line: row.line, key: "service_id", "is empty") }
            guard seen.insert(id).inserted else { throw ConfigError(file: path, line: row.line, key: "service_id", "\(id) appears twice") }
            guard !row["seller"].isEmpty else { throw ConfigError(file: path, line: row.line, key: "seller", "is empty") }
            let trialText = row["trial_tokens"]
            guard let trial = trialText.isEmpty ? 0 : wholeNumber(trialText) else {
                throw ConfigError(file: path, line: row.line, key: "trial_tokens", "\"\(trialText)\" must be a whole number ≥ 0 (digits only, such as 50000)")
            }
            out.append(Service(id: id, seller: row["seller"], model: row["model"],
                               promptPricePer1K: try decimal(row, "prompt_price_per_1k", path, .nonNegative),
                               completionPricePer1K: try decimal(row, "completion_price_per_1k", path, .nonNegative),
                               platformFeePct: try decimal(row, "platform_fee_pct", path, .percentage),
                               trialTokens: trial))
        }
        return out
    }

    /// Credit entries (PRODUCT.md, "credits.csv"): `kind` topup (the default), refund (a positive
    /// amount paid back) or adjustment (signed); `expires` on what adds to the balance.
    public static func credits(_ path: String, customers: Set<String>) throws(ConfigError) -> [CreditEntry] {
        let table = try CSVTable(path: path, required: ["reference", "customer_id", "date", "amount"])
        var out: [CreditEntry] = []
        var seen: [String: Int] = [:]
        for row in table.rows {
            let ref = row["reference"]
            guard !ref.isEmpty else { throw ConfigError(file: path, line: row.line, key: "reference", "is empty") }
            if let first = seen[ref] {
                throw ConfigError(file: path, line: row.line, key: "reference", "\(ref) appears again (first on line \(first)); references are unique")
            }
            seen[ref] = row.line
            let customer = row["customer_id"]
            guard customers.isEmpty || customers.contains(customer) else {
                throw ConfigError(file: path, line: row.line, key: "customer_id", "\(customer) is not in customers.csv")
            }
            guard let date = UTCDay(row["date"]) else {
                throw ConfigError(file: path, line: row.line, key: "date", "\"\(row["date"])\" is not a date (YYYY-MM-DD)")
            }
            let kindText = row["kind"]
            guard let kind = kindText.isEmpty ? .topup : CreditEntry.Kind(rawValue: kindText), kind != .creditNote, kind != .overpayment else {
                throw ConfigError(file: path, line: row.line, key: "kind", "\"\(kindText)\" is not topup, refund or adjustment")
            }
            // Which sign a kind allows is said below, in the kind's words.
            let amount = try decimal(row, "amount", path, kind == .adjustment ? .signed : .creditAmount)
            switch kind {
            case .topup, .refund, .creditNote, .overpayment:
                guard amount > .zero else {
                    throw ConfigError(file: path, line: row.line, key: "amount", "must be positive (a \(kind.rawValue) \(kind == .refund ? "lowers" : "raises") the balance by it)")
                }
            case .adjustment:
                guard !amount.isZero else { throw ConfigError(file: path, line: row.line, key: "amount", "is zero; an adjustment moves the balance") }
            }
            guard amount.rounded(places: 2) == amount else {
                throw ConfigError(file: path, line: row.line, key: "amount", "\"\(row["amount"])\" has more than two decimals; credit is money in cents")
            }
            let expiresText = row["expires"]
            var expires: UTCDay?
            if !expiresText.isEmpty {
                guard let day = UTCDay(expiresText) else {
                    throw ConfigError(file: path, line: row.line, key: "expires", "\"\(expiresText)\" is not a date (YYYY-MM-DD)")
                }
                guard kind == .topup || (kind == .adjustment && amount > .zero) else {
                    throw ConfigError(file: path, line: row.line, key: "expires", "only a top-up or a positive adjustment can expire")
                }
                guard day > date else {
                    throw ConfigError(file: path, line: row.line, key: "expires", "\(day) is not after the entry's date \(date)")
                }
                expires = day
            }
            out.append(CreditEntry(reference: ref, customerID: customer, kind: kind, date: date,
                                   amount: kind == .refund ? -amount : amount, expires: expires, line: row.line))
        }
        return out
    }

    /// The cell of `column` under `rule`; an empty cell is refused.
    private static func decimal(_ row: CSVTable.Row, _ column: String, _ path: String, _ rule: DecimalRule) throws(ConfigError) -> ExactDecimal {
        guard let value = try optionalDecimal(row, column, path, rule) else {
            throw ConfigError(file: path, line: row.line, key: column, "is empty; expected a decimal number such as \(rule.example)")
        }
        return value
    }

    /// The cell of `column` under `rule`, or nil when it is empty.
    private static func optionalDecimal(_ row: CSVTable.Row, _ column: String, _ path: String, _ rule: DecimalRule) throws(ConfigError) -> ExactDecimal? {
        let text = row[column]
        guard !text.isEmpty else { return nil }
        do throws(DecimalRule.Refusal) {
            return try rule.value(text)
        } catch {
            throw ConfigError(file: path, line: row.line, key: column, error.message)
        }
    }

    /// Digits only (`Int64("+5")` would take a sign): a count or a day, never negative.
    private static func wholeNumber(_ text: String) -> Int64? {
        guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return nil }
        return Int64(text)
    }
}
