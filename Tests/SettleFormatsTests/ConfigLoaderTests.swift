import Testing
import SettleCore
import SettleTestSupport
@testable import SettleFormats

@Suite struct ConfigLoaderTests {
    static let sample = """
        database = "sqlite:var/settle.sqlite"
        out_dir = "out"
        [catalog]
        customers = "customers.csv"
        [markup]
        default_pct = "20"
        [[markup.rules]]
        pattern = "gpt-4*"
        provider = "openai"
        pct = "25"
        priority = 10
        [[volume_discounts]]
        min_usage = "1000.00"
        pct = "5"
        [tiers.batch]
        multiplier = "0.5"
        [plans.pro]
        monthly_fee = "79.00"
        limits = { tokens = 50_000_000, calls = 100_000, cost = "150.00" }
        calls_by_provider = { google = 5_000 }
        [aliases.openai]
        "gpt-4o" = "gpt-4o-2024-08-06"
        [reconcile]
        providers = ["openai"]
        token_tolerance_pct = "0.1"
        [alerts]
        thresholds = [100, 80, 90]
        """

    /// The PDFs' paper is A4 or Letter, and anything else names the key; the logo's path is
    /// the config folder's.
    @Test func paperAndLogoOfTheDocuments() throws {
        let c = try ConfigLoader.parse("[invoices]\npaper = \"Letter\"\nlogo = \"brand/logo.png\"\n", file: "/etc/settle/settle.toml")
        #expect(c.invoices.paper == "Letter")
        #expect(c.invoices.logo == "/etc/settle/brand/logo.png")
        #expect(try ConfigLoader.parse("", file: "settle.toml").invoices.paper == "A4")
        do {
            _ = try ConfigLoader.parse("[invoices]\npaper = \"Legal\"\n", file: "settle.toml")
            Issue.record("Legal paper accepted")
        } catch {
            #expect(error.description.contains("invoices.paper") && error.description.contains("\"A4\" or \"Letter\""), "\(error)")
        }
    }

