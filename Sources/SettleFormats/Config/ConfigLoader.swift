import SettleCore
import TOMLKit
#if canImport(Glibc)
import Glibc
#endif

/// Reads settle.toml into a validated `SettleConfig`, and the catalog CSVs it names.
public enum ConfigLoader {
    /// Loads `path`. When `path` is nil and `./settle.toml` does not exist, settle runs on
    /// defaults; a path that was asked for explicitly must exist.
    public static func load(path: String?, explicit: Bool) throws(ConfigError) -> SettleConfig {
        let file = path ?? "settle.toml"
        guard FileSystem.exists(file) else {
            if explicit { throw ConfigError(file: file, "the configuration file does not exist") }
            return SettleConfig()
        }
        let text: String
        do { text = try FileSystem.readText(file) } catch {
            throw ConfigError(file: file, "cannot be read: \(error)")
        }
        var config = try parse(text, file: file)
        config.sourcePath = file
        return config
    }

    /// Parses settle.toml text; relative paths in it are resolved against the file's folder.
    public static func parse(_ text: String, file: String) throws(ConfigError) -> SettleConfig {
        try TOMLPreflight.check(text, file: file)
        let root: TOMLTable
        do {
            root = try TOMLTable(string: text)
        } catch let e as TOMLParseError {
            throw ConfigError(file: file, line: e.source.begin.line, "not valid TOML: \(e.description)")
        } catch {
            throw ConfigError(file: file, "not valid TOML: \(error)")
        }
        let t = TOMLReader(file: file, base: FileSystem.directory(of: file))
        var c = SettleConfig()
        try t.known(root, "", ["database", "out_dir", "currency", "inbox", "catalog", "markup", "volume_discounts",
                                "tiers", "plans", "aliases", "provider_names", "reconcile", "alerts", "invoices",
                                "gateway_db", "litellm", "focus", "audit", "archive", "exchange_rates", "reminders", "journal"])
        c.database = try t.string(root, "database").map(t.databaseURL)
        c.outDir = try t.string(root, "out_dir").map(t.path)
        if let currency = try t.string(root, "currency") {
            guard ISOCodes.isCurrency(currency) else {
                throw ConfigError(file: file, key: "currency", "expected an ISO 4217 code such as \"USD\", found \"\(currency)\"")
            }
            c.currency = currency
        }
        if let inbox = try t.table(root, "inbox") {
            try t.known(inbox, "inbox", ["usage", "bills", "payments"])
            c.inbox.usage = try t.string(inbox, "usage", in: "inbox").map(t.path)
            c.inbox.bills = try t.string(inbox, "bills", in: "inbox").map(t.path)
            c.inbox.payments = try t.string(inbox, "payments", in: "inbox").map(t.path)
        }
        if let catalog = try t.table(root, "catalog") {
            try t.known(catalog, "catalog", ["customers", "prices", "services", "credits", "vat_rates", "sellers"])
            c.catalog.customers = try t.string(catalog, "customers", in: "catalog").map(t.path)
            c.catalog.prices = try t.string(catalog, "prices", in: "catalog").map(t.path)
            c.catalog.services = try t.string(catalog, "services", in: "catalog").map(t.path)
            c.catalog.credits = try t.string(catalog, "credits", in: "catalog").map(t.path)
            c.catalog.vatRates = try t.string(catalog, "vat_rates", in: "catalog").map(t.path)
            c.catalog.sellers = try t.string(catalog, "sellers", in: "catalog").map(t.path)
        }
        if let markup = try t.table(root, "markup") {
            try t.known(markup, "markup", ["default_pct", "rules"])
            if let pct = try t.decimal(markup, "default_pct", in: "markup", .markup) { c.markup.defaultPct = pct }
            if let rules = try t.array(markup, "rules", in: "markup") {
                for (i, item) in rules.enumerated() {
                    let key = "markup.rules[\(i + 1)]"
                    guard let rule = item.table else { throw ConfigError(file: file, key: key, "expected a table ([[markup.rules]])") }
                    try t.known(rule, key, ["pattern", "provider", "plan", "customer", "pct", "priority"])
                    guard let pattern = try t.string(rule, "pattern", in: key) else {
                        throw ConfigError(file: file, key: "\(key).pattern", "is required (a glob on the model name, such as \"gpt-4*\")")
                    }
                    guard let pct = try t.decimal(rule, "pct", in: key, .markup) else {
                        throw ConfigError(file: file, key: "\(key).pct", "is required (a decimal string such as \"25\")")
                    }
                    c.markup.rules.append(MarkupRule(
                        pattern: pattern, provider: try t.string(rule, "provider", in: key),
                        plan: try t.string(rule, "plan", in: key), customer: try t.string(rule, "customer", in: key),
                        pct: pct, priority: Int(try t.integer(rule, "priority", in: key) ?? 0)))
                }
            }
        }
        if let discounts = try t.array(root, "volume_discounts") {
            for (i, item) in discounts.enumerated() {
                let key = "volume_discounts[\(i + 1)]"
                guard let d = item.table else { throw ConfigError(file: file, key: key, "expected a table ([[volume_discounts]])") }
                try t.known(d, key, ["min_usage", "pct"])
                guard let min = try t.decimal(d, "min_usage", in: key, .nonNegative), let pct = try t.decimal(d, "pct", in: key, .percentage) else {
                    throw ConfigError(file: file, key: key, "needs min_usage and pct, as decimal strings")
                }
                c.volumeDiscounts.append(VolumeDiscount(minUsage: min, pct: pct))
            }
        }
        if let tiers = try t.table(root, "tiers") {
            for name in tiers.keys {
                guard let tier = Tier(rawValue: name) else {
                    throw ConfigError(file: file, key: "tiers.\(name)", "unknown tier; expected standard, batch, priority or flex")
                }
                guard let table = try t.table(tiers, name, in: "tiers") else { continue }
                try t.known(table, "tiers.\(name)", ["multiplier"])
                if let m = try t.decimal(table, "multiplier", in: "tiers.\(name)", .nonNegative) { c.tierMultipliers[tier] = m }
            }
        }
        if let plans = try t.table(root, "plans") {
            for name in plans.keys {
                let key = "plans.\(name)"
                guard let p = try t.table(plans, name, in: "plans") else { continue }
                try t.known(p, key, ["monthly_fee", "fees", "limits", "calls_by_provider"])
                var plan = Plan(name: name, monthlyFee: try t.decimal(p, "monthly_fee", in: key, .nonNegative) ?? .zero)
                // The fee in other currencies, where finance sets it rather than converts it.
                if let fees = try t.table(p, "fees", in: key) {
                    for currency in fees.keys {
                        guard ISOCodes.isCurrency(currency) else {
                            throw ConfigError(file: file, key: "\(key).fees.\(currency)", "is not an ISO 4217 currency code: three capital letters, such as EUR")
                        }
                        plan.fees[currency] = try t.decimal(fees, currency, in: "\(key).fees", .nonNegative)
                    }
                }
                if let limits = try t.table(p, "limits", in: key) {
                    try t.known(limits, "\(key).limits", ["tokens", "calls", "cost"])
                    plan.tokenLimit = try t.count(limits, "tokens", in: "\(key).limits")
                    plan.callLimit = try t.count(limits, "calls", in: "\(key).limits")
                    plan.costLimit = try t.decimal(limits, "cost", in: "\(key).limits", .nonNegative)
                }
                if let byProvider = try t.table(p, "calls_by_provider", in: key) {
                    for provider in byProvider.keys {
                        guard provider.contains(where: { $0 != " " && $0 != "\t" }) else {
                            throw ConfigError(file: file, key: "\(key).calls_by_provider", "a provider's name is empty")
                        }
                        plan.callLimitsByProvider[provider] = try t.count(byProvider, provider, in: "\(key).calls_by_provider")
                    }
                }
                c.plans[name] = plan
            }
        }
        if let aliases = try t.table(root, "aliases") {
            for provider in aliases.keys {
                guard let map = try t.table(aliases, provider, in: "aliases") else { continue }
                var m: [String: String] = [:]
                for name in map.keys { m[name] = try t.string(map, name, in: "aliases.\(provider)") }
                c.aliases[provider] = m
            }
        }
        if let names = try t.table(root, "provider_names") {
            for name in names.keys { c.providerNames[name] = try t.string(names, name, in: "provider_names") }
        }
        if let r = try t.table(root, "reconcile") {
            try t.known(r, "reconcile", ["providers", "token_tolerance_pct", "token_tolerance_abs", "cost_tolerance"])
            if let providers = try t.array(r, "providers", in: "reconcile") {
                c.reconcile.providers = try providers.enumerated().map { (i, v) throws(ConfigError) in
                    guard let s = v.string else { throw ConfigError(file: file, key: "reconcile.providers[\(i + 1)]", "expected a provider name string") }
                    return s
                }
            }
            if let v = try t.decimal(r, "token_tolerance_pct", in: "reconcile", .nonNegative) { c.reconcile.tokenTolerancePct = v }
            if let v = try t.count(r, "token_tolerance_abs", in: "reconcile") { c.reconcile.tokenToleranceAbs = v }
            if let v = try t.decimal(r, "cost_tolerance", in: "reconcile", .nonNegative) { c.reconcile.costTolerance = v }
        }
        if let a = try t.table(root, "alerts") {
            try t.known(a, "alerts", ["thresholds", "webhook_url", "webhook_secret_env"])
            if let thresholds = try t.array(a, "thresholds", in: "alerts") {
                c.alerts.thresholds = try thresholds.enumerated().map { (i, v) throws(ConfigError) in
                    guard let n = v.int, n > 0 else {
                        throw ConfigError(file: file, key: "alerts.thresholds[\(i + 1)]", "expected a whole percentage such as 80")
                    }
                    return n
                }.sorted()
            }
            if let url = try t.string(a, "webhook_url", in: "alerts"), !url.isEmpty { c.alerts.webhookURL = url }
            if let env = try t.string(a, "webhook_secret_env", in: "alerts") { c.alerts.webhookSecretEnv = env }
        }
        if let r = try t.table(root, "reminders") {
            try t.known(r, "reminders", ["days"])
            if let days = try t.array(r, "days", in: "reminders") {
                let values = try days.enumerated().map { (i, v) throws(ConfigError) in
                    guard let n = v.int, n > 0 else {
                        throw ConfigError(file: file, key: "reminders.days[\(i + 1)]", "expected a whole number of days past the due date, such as 7")
                    }
                    return n
                }
                guard Set(values).count == values.count else {
                    throw ConfigError(file: file, key: "reminders.days", "names a day twice: each reminder is sent once, so each day appears once")
                }
                c.reminderDays = values.sorted()
            }
        }
        if let j = try t.table(root, "journal") {
            try t.known(j, "journal", ["accounts", "names", "xero_tax_rate", "quickbooks_date_format"])
            let roles = Set(JournalAccount.allCases.map(\.rawValue))
            for (key, setter) in [("accounts", { (c: inout SettleConfig, a: JournalAccount, v: String) in c.journal.chart.codes[a] = v }),
                                  ("names", { (c: inout SettleConfig, a: JournalAccount, v: String) in c.journal.chart.names[a] = v })] {
                guard let table = try t.table(j, key, in: "journal") else { continue }
                try t.known(table, "journal.\(key)", roles)
                for name in table.keys {
                    // An account code is often written as a number (1100); either reads.
                    let value = table[name]?.string ?? table[name]?.int.map(String.init)
                    guard let value, !value.trimmingSpaces().isEmpty, let account = JournalAccount(rawValue: name) else {
                        throw ConfigError(file: file, key: "journal.\(key).\(name)", "expected an account \(key == "accounts" ? "code such as \"1100\"" : "name")")
                    }
                    setter(&c, account, value)
                }
            }
            let codes = JournalAccount.allCases.map { c.journal.chart.code($0) }
            if let twice = Dictionary(grouping: codes, by: { $0 }).first(where: { $0.value.count > 1 })?.key {
                throw ConfigError(file: file, key: "journal.accounts", "gives code \(twice) to two accounts; each account needs a code of its own")
            }
            if let v = try t.string(j, "xero_tax_rate", in: "journal") { c.journal.xeroTaxRate = v }
            if let v = try t.string(j, "quickbooks_date_format", in: "journal") {
                guard ["MM/DD/YYYY", "DD/MM/YYYY"].contains(v) else {
                    throw ConfigError(file: file, key: "journal.quickbooks_date_format", "expected MM/DD/YYYY (US) or DD/MM/YYYY")
                }
                c.journal.quickbooksDateFormat = v
            }
        }
        if let a = try t.table(root, "audit") {
            try t.known(a, "audit", ["tolerance", "tolerance_pct"])
            if let v = try t.decimal(a, "tolerance", in: "audit", .nonNegative) { c.audit.tolerance = v }
            if let v = try t.decimal(a, "tolerance_pct", in: "audit", .nonNegative) { c.audit.tolerancePct = v }
        }
        if let x = try t.table(root, "exchange_rates") {
            try t.known(x, "exchange_rates", ["file"])
            c.exchangeRatesFile = try t.string(x, "file", in: "exchange_rates").map(t.path)
        }
        if let a = try t.table(root, "archive") {
            try t.known(a, "archive", ["keep_months", "dir"])
            if let v = try t.count(a, "keep_months", in: "archive") {
                guard v >= 1 else { throw ConfigError(file: file, key: "archive.keep_months", "keep at least 1 month (the current one) in the store") }
                c.archive.keepMonths = Int(v)
            }
            if let v = try t.string(a, "dir", in: "archive") { c.archive.dir = t.path(v) }
        } else {
            c.archive.dir = t.path("archive")
        }
        if let inv = try t.table(root, "invoices") {
            try t.known(inv, "invoices", ["number_prefix", "credit_note_prefix", "payment_terms_days", "issuer", "paper", "logo"])
            if let v = try t.string(inv, "paper", in: "invoices") {
                guard v == "A4" || v == "Letter" else {
                    throw ConfigError(file: file, key: "invoices.paper", "\"\(v)\" is not a paper settle prints on; use \"A4\" or \"Letter\"")
                }
                c.invoices.paper = v
            }
            if let v = try t.string(inv, "logo", in: "invoices") { c.invoices.logo = t.path(v) }
            if let v = try t.string(inv, "number_prefix", in: "invoices") { c.invoices.numberPrefix = v }
            if let v = try t.string(inv, "credit_note_prefix", in: "invoices") { c.invoices.creditNotePrefix = v }
            if let v = try t.count(inv, "payment_terms_days", in: "invoices") { c.invoices.paymentTermsDays = Int(v) }
            if let issuer = try t.table(inv, "issuer", in: "invoices") {
                try t.known(issuer, "invoices.issuer", ["name", "address", "tax_id", "country", "company_id", "peppol_id", "iban", "bic",
                                                        "contact_name", "contact_phone", "contact_email", "accounting_currency"])
                c.invoices.issuerName = try t.string(issuer, "name", in: "invoices.issuer") ?? ""
                c.invoices.issuerAddress = try t.string(issuer, "address", in: "invoices.issuer") ?? ""
                c.invoices.issuerTaxID = try t.string(issuer, "tax_id", in: "invoices.issuer") ?? ""
                c.invoices.issuerCountry = try t.string(issuer, "country", in: "invoices.issuer") ?? ""
                c.invoices.issuerCompanyID = try t.string(issuer, "company_id", in: "invoices.issuer") ?? ""
                c.invoices.issuerPeppolID = try t.string(issuer, "peppol_id", in: "invoices.issuer") ?? ""
                c.invoices.issuerIBAN = try t.string(issuer, "iban", in: "invoices.issuer") ?? ""
                c.invoices.issuerBIC = try t.string(issuer, "bic", in: "invoices.issuer") ?? ""
                c.invoices.issuerContactName = try t.string(issuer, "contact_name", in: "invoices.issuer") ?? ""
                c.invoices.issuerContactPhone = try t.string(issuer, "contact_phone", in: "invoices.issuer") ?? ""
                c.invoices.issuerContactEmail = try t.string(issuer, "contact_email", in: "invoices.issuer") ?? ""
                c.invoices.accountingCurrency = try t.string(issuer, "accounting_currency", in: "invoices.issuer") ?? ""
                let country = c.invoices.issuerCountry
                guard country.isEmpty || ISOCodes.isCountry(country) else {
                    throw ConfigError(file: file, key: "invoices.issuer.country",
                                      "\"\(country)\" is not an ISO 3166-1 alpha-2 code: two capital letters, such as DE")
                }
                do throws(VATIdentifierError) {
                    _ = try CustomerTaxID.check(c.invoices.issuerTaxID, country: country)
                } catch {
                    throw ConfigError(file: file, key: "invoices.issuer.tax_id", "\(error)")
                }
                let accounting = c.invoices.accountingCurrency
                guard accounting.isEmpty || ISOCodes.isCurrency(accounting) else {
                    throw ConfigError(file: file, key: "invoices.issuer.accounting_currency",
                                      "expected an ISO 4217 code such as \"EUR\", found \"\(accounting)\"")
                }
            }
        }
        if let g = try t.table(root, "gateway_db") {
            try t.known(g, "gateway_db", ["url", "preset", "table", "time_column", "order_by", "columns"])
            c.gatewayDB.url = try t.string(g, "url", in: "gateway_db")
            if let preset = try t.string(g, "preset", in: "gateway_db") {
                guard GatewayTable.presets.contains(preset) else {
                    throw ConfigError(file: file, key: "gateway_db.preset", "\"\(preset)\" is not one of \(GatewayTable.presets.joined(separator: ", "))")
                }
                c.gatewayDB.preset = preset
            }
            c.gatewayDB.table = try t.string(g, "table", in: "gateway_db")
            c.gatewayDB.timeColumn = try t.string(g, "time_column", in: "gateway_db")
            c.gatewayDB.orderBy = try t.string(g, "order_by", in: "gateway_db")
            if let columns = try t.table(g, "columns", in: "gateway_db") {
                try t.known(columns, "gateway_db.columns", Set(GatewayTable.fields))
                for name in columns.keys { c.gatewayDB.columns[name] = try t.string(columns, name, in: "gateway_db.columns") }
            }
        }
        if let l = try t.table(root, "litellm") {
            try t.known(l, "litellm", ["customer_field"])
            if let field = try t.string(l, "customer_field", in: "litellm") {
                guard LiteLLMOptions.customerFields.contains(field) else {
                    throw ConfigError(file: file, key: "litellm.customer_field",
                        "\"\(field)\" is not one of \(LiteLLMOptions.customerFields.joined(separator: ", "))")
                }
                c.litellmCustomerField = field
            }
        }
        if let f = try t.table(root, "focus") {
            try t.known(f, "focus", ["sku_pattern"])
            if let pattern = try t.string(f, "sku_pattern", in: "focus") {
                let regex: Regex<AnyRegexOutput>
                do {
                    regex = try Regex(pattern)
                } catch {
                    throw ConfigError(file: file, key: "focus.sku_pattern", "is not a regular expression: \(error)")
                }
                guard regex.contains(captureNamed: "model"), regex.contains(captureNamed: "token_type") else {
                    throw ConfigError(file: file, key: "focus.sku_pattern", "needs the named groups (?<model>…) and (?<token_type>…)")
                }
                c.focusSkuPattern = pattern
            }
        }
        return c
    }
}

