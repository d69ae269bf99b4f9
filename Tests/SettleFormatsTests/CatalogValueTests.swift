import Foundation
import Testing
import SettleCore
import SettleTestSupport
@testable import SettleFormats

/// Catalog values are checked when read (PRODUCT.md, "Configuration"): money, rates and
/// percentages are plain decimals, `tax_rate_pct` and the other percentages 0–100, dates
/// `YYYY-MM-DD`. Each refusal is a `ConfigError` (78) naming the file, the line and the column,
/// and saying what a valid value looks like.
@Suite struct CatalogValueTests {
    static let customers = "customer_id,name,email,plan,billing_day,tax_rate_pct,alert_webhook,effective_from\n"
    static let prices = "provider,model,token_type,tier,price,per,effective_from\n"
    static let services = "service_id,seller,model,prompt_price_per_1k,completion_price_per_1k,platform_fee_pct,trial_tokens\n"
    static let credits = "reference,customer_id,date,amount,kind,expires\n"

    /// Writes `files` and a settle.toml naming them into a fresh folder, and loads the catalog.
    func load(_ files: [String: String]) -> Result<Catalog, ConfigError> {
        let dir = TempFolder()
        var toml = "[plans.pro]\nmonthly_fee = \"79.00\"\n[catalog]\n"
        for (name, text) in files {
            dir.write(name, text)
            toml += "\(name.split(separator: ".")[0]) = \"\(name)\"\n"
        }
        let path = dir.write("settle.toml", toml)
        return Result { () throws(ConfigError) in
            try CatalogLoader.load(config: try ConfigLoader.load(path: path, explicit: true))
        }
    }

    /// One bad cell: the file, its text, and where and why it is refused.
    struct BadCell: Sendable, CustomStringConvertible {
        var file: String
        var text: String
        var line: Int
        var column: String
        /// A part of the message that says what is wrong.
        var says: String

        var description: String { "\(file):\(line) \(column) (\(says))" }
    }

    static let vatCustomers = "customer_id,name,email,plan,billing_day,tax_rate_pct,alert_webhook,effective_from,address,tax_id,country\n"