    /// The charge audit's tolerance: max(`tolerance`, `tolerance_pct` % of computed), by
    /// default 0.001 and 1 %.
    @Test func theChargeAuditToleranceHasAnAbsoluteAndARelativePart() throws {
        let defaults = try ConfigLoader.parse("", file: "settle.toml").audit
        #expect(defaults.tolerance == ExactDecimal("0.001")! && defaults.tolerancePct == ExactDecimal("1")!)
        let set = try ConfigLoader.parse("[audit]\ntolerance = \"0.01\"\ntolerance_pct = \"0.5\"\n", file: "settle.toml").audit
        #expect(set.tolerance == ExactDecimal("0.01")! && set.tolerancePct == ExactDecimal("0.5")!)
        #expect(problem("[audit]\ntolerance_pct = \"-1\"\n").hasPrefix("settle.toml: audit.tolerance_pct: \"-1\" must not be negative"))
        #expect(problem("[audit]\ntolerance_pct = 0.5\n")
            == "settle.toml: audit.tolerance_pct: write money and rates as decimal strings (\"79.00\"), not floats")
    }

    @Test func readsEverySectionExactlyAndResolvesPathsAgainstTheConfigFolder() throws {
        let c = try ConfigLoader.parse(Self.sample, file: "/etc/settle/settle.toml")
        #expect(c.database == "sqlite:/etc/settle/var/settle.sqlite")
        #expect(c.outDir == "/etc/settle/out")
        #expect(c.catalog.customers == "/etc/settle/customers.csv")
        #expect(c.markup.rules.first?.pct == ExactDecimal("25")!)
        #expect(c.markup.rules.first?.priority == 10)
        #expect(c.volumeDiscounts.first?.minUsage == ExactDecimal("1000.00")!)
        #expect(c.tierMultipliers[.batch] == ExactDecimal("0.5")!)
        let pro = try #require(c.plans["pro"])
        #expect(pro.monthlyFee.description == "79.00")
        #expect(pro.tokenLimit == 50_000_000)
        #expect(pro.costLimit == ExactDecimal("150.00")!)
        #expect(pro.callLimitsByProvider["google"] == 5000)
        #expect(c.aliases["openai"]?["gpt-4o"] == "gpt-4o-2024-08-06")
        #expect(c.reconcile.providers == ["openai"])
        #expect(c.alerts.thresholds == [80, 90, 100])
    }

    func problem(_ toml: String) -> String {
        do {
            _ = try ConfigLoader.parse(toml, file: "settle.toml")
            return "no error"
        } catch {
            return error.description
        }
    }

    @Test func errorsNameTheFileAndTheLineOrKey() {
        #expect(problem("[plans.pro]\nmonthly_fee = 79.5\n")
            == "settle.toml: plans.pro.monthly_fee: write money and rates as decimal strings (\"79.00\"), not floats")
        #expect(problem("[markup]\ndefualt_pct = \"20\"\n").hasPrefix("settle.toml: markup.defualt_pct: unknown key"))
        #expect(problem("[plans.pro]\nmonthly_fee = \"7g\"\n")
            == "settle.toml: plans.pro.monthly_fee: \"7g\" is not a plain decimal; write digits and at most one \".\", such as 19.5 (no exponent, thousands separator or currency sign)")
        #expect(problem("a = 1\nb = = 2\n").hasPrefix("settle.toml:2: not valid TOML"))
        #expect(problem("[[markup.rules]]\npct = \"5\"\n").hasPrefix("settle.toml: markup.rules[1].pattern: is required"))
        #expect(problem("[tiers.turbo]\nmultiplier = \"2\"\n").hasPrefix("settle.toml: tiers.turbo: unknown tier"))
        #expect(problem("[plans.pro]\nlimits = { tokens = -5 }\n") == "settle.toml: plans.pro.limits.tokens: must not be negative, found -5")
    }

    @Test func theFOCUSPatternIsCheckedWhenTheConfigLoads() throws {
        #expect(problem("[focus]\nsku_pattern = '(?<model>.+'\n").hasPrefix("settle.toml: focus.sku_pattern: is not a regular expression"))
        #expect(problem("[focus]\nsku_pattern = '^(.+), (input|output)$'\n")
            == "settle.toml: focus.sku_pattern: needs the named groups (?<model>…) and (?<token_type>…)")
        #expect(problem("[focus]\npattern = 'x'\n").hasPrefix("settle.toml: focus.pattern: unknown key"))
        let c = try ConfigLoader.parse("[focus]\nsku_pattern = '^(?<model>[^/]+)/(?<token_type>.+)$'\n", file: "settle.toml")
        #expect(c.focusSkuPattern == "^(?<model>[^/]+)/(?<token_type>.+)$")
    }

    @Test func anExplicitConfigMustExistButTheDefaultMayNot() throws {
        #expect(throws: ConfigError.self) { _ = try ConfigLoader.load(path: "/nonexistent/settle.toml", explicit: true) }
        let defaults = try ConfigLoader.load(path: "/nonexistent/settle.toml", explicit: false)
        #expect(defaults.sourcePath == nil)
        #expect(defaults.markup.defaultPct == ExactDecimal(20))
    }
}

@Suite struct CatalogLoaderTests {
    func load(_ files: [String: String]) -> Result<Catalog, ConfigError> {
        let dir = TempFolder()
        var toml = "[plans.pro]\nmonthly_fee = \"79.00\"\n[plans.free]\n[catalog]\n"
        for (name, text) in files {
            dir.write(name, text)
            toml += "\(name.split(separator: ".")[0]) = \"\(name)\"\n"
        }
        let path = dir.write("settle.toml", toml)
        return Result { () throws(ConfigError) in
            let config = try ConfigLoader.load(path: path, explicit: true)
            return try CatalogLoader.load(config: config)
        }
    }

    let header = "customer_id,name,email,plan,billing_day,tax_rate_pct,alert_webhook\n"

    @Test func loadsCustomersPricesServicesAndCredits() throws {
        let catalog = try load([
            "customers.csv": header + "cus_1,\"Acme, Inc\",a@x.example,pro,15,20,\ncus_2,Beta,b@x.example,free,1,0,https://h.example\n",
            "prices.csv": "provider,model,token_type,tier,price,per,effective_from\nopenai,gpt-4o,input,,2.50,1M,2026-01-01\nopenai,gpt-4o,output,batch,5,1m,2026-10-15T12:00:00Z\n",
            "services.csv": "service_id,seller,model,prompt_price_per_1k,completion_price_per_1k,platform_fee_pct,trial_tokens\nsvc_1,lexica,legal-13b,0.004,0.012,15,50000\n",
            "credits.csv": "reference,customer_id,date,amount\nTOP-1,cus_1,2026-10-01,100.00\n",
        ]).get()
        #expect(catalog.customers.all.map(\.current.name) == ["Acme, Inc", "Beta"])
        #expect(catalog.customers["cus_1"]?.billingDay == 15)
        #expect(catalog.customers["cus_2"]?.current.taxRatePct == .zero)
        #expect(catalog.customers["cus_2"]?.current.alertWebhook == "https://h.example")
        #expect(catalog.prices[1].tier == .batch)
        #expect(catalog.prices[1].per == .perMillion)
        #expect(catalog.prices[1].effectiveFrom.description == "2026-10-15T12:00:00Z")
        #expect(catalog.services[0].trialTokens == 50_000)
        #expect(catalog.credits[0].amount.description == "100.00")
    }