/// Typed access to a TOML table whose every error names the file and the dotted key.
struct TOMLReader {
    let file: String
    let base: String

    private func full(_ parent: String, _ key: String) -> String { parent.isEmpty ? key : "\(parent).\(key)" }

    /// Unknown keys are refused: a misspelt `defualt_pct` must not silently fall back to 20 %.
    func known(_ table: TOMLTable, _ parent: String, _ keys: Set<String>) throws(ConfigError) {
        for key in table.keys where !keys.contains(key) {
            throw ConfigError(file: file, key: full(parent, key),
                "unknown key; expected one of \(keys.sorted().joined(separator: ", "))")
        }
    }

    func string(_ table: TOMLTable, _ key: String, in parent: String = "") throws(ConfigError) -> String? {
        guard let v = table[key] else { return nil }
        guard let s = v.string else { throw ConfigError(file: file, key: full(parent, key), "expected a string") }
        return s
    }

    func table(_ table: TOMLTable, _ key: String, in parent: String = "") throws(ConfigError) -> TOMLTable? {
        guard let v = table[key] else { return nil }
        guard let t = v.table else { throw ConfigError(file: file, key: full(parent, key), "expected a table") }
        return t
    }

    func array(_ table: TOMLTable, _ key: String, in parent: String = "") throws(ConfigError) -> TOMLArray? {
        guard let v = table[key] else { return nil }
        guard let a = v.array else { throw ConfigError(file: file, key: full(parent, key), "expected an array") }
        return a
    }