    static let refusals: [BadCell] = [
        // customers.csv
        BadCell(file: "customers.csv", text: customers + "cus_1,A,a@x,pro,1,-5,,\n", line: 2, column: "tax_rate_pct", says: "\"-5\" is not from 0 to 100"),
        BadCell(file: "customers.csv", text: customers + "cus_1,A,a@x,pro,1,20,,\ncus_2,B,b@x,pro,1,500,,\n", line: 3, column: "tax_rate_pct", says: "\"500\" is not from 0 to 100"),
        BadCell(file: "customers.csv", text: customers + "cus_1,A,a@x,pro,1,1e1,,\n", line: 2, column: "tax_rate_pct", says: "\"1e1\" is not a plain decimal"),
        BadCell(file: "customers.csv", text: customers + "cus_1,A,a@x,pro,1,\"19,5\",,\n", line: 2, column: "tax_rate_pct", says: "\"19,5\" is not a plain decimal"),
        BadCell(file: "customers.csv", text: customers + "cus_1,A,a@x,pro,1,20%,,\n", line: 2, column: "tax_rate_pct", says: "\"20%\" is not a plain decimal"),
        BadCell(file: "customers.csv", text: customers + "cus_1,A,a@x,pro,+15,20,,\n", line: 2, column: "billing_day", says: "\"+15\" must be a day from 1 to 28"),
        BadCell(file: "customers.csv", text: customers + "cus_1,A,a@x,pro,1,20,,2026/10/01\n", line: 2, column: "effective_from", says: "\"2026/10/01\" is not a date (YYYY-MM-DD)"),
        // VAT identifiers (FINANCE.md, "Catalog additions"): checked where the customer's country
        // has them, or where the id starts like one; a country is two capital letters.
        BadCell(file: "customers.csv", text: vatCustomers + "cus_1,A,a@x,pro,1,20,,,,DE136695977,DE\n", line: 2, column: "tax_id",
                says: "DE136695977 is not a valid VAT identifier: its check digit does not match"),
        BadCell(file: "customers.csv", text: vatCustomers + "cus_1,A,a@x,pro,1,20,,,,DE136695976,FR\n", line: 2, column: "tax_id",
                says: "the party is in FR, whose VAT identifiers start with FR"),
        BadCell(file: "customers.csv", text: vatCustomers + "cus_1,A,a@x,pro,1,20,,,,DE136695976,DE\ncus_2,B,b@x,pro,1,20,,,,IE 1234567XX,\n", line: 3,
                column: "tax_id", says: "IE 1234567XX is not a valid VAT identifier"),
        BadCell(file: "customers.csv", text: vatCustomers + "cus_1,A,a@x,pro,1,20,,,,12-3456789,usa\n", line: 2, column: "country",
                says: "\"usa\" is not an ISO 3166-1 alpha-2 code"),
        // prices.csv
        BadCell(file: "prices.csv", text: prices + "openai,gpt-4o,input,,2.50,1M,2026-01-01\nopenai,gpt-4o,output,,1e2,1M,2026-01-01\n", line: 3, column: "price", says: "\"1e2\" is not a plain decimal"),
        BadCell(file: "prices.csv", text: prices + "openai,gpt-4o,input,,$2.50,1M,2026-01-01\n", line: 2, column: "price", says: "\"$2.50\" is not a plain decimal"),
        BadCell(file: "prices.csv", text: prices + "openai,gpt-4o,input,,+2.50,1M,2026-01-01\n", line: 2, column: "price", says: "\"+2.50\" is not a plain decimal"),
        BadCell(file: "prices.csv", text: prices + "openai,gpt-4o,input,,.5,1M,2026-01-01\n", line: 2, column: "price", says: "\".5\" is not a plain decimal"),
        BadCell(file: "prices.csv", text: prices + "openai,gpt-4o,input,,-1,1M,2026-01-01\n", line: 2, column: "price", says: "\"-1\" must not be negative"),
        // services.csv
        BadCell(file: "services.csv", text: services + "svc_1,lexica,legal-13b,2.5e-03,0.012,15,0\n", line: 2, column: "prompt_price_per_1k", says: "\"2.5e-03\" is not a plain decimal"),
        BadCell(file: "services.csv", text: services + "svc_1,lexica,legal-13b,0.004,-0.012,15,0\n", line: 2, column: "completion_price_per_1k", says: "\"-0.012\" must not be negative"),
        BadCell(file: "services.csv", text: services + "svc_1,lexica,legal-13b,0.004,0.012,\"1,000.00\",0\n", line: 2, column: "platform_fee_pct", says: "\"1,000.00\" is not a plain decimal"),
        BadCell(file: "services.csv", text: services + "svc_1,lexica,legal-13b,0.004,0.012,15,0\nsvc_2,lexica,legal-70b,0.004,0.012,150,0\n", line: 3, column: "platform_fee_pct", says: "\"150\" is not from 0 to 100"),
        BadCell(file: "services.csv", text: services + "svc_1,lexica,legal-13b,0.004,0.012,-15,0\n", line: 2, column: "platform_fee_pct", says: "\"-15\" is not from 0 to 100"),
        BadCell(file: "services.csv", text: services + "svc_1,lexica,legal-13b,0.004,0.012,15,+500\n", line: 2, column: "trial_tokens", says: "\"+500\" must be a whole number ≥ 0"),
        BadCell(file: "services.csv", text: services + "svc_1,lexica,legal-13b,0.004,0.012,15,5e3\n", line: 2, column: "trial_tokens", says: "\"5e3\" must be a whole number ≥ 0"),
        // credits.csv
        BadCell(file: "credits.csv", text: credits + "T1,cus_1,2026-10-01,$5,,\n", line: 2, column: "amount", says: "\"$5\" is not a plain decimal"),
        BadCell(file: "credits.csv", text: credits + "T1,cus_1,2026-10-01,5.00,,\nT2,cus_1,2026-10-01,1e2,topup,\n", line: 3, column: "amount", says: "\"1e2\" is not a plain decimal"),
        BadCell(file: "credits.csv", text: credits + "G1,cus_1,2026-10-01,+10.00,adjustment,\n", line: 2, column: "amount", says: "\"+10.00\" is not a plain decimal"),
        BadCell(file: "credits.csv", text: credits + "R1,cus_1,2026-10-01,-50.00,refund,\n", line: 2, column: "amount", says: "must be positive"),
        BadCell(file: "credits.csv", text: credits + "T1,cus_1,2026/10/01,5.00,,\n", line: 2, column: "date", says: "\"2026/10/01\" is not a date (YYYY-MM-DD)"),
        BadCell(file: "credits.csv", text: credits + "T1,cus_1,2026-10-01,5.00,topup,2027-1-1\n", line: 2, column: "expires", says: "\"2027-1-1\" is not a date (YYYY-MM-DD)"),
    ]