    func problem(_ files: [String: String]) -> String {
        switch load(files) {
        case .success: return "no error"
        case .failure(let e): return "\(e.line.map(String.init) ?? "-") \(e.key ?? "-") \(e.problem)"
        }
    }

    @Test func everyProblemNamesTheFileLineAndColumn() {
        #expect(problem(["customers.csv": header + "cus_1,A,a@x,gold,1,20,\n"])
            == "2 plan \"gold\" is not a plan in settle.toml (known: free, pro)")
        #expect(problem(["customers.csv": header + "cus_1,A,a@x,pro,29,20,\n"]) == "2 billing_day \"29\" must be a day from 1 to 28")
        #expect(problem(["customers.csv": header + "cus_1,A,a@x,pro,1,20,\ncus_1,B,b@x,pro,1,20,\n"])
            == "3 effective_from a second version of cus_1 in force from the beginning (no effective_from) (first on line 2); each version needs its own effective_from")
        #expect(problem(["customers.csv": header + "cus_1,A,a@x,pro,1,twenty,\n"])
            == "2 tax_rate_pct \"twenty\" is not a plain decimal; write digits and at most one \".\", such as 19.5 (no exponent, thousands separator or currency sign)")
        #expect(problem(["customers.csv": "customer_id,name\n"]).hasPrefix("1 - the header lacks email, plan"))
        #expect(problem(["prices.csv": "provider,model,token_type,tier,price,per,effective_from\nopenai,gpt-4o,prompt,,1,1M,2026-01-01\n"])
            .hasPrefix("2 token_type \"prompt\" is not one of input"))
        #expect(problem(["prices.csv": "provider,model,token_type,tier,price,per,effective_from\nopenai,gpt-4o,input,,1,10K,2026-01-01\n"])
            == "2 per \"10K\" must be 1M, 1K or 1")
        #expect(problem(["prices.csv": "provider,model,token_type,tier,price,per,effective_from\nopenai,gpt-4o,input,,1,1M,soon\n"])
            == "2 effective_from \"soon\" is not a date (YYYY-MM-DD) or an RFC 3339 time")
        #expect(problem(["credits.csv": "reference,customer_id,date,amount\nT1,cus_1,2026-10-01,5\nT1,cus_1,2026-10-02,5\n"])
            == "3 reference T1 appears again (first on line 2); references are unique")
    }

    /// Found by fuzzing: toml++ (inside TOMLKit) aborts the process on a table header that
    /// starts with a dot. settle refuses it first, naming the line (exit 78).
    @Test func aTableHeaderStartingWithADotIsBadConfigurationNotACrash() {
        for text in ["currency = \"USD\"\n[.reconcile]\ncost_tolerance = \"0.01\"\n", "[[ .volume_discounts ]]\n"] {
            let error = #expect(throws: ConfigError.self) { try ConfigLoader.parse(text, file: "settle.toml") }
            #expect(error?.description.contains("must start with its name") == true, "\(String(describing: error))")
        }
        for text in ["[.reconcile]\n", "[=\n", "[ \n", "[[ #x ]]\n", "[\u{e9}t\u{e9}]\n", "[\u{352}\n", "\u{FEFF}[.reconcile]\n", "r=[}\n", "a = { b = [ } }\n", "a = [1, 2,\n}]\n"] {
            #expect(throws: ConfigError.self, "\(text)") { try ConfigLoader.parse(text, file: "settle.toml") }
        }
        // Braces inside strings and comments, and inline tables inside arrays, are no reason to refuse.
        #expect(throws: Never.self) {
            try ConfigLoader.parse("out_dir = \"o}u[t\" # ]}\n[invoices]\nnumber_prefix = 'I}'\ncredit_note_prefix = \"\"\"C}\n]\"\"\"\n", file: "settle.toml")
        }
        // Headers and array lines that start with a name, a quote or a number still parse.
        #expect(throws: Never.self) { try ConfigLoader.parse("currency = \"USD\"\n[alerts]\nthresholds = [\n  80,\n]\n[\"reconcile\"]\n", file: "settle.toml") }
    }
}