    func integer(_ table: TOMLTable, _ key: String, in parent: String = "") throws(ConfigError) -> Int64? {
        guard let v = table[key] else { return nil }
        guard let n = v.int else { throw ConfigError(file: file, key: full(parent, key), "expected a whole number") }
        return Int64(n)
    }

    /// A whole number ≥ 0.
    func count(_ table: TOMLTable, _ key: String, in parent: String = "") throws(ConfigError) -> Int64? {
        guard let n = try integer(table, key, in: parent) else { return nil }
        guard n >= 0 else { throw ConfigError(file: file, key: full(parent, key), "must not be negative, found \(n)") }
        return n
    }

    /// Money and rates: a plain decimal string ("79.00", no exponent: `DecimalRule`) or an
    /// integer, within `rule`'s bounds; a float is refused, since it may already have lost
    /// digits before settle sees it.
    func decimal(_ table: TOMLTable, _ key: String, in parent: String = "", _ rule: DecimalRule) throws(ConfigError) -> ExactDecimal? {
        guard let v = table[key] else { return nil }
        do throws(DecimalRule.Refusal) {
            if let n = v.int {
                let value = ExactDecimal(n)
                try rule.check(value, shown: String(n))
                return value
            }
            if let s = v.string { return try rule.value(s) }
        } catch {
            throw ConfigError(file: file, key: full(parent, key), error.message)
        }
        if v.double != nil {
            throw ConfigError(file: file, key: full(parent, key), "write money and rates as decimal strings (\"79.00\"), not floats")
        }
        throw ConfigError(file: file, key: full(parent, key), "expected a decimal string such as \"\(rule.example)\"")
    }

    /// A path in the config is relative to the config's folder.
    func path(_ p: String) -> String { FileSystem.resolve(p, against: base) }

    /// A relative SQLite path in the config's database URL is relative to the config's folder too.
    func databaseURL(_ url: String) -> String {
        guard url.hasPrefix("sqlite:") else { return url }
        let rest = String(url.dropFirst("sqlite:".count))
        if rest == ":memory:" || rest.hasPrefix("/") { return url }
        return "sqlite:" + path(rest)
    }
}