    @Test(arguments: CatalogValueTests.refusals)
    func aBadCatalogValueIsRefusedNamingTheFileLineAndColumn(_ bad: BadCell) {
        switch load([bad.file: bad.text]) {
        case .success:
            Issue.record("\(bad.file): \(bad.text) was accepted")
        case .failure(let error):
            #expect(error.file.hasSuffix("/\(bad.file)"), "\(error)")
            #expect(error.line == bad.line, "\(error)")
            #expect(error.key == bad.column, "\(error)")
            #expect(error.description.contains("\(bad.file):\(bad.line): \(bad.column): "), "\(error)")
            #expect(error.problem.contains(bad.says), "\(error)")
        }
    }

    /// VAT identifiers where the country has them, other tax ids as they are, the country
    /// carried with each version; the issuer's tax id is checked the same way.
    @Test func taxIDsAreVATIdentifiersWhereTheCountryHasThem() throws {
        let text = Self.vatCustomers + """
            cus_de,A,a@x,pro,1,20,,,,DE 136.695.976,DE
            cus_gr,B,b@x,pro,1,20,,,,EL094014201,GR
            cus_ni,C,c@x,pro,1,20,,,,XI100000034,GB
            cus_us,D,d@x,pro,1,0,,,,12-3456789,US
            cus_jp,E,e@x,pro,1,0,,,,T1234567890123,JP
            cus_none,F,f@x,pro,1,0,,,,7707083893,
            cus_gb,G,g@x,pro,1,20,,,,GB100000034,

            """
        let catalog = try load(["customers.csv": text]).get()
        #expect(catalog.customers["cus_de"]?.current.country == "DE")
        #expect(catalog.customers["cus_de"]?.current.taxID == "DE 136.695.976", "printed as given")
        #expect(catalog.customers["cus_us"]?.current.country == "US")
        #expect(catalog.customers["cus_none"]?.current.country == "")
        #expect(catalog.customers.ids.count == 7)

        func issuer(_ fields: String) -> String {
            let dir = TempFolder()
            let path = dir.write("settle.toml", "[invoices]\nissuer = { name = \"X\", address = \"Y\", \(fields) }\n")
            do { _ = try ConfigLoader.load(path: path, explicit: true); return "ok" } catch { return "\(error.key ?? ""): \(error.problem)" }
        }
        #expect(issuer("tax_id = \"GB123456041\", country = \"GB\"") == "ok")
        #expect(issuer("tax_id = \"12-3456789\", country = \"US\"") == "ok")
        #expect(issuer("tax_id = \"GB123456789\"") == "invoices.issuer.tax_id: GB123456789 is not a valid VAT identifier: its check digits do not match")
        #expect(issuer("tax_id = \"GB123456041\", country = \"uk\"").hasPrefix("invoices.issuer.country: \"uk\" is not an ISO 3166-1 alpha-2 code"))
        #expect(issuer("accounting_currency = \"euro\"").hasPrefix("invoices.issuer.accounting_currency: expected an ISO 4217 code"))
    }

    /// FINANCE.md's other customer columns: the invoice currency (the same in every version),
    /// the e-invoice format and the Peppol endpoint a Peppol invoice goes to.
    @Test func currencyEInvoiceAndPeppolColumns() throws {
        let header = "customer_id,name,email,plan,billing_day,tax_rate_pct,alert_webhook,effective_from,currency,einvoice,peppol_id,country\n"
        func load(_ rows: String, issuerPeppol: String = "0088:1234567890123") -> String {
            let dir = TempFolder()
            dir.write("customers.csv", header + rows.split(separator: "\n").map { $0 + ",BE\n" }.joined())
            let path = dir.write("settle.toml", "[plans.pro]\nmonthly_fee = \"79.00\"\n[catalog]\ncustomers = \"customers.csv\"\n"
                + "[invoices]\nissuer = { name = \"X\", address = \"Y\", country = \"BE\", peppol_id = \"\(issuerPeppol)\" }\n")
            do {
                let c = try CatalogLoader.load(config: try ConfigLoader.load(path: path, explicit: true))
                return c.customers.ids.map { id in
                    let v = c.customers[id]!.current
                    return "\(id) \(v.currency ?? "-") \(v.einvoice?.rawValue ?? "-") \(v.peppolID.isEmpty ? "-" : v.peppolID)"
                }.joined(separator: "; ")
            } catch {
                return "\(error.line ?? 0) \(error.key ?? ""): \(error.problem)"
            }
        }
        #expect(load("c1,A,a@x,pro,1,0,,,EUR,peppol,0208:0477472701\nc2,B,b@x,pro,1,0,,,,,\nc3,C,c@x,pro,1,0,,,GBP,facturx,\n")
                == "c1 EUR peppol 0208:0477472701; c2 - - -; c3 GBP facturx -")
        #expect(load("c1,A,a@x,pro,1,0,,,eur,,\n") == "2 currency: \"eur\" is not an ISO 4217 code: three capital letters, such as EUR, or empty")
        #expect(load("c1,A,a@x,pro,1,0,,,,ubl,\n") == "2 einvoice: \"ubl\" is not one of peppol, xrechnung, cii, facturx, or empty for the PDF only")
        #expect(load("c1,A,a@x,pro,1,0,,,,peppol,\n") == "2 peppol_id: is empty, and einvoice is peppol: a Peppol invoice goes to the customer's endpoint, SCHEME:ID")
        #expect(load("c1,A,a@x,pro,1,0,,,,,BE0477472701\n").hasPrefix("2 peppol_id: \"BE0477472701\" is not a Peppol participant id"))
        #expect(load("c1,A,a@x,pro,1,0,,,EUR,,\nc1,A,a@x,pro,1,0,,2026-10-01,USD,,\n").hasPrefix("3 currency: c1 is invoiced in EUR on line 2 and in USD here"))
        #expect(load("c1,A,a@x,pro,1,0,,,,peppol,0208:0477472701\n", issuerPeppol: "").hasPrefix("2 einvoice: is peppol, and [invoices] issuer has no peppol_id"))
    }

    /// What each e-invoice's rules require is refused when the catalog is read, naming the line
    /// or the setting, never found in a failed document at month-end.
    @Test func anEInvoiceNeedsWhatItsRulesRequire() throws {
        let header = "customer_id,name,email,plan,billing_day,tax_rate_pct,alert_webhook,effective_from,address,country,einvoice\n"
        let fullIssuer = "name = \"X\", address = \"1 Main Street, London EC1A 1BB\", country = \"GB\", company_id = \"0987\", iban = \"GB33BUKB20201555555555\", contact_name = \"A\", contact_phone = \"1\", contact_email = \"a@x\""
        func load(_ row: String, issuer: String = fullIssuer, sellers: String? = nil) -> String {
            let dir = TempFolder()
            dir.write("customers.csv", header + row + "\n")
            if let sellers { dir.write("sellers.csv", "seller,name,address,country,tax_id,currency,self_billing\n" + sellers + "\n") }
            let path = dir.write("settle.toml", "[plans.pro]\nmonthly_fee = \"79.00\"\n[catalog]\ncustomers = \"customers.csv\"\n"
                + (sellers == nil ? "" : "sellers = \"sellers.csv\"\n") + "[invoices]\nissuer = { \(issuer) }\n")
            do {
                _ = try CatalogLoader.load(config: try ConfigLoader.load(path: path, explicit: true))
                return "ok"
            } catch {
                return "\(error.line ?? 0) \(error.key ?? ""): \(error.problem)"
            }
        }
        #expect(load("c1,A,a@x,pro,1,19,,,\"5 Rue X, 75002 Paris\",FR,xrechnung") == "ok")
        #expect(load("c1,A,a@x,pro,1,19,,,Paris,,cii") == "2 country: is empty, and einvoice is cii: an e-invoice names the buyer's country (EN 16931 BR-11)")
        #expect(load("c1,A,a@x,pro,1,19,,,Hauptstr. 1,DE,xrechnung")
                == "2 address: \"Hauptstr. 1\" gives no city, and einvoice is xrechnung, which requires both (BR-DE-8, BR-DE-9): write it as street, post code and city, country")
        #expect(load("c1,A,a@x,pro,1,19,,,\"5 Rue X, 75002 Paris\",FR,xrechnung", issuer: fullIssuer.replacingOccurrences(of: "iban", with: "bic"))
                == "2 einvoice: is xrechnung, and [invoices] issuer has no iban: XRechnung requires payment instructions (BR-DE-1)")
        #expect(load("c1,A,a@x,pro,1,19,,,\"5 Rue X, 75002 Paris\",FR,xrechnung", issuer: fullIssuer.replacingOccurrences(of: ", London EC1A 1BB", with: ""))
                .hasPrefix("2 einvoice: is xrechnung, and [invoices] issuer address \"1 Main Street\" gives no city: XRechnung requires both (BR-DE-3, BR-DE-4)"))
        #expect(load("c1,A,a@x,pro,1,,,,Austin,US,cii", issuer: fullIssuer.replacingOccurrences(of: "company_id = \"0987\", ", with: ""))
                .hasPrefix("2 einvoice: is cii, and [invoices] issuer has no company_id: the customer's invoices are not subject to VAT (O)"))
        #expect(load("c1,A,a@x,pro,1,,,,Austin,US,cii") == "ok")
        #expect(load("c1,A,a@x,pro,1,19,,,Paris,FR,", sellers: "lexica,L,,,,,yes")
                == "2 country: is empty, and self_billing is yes: the VAT of the invoice settle issues on the seller's behalf depends on where the seller is")
    }

    /// customers.csv `stripe_customer`: the customer's id at Stripe, through which a payment
    /// naming only it is matched; one customer of ours per Stripe customer.
    @Test func aStripeCustomerMapsToOneCustomer() {
        func load(_ rows: String) -> String {
            let dir = TempFolder()
            dir.write("customers.csv", "customer_id,name,email,plan,billing_day,tax_rate_pct,alert_webhook,effective_from,stripe_customer\n" + rows)
            let path = dir.write("settle.toml", "[plans.pro]\nmonthly_fee = \"79.00\"\n[catalog]\ncustomers = \"customers.csv\"\n")
            do {
                let c = try CatalogLoader.load(config: try ConfigLoader.load(path: path, explicit: true))
                return c.customers.byStripeCustomer.sorted { $0.key < $1.key }.map { "\($0.key)→\($0.value)" }.joined(separator: " ")
            } catch {
                return "\(error.line ?? 0) \(error.key ?? ""): \(error.problem)"
            }
        }
        #expect(load("c1,A,a@x,pro,1,0,,,cus_S1\nc1,A,a@x,pro,1,0,,2026-10-01,cus_S1\nc2,B,b@x,pro,1,0,,,\n") == "cus_S1→c1")
        #expect(load("c1,A,a@x,pro,1,0,,,cus_S1\nc2,B,b@x,pro,1,0,,,cus_S1\n")
                == "3 stripe_customer: cus_S1 is c1's on line 2; a Stripe customer is one customer of ours")
    }

    /// sellers.csv: each seller once, a VAT identifier checked as a customer's, yes or no for
    /// self-billing.
    @Test func sellersAreReadAndChecked() throws {
        let header = "seller,name,address,country,tax_id,currency,self_billing\n"
        func load(_ rows: String) -> String {
            switch self.load(["sellers.csv": header + rows]) {
            case .success(let c):
                return c.sellers.keys.sorted().map { id in
                    let s = c.sellers[id]!
                    return "\(id) \(s.name) \(s.country) \(s.currency ?? "-") \(s.selfBilling)"
                }.joined(separator: "; ")
            case .failure(let e):
                return "\(e.line ?? 0) \(e.key ?? ""): \(e.problem)"
            }
        }
        #expect(load("lexica,Lexica Labs BV,\"Herengracht 1, Amsterdam\",NL,NL100023757B01,EUR,yes\nsellco,Sell Co,,US,12-3456789,,no\n")
                == "lexica Lexica Labs BV NL EUR true; sellco Sell Co US - false")
        #expect(load("lexica,L,,NL,NL100023758B01,,yes\n").hasPrefix("2 tax_id: NL100023758B01 is not a valid VAT identifier"))
        #expect(load("lexica,L,,NL,,,maybe\n") == "2 self_billing: \"maybe\" is neither yes nor no")
        #expect(load("lexica,L,,,,,\nlexica,L2,,,,,\n") == "3 seller: lexica is listed twice")
    }

    /// An empty tax_rate_pct leaves the VAT to the rules (FINANCE.md, "Tax"), which need the
    /// issuer's country and the customer's: without them the catalog is refused, naming the line.
    @Test func anEmptyTaxRateNeedsBothCountries() throws {
        func problem(issuer: String, _ row: String) -> String {
            let dir = TempFolder()
            dir.write("customers.csv", Self.vatCustomers + row + "\n")
            let path = dir.write("settle.toml", "[plans.pro]\nmonthly_fee = \"79.00\"\n[catalog]\ncustomers = \"customers.csv\"\n"
                + "[invoices]\nissuer = { name = \"X\", address = \"Y\"\(issuer) }\n")
            do {
                let catalog = try CatalogLoader.load(config: try ConfigLoader.load(path: path, explicit: true))
                return "ok \(catalog.customers["cus_1"]?.current.taxRatePct?.description ?? "decided")"
            } catch {
                return "\(error.line ?? 0) \(error.key ?? ""): \(error.problem)"
            }
        }
        #expect(problem(issuer: "", "cus_1,A,a@x,pro,1,,,,,,FR") == "2 tax_rate_pct: is empty, so settle decides the VAT, which needs the issuer's country: set [invoices] issuer country in settle.toml, or give a rate")
        #expect(problem(issuer: ", country = \"DE\"", "cus_1,A,a@x,pro,1,,,,,,") == "2 country: is empty, and so is tax_rate_pct: give the customer's country (ISO 3166-1 alpha-2), and settle decides the VAT")
        #expect(problem(issuer: ", country = \"DE\"", "cus_1,A,a@x,pro,1,,,,,,FR") == "ok decided")
        #expect(problem(issuer: "", "cus_1,A,a@x,pro,1,19,,,,,") == "ok 19")
    }

    /// The message says what a valid value looks like, in the column's own terms.
    @Test func theRefusalSaysWhatAValidValueLooksLike() {
        func problem(_ files: [String: String]) -> String {
            switch load(files) {
            case .success: return "no error"
            case .failure(let e): return e.problem
            }
        }
        #expect(problem(["customers.csv": Self.customers + "cus_1,A,a@x,pro,1,500,,\n"])
            == "\"500\" is not from 0 to 100; write a percentage such as 19.5")
        #expect(problem(["prices.csv": Self.prices + "openai,gpt-4o,input,,1e2,1M,2026-01-01\n"])
            == "\"1e2\" is not a plain decimal; write digits and at most one \".\", such as 19.5 (no exponent, thousands separator or currency sign)")
        #expect(problem(["prices.csv": Self.prices + "openai,gpt-4o,input,,-1,1M,2026-01-01\n"])
            == "\"-1\" must not be negative; write 0 or more, such as 19.5")
        #expect(problem(["credits.csv": Self.credits + "T1,cus_1,2026-10-01,$5,,\n"])
            == "\"$5\" is not a plain decimal; write digits and at most one \".\", such as 100.00 (no exponent, thousands separator or currency sign)")
        #expect(problem(["credits.csv": Self.credits + "G1,cus_1,2026-10-01,1e1,adjustment,\n"])
            == "\"1e1\" is not a plain decimal; write digits, an optional leading - and at most one \".\", such as -10.00 (no exponent, thousands separator or currency sign)")
        #expect(problem(["services.csv": Self.services + "svc_1,lexica,legal-13b,0.004,0.012,15,\n"]) == "no error")
        #expect(problem(["services.csv": Self.services + "svc_1,lexica,legal-13b,,0.012,15,0\n"])
            == "is empty; expected a decimal number such as 19.5")
    }

    @Test func aValidCatalogStillLoads() throws {
        let catalog = try load([
            "customers.csv": Self.customers
                + "cus_1,A,a@x,pro,1,0,,\n"
                + "cus_1,A,a@x,pro,1,19.5,,2026-10-01\n"
                + "cus_2,B,b@x,pro,15,100,,\n"
                + "cus_3,C,c@x,pro,15,0,,\n",
            "prices.csv": Self.prices + "openai,gpt-4o,input,,0,1M,2026-01-01\nopenai,gpt-4o,output,,10.00,1M,2026-01-01T00:00:00Z\n",
            "services.csv": Self.services + "svc_1,lexica,legal-13b,0,0.0125,0,0\nsvc_2,lexica,legal-70b,0.004,0.012,100,50000\n",
            "credits.csv": Self.credits
                + "T1,cus_1,2026-10-01,100.00,,2027-10-01\n"
                + "G1,cus_1,2026-10-02,-10.00,adjustment,\n"
                + "G2,cus_2,2026-10-02,0.5,adjustment,\n"
                + "R1,cus_1,2026-10-03,20,refund,\n",
        ]).get()
        let cus1 = try #require(catalog.customers["cus_1"])
        #expect(cus1.versions.map { $0.taxRatePct?.description } == ["0", "19.5"])
        #expect(catalog.customers["cus_2"]?.current.taxRatePct?.description == "100")
        #expect(catalog.customers["cus_3"]?.current.taxRatePct == .zero)
        #expect(catalog.prices.map(\.price.description) == ["0", "10.00"])
        #expect(catalog.services.map(\.promptPricePer1K.description) == ["0", "0.004"])
        #expect(catalog.services.map(\.completionPricePer1K.description) == ["0.0125", "0.012"])
        #expect(catalog.services.map(\.platformFeePct.description) == ["0", "100"])
        #expect(catalog.services.map(\.trialTokens) == [0, 50_000])
        #expect(catalog.credits.map(\.amount.description) == ["100.00", "-10.00", "0.5", "-20"])
        #expect(catalog.credits.map(\.kind) == [.topup, .adjustment, .adjustment, .refund])
        #expect(catalog.credits[0].expires?.description == "2027-10-01")
    }

    // settle.toml: the same plain decimals; the error names the key.

    struct BadSetting: Sendable, CustomStringConvertible {
        var toml: String
        var key: String
        var says: String

        var description: String { "\(key) (\(says))" }
    }

    static let tomlRefusals: [BadSetting] = [
        BadSetting(toml: "[plans.pro]\nmonthly_fee = \"1e2\"\n", key: "plans.pro.monthly_fee", says: "\"1e2\" is not a plain decimal"),
        BadSetting(toml: "[plans.pro]\nmonthly_fee = \"$79.00\"\n", key: "plans.pro.monthly_fee", says: "\"$79.00\" is not a plain decimal"),
        BadSetting(toml: "[plans.pro]\nmonthly_fee = \"-79.00\"\n", key: "plans.pro.monthly_fee", says: "\"-79.00\" must not be negative"),
        BadSetting(toml: "[plans.pro]\nlimits = { cost = \"1,000.00\" }\n", key: "plans.pro.limits.cost", says: "\"1,000.00\" is not a plain decimal"),
        BadSetting(toml: "[markup]\ndefault_pct = \"2E1\"\n", key: "markup.default_pct", says: "\"2E1\" is not a plain decimal"),
        BadSetting(toml: "[markup]\ndefault_pct = \"-150\"\n", key: "markup.default_pct", says: "\"-150\" is below -100"),
        BadSetting(toml: "[[markup.rules]]\npattern = \"gpt-4*\"\npct = \"25%\"\n", key: "markup.rules[1].pct", says: "\"25%\" is not a plain decimal"),
        BadSetting(toml: "[[volume_discounts]]\nmin_usage = \"1000.00\"\npct = \"120\"\n", key: "volume_discounts[1].pct", says: "\"120\" is not from 0 to 100"),
        BadSetting(toml: "[[volume_discounts]]\nmin_usage = 1000\npct = 101\n", key: "volume_discounts[1].pct", says: "101 is not from 0 to 100"),
        BadSetting(toml: "[[volume_discounts]]\nmin_usage = \"1e3\"\npct = \"5\"\n", key: "volume_discounts[1].min_usage", says: "\"1e3\" is not a plain decimal"),
        BadSetting(toml: "[[volume_discounts]]\nmin_usage = \"-1\"\npct = \"5\"\n", key: "volume_discounts[1].min_usage", says: "\"-1\" must not be negative"),
        BadSetting(toml: "[tiers.batch]\nmultiplier = \"5e-1\"\n", key: "tiers.batch.multiplier", says: "\"5e-1\" is not a plain decimal"),
        BadSetting(toml: "[tiers.batch]\nmultiplier = \"-0.5\"\n", key: "tiers.batch.multiplier", says: "\"-0.5\" must not be negative"),
        BadSetting(toml: "[reconcile]\ncost_tolerance = \"0.01 USD\"\n", key: "reconcile.cost_tolerance", says: "\"0.01 USD\" is not a plain decimal"),
        BadSetting(toml: "[reconcile]\ntoken_tolerance_pct = \"-0.1\"\n", key: "reconcile.token_tolerance_pct", says: "\"-0.1\" must not be negative"),
        BadSetting(toml: "[audit]\ntolerance = \"1e-3\"\n", key: "audit.tolerance", says: "\"1e-3\" is not a plain decimal"),
        BadSetting(toml: "[audit]\ntolerance = \"-0.001\"\n", key: "audit.tolerance", says: "\"-0.001\" must not be negative"),
        BadSetting(toml: "[reminders]\ndays = [7, 0]\n", key: "reminders.days[2]", says: "expected a whole number of days past the due date, such as 7"),
        BadSetting(toml: "[reminders]\ndays = [7, 14, 7]\n", key: "reminders.days", says: "names a day twice: each reminder is sent once, so each day appears once"),
    ]

    @Test(arguments: CatalogValueTests.tomlRefusals)
    func aBadSettingIsRefusedNamingTheKey(_ bad: BadSetting) {
        do {
            _ = try ConfigLoader.parse(bad.toml, file: "settle.toml")
            Issue.record("\(bad.toml) was accepted")
        } catch {
            #expect(error.key == bad.key, "\(error)")
            #expect(error.description.hasPrefix("settle.toml: \(bad.key): "), "\(error)")
            #expect(error.problem.contains(bad.says), "\(error)")
        }
    }

    @Test func validSettingsStillLoad() throws {
        let c = try ConfigLoader.parse("""
            [markup]
            default_pct = "-10"
            [[volume_discounts]]
            min_usage = 0
            pct = "100"
            [tiers.batch]
            multiplier = "0"
            [plans.free]
            monthly_fee = 0
            limits = { cost = "0.00" }
            [reconcile]
            cost_tolerance = "0"
            [audit]
            tolerance = "0.001"
            [reminders]
            days = [30, 7]
            """, file: "settle.toml")
        #expect(c.markup.defaultPct.description == "-10")
        #expect(c.volumeDiscounts.first?.minUsage == .zero)
        #expect(c.volumeDiscounts.first?.pct.description == "100")
        #expect(c.tierMultipliers[.batch] == .zero)
        #expect(c.plans["free"]?.monthlyFee == .zero)
        #expect(c.plans["free"]?.costLimit?.description == "0.00")
        #expect(c.reconcile.costTolerance == .zero)
        #expect(c.audit.tolerance.description == "0.001")
        #expect(c.reminderDays == [7, 30], "in order")
        #expect(SettleConfig().reminderDays == [7, 14, 30], "FINANCE.md's default")
    }
}
