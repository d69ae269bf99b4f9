import SettleCore
import SettleFormats

extension SyntheticData {
    /// The catalog that matches the generated traffic, and a settle.toml that uses it.
    func catalogFiles(_ profiles: [CustomerProfile], _ rng: inout SeededRandom) -> [(String, String)] {
        [
            ("settle.toml", settleTOML),
            ("customers.csv", customersCSV(profiles, &rng)),
            ("prices.csv", pricesCSV),
            ("services.csv", servicesCSV),
            ("credits.csv", creditsCSV(profiles, &rng)),
        ]
    }

    static let firstWords = ["Northwind", "Bluefin", "Copperleaf", "Driftwood", "Evergreen", "Foxglove", "Granite", "Harbor",
                             "Ironbark", "Juniper", "Kestrel", "Lumen", "Meridian", "Nimbus", "Oakridge", "Pinecrest",
                             "Quarry", "Redwood", "Saltmarsh", "Tidewater", "Umber", "Vantage", "Willow", "Yarrow", "Zephyr"]
    static let secondWords = ["Analytics", "Health", "Legal", "Robotics", "Media", "Logistics", "Labs", "Learning",
                              "Finance", "Studio", "Systems", "Support", "Travel", "Retail", "Energy"]

    func customersCSV(_ profiles: [CustomerProfile], _ rng: inout SeededRandom) -> String {
        var out = CSVText.record(["customer_id", "name", "email", "plan", "billing_day", "tax_rate_pct", "alert_webhook"])
        let taxRates = ["0", "20", "19", "8.875", "10", "21"]
        for (i, p) in profiles.enumerated() {
            let first = Self.firstWords[i % Self.firstWords.count]
            let second = Self.secondWords[(i / Self.firstWords.count + i * 7) % Self.secondWords.count]
            let name = i < Self.firstWords.count * Self.secondWords.count ? "\(first) \(second)" : "\(first) \(second) \(i)"
            let domain = name.lowercased().split(separator: " ").joined(separator: "-")
            let roll = rng.unit()
            let billingDay = roll < 0.7 ? 1 : roll < 0.85 ? 15 : rng.int(2...25)
            let tax = taxRates[rng.int(0...taxRates.count - 1)]
            let webhook = rng.chance(0.1) ? "https://hooks.\(domain).example/settle" : ""
            out += CSVText.record([p.id, name, "billing@\(domain).example", p.plan, String(billingDay), tax, webhook])
        }
        return out
    }

    var pricesCSV: String {
        var out = CSVText.record(["provider", "model", "token_type", "tier", "price", "per", "effective_from", "band"])
        let from = "2026-01-01"
        func row(_ cells: [String], band: String = "") { out += CSVText.record(cells + [band]) }
        for m in ModelMix.models where m.priced {
            row([m.provider, m.model, "input", "", m.input, "1M", from])
            if let c = m.cachedInput { row([m.provider, m.model, "cached_input", "", c, "1M", from]) }
            if let w = m.cacheWrite { row([m.provider, m.model, "cache_write", "", w, "1M", from]) }
            row([m.provider, m.model, "output", "", m.output, "1M", from])
        }
        // Explicit batch prices for the biggest model; other batch usage falls back to [tiers.batch].
        row(["openai", "gpt-4o-2024-08-06", "input", "batch", "1.25", "1M", from])
        row(["openai", "gpt-4o-2024-08-06", "output", "batch", "5.00", "1M", from])
        row(["openai", "gpt-4o-2024-08-06", "input", "priority", "4.25", "1M", from])
        row(["openai", "gpt-4o-2024-08-06", "output", "priority", "17.00", "1M", from])
        // A price cut in the middle of the generated week, effective at midnight UTC.
        let cut = start.adding(days: min(3, max(days - 1, 0)))
        row(["google", "gemini-2.5-flash", "output", "", "2.00", "1M", "\(cut)T00:00:00Z"])
        // Google's per-request grounding fee, priced per 1K requests.
        row(["google", "gemini-2.5-pro", "request", "", "35.00", "1K", from])
        // Long prompts (over 200k input tokens) cost more, as Anthropic and Google publish.
        for (type, price) in [("input", "6.00"), ("cached_input", "0.60"), ("cache_write", "7.50"), ("output", "22.50")] {
            row(["anthropic", "claude-sonnet-4-20250514", type, "", price, "1M", from], band: ">200000")
        }
        for (type, price) in [("input", "2.50"), ("cached_input", "0.625"), ("output", "15.00")] {
            row(["google", "gemini-2.5-pro", type, "", price, "1M", from], band: ">200000")
        }
        return out
    }

    var servicesCSV: String {
        var out = CSVText.record(["service_id", "seller", "model", "prompt_price_per_1k", "completion_price_per_1k",
                                  "platform_fee_pct", "trial_tokens"])
        for s in ModelMix.services {
            out += CSVText.record([s.id, s.seller, s.model, s.prompt, s.completion, s.fee, String(s.trial)])
        }
        return out
    }

    func creditsCSV(_ profiles: [CustomerProfile], _ rng: inout SeededRandom) -> String {
        var out = CSVText.record(["reference", "customer_id", "date", "amount"])
        var n = 0
        for p in profiles where p.plan != "free" && rng.chance(0.25) {
            n += 1
            let amounts = ["25.00", "50.00", "100.00", "250.00", "1000.00"]
            let date = start.adding(days: -rng.int(1...40))
            out += CSVText.record(["TOPUP-\(pad(n, 5))", p.id, date.description, amounts[rng.int(0...amounts.count - 1)]])
        }
        return out
    }

    var settleTOML: String {
        """
        # settle configuration for the generated demo gateway (settle generate --seed \(seed)).
        # Paths are relative to this file's folder.
        database = "sqlite:var/settle.sqlite"
        out_dir  = "out"
        currency = "USD"

        [inbox]
        usage = "usage"
        bills = "bills"

        [catalog]
        customers = "customers.csv"
        prices    = "prices.csv"
        services  = "services.csv"
        credits   = "credits.csv"

        [markup]
        default_pct = "20"

        [[markup.rules]]
        pattern  = "gpt-4*"
        provider = "openai"
        pct      = "25"
        priority = 10

        [[markup.rules]]
        pattern  = "claude-opus-*"
        pct      = "15"
        priority = 5

        [[markup.rules]]
        pattern  = "*"
        plan     = "enterprise"
        pct      = "12"
        priority = 1

        [[volume_discounts]]
        min_usage = "1000.00"
        pct = "5"

        [[volume_discounts]]
        min_usage = "5000.00"
        pct = "8"

        [tiers.batch]
        multiplier = "0.5"

        [tiers.flex]
        multiplier = "0.5"

        [tiers.priority]
        multiplier = "1.7"

        [plans.free]
        monthly_fee = "0.00"
        limits = { tokens = 500_000, calls = 1_000, cost = "2.50" }

        [plans.starter]
        monthly_fee = "19.00"
        limits = { tokens = 10_000_000, calls = 20_000, cost = "50.00" }

        [plans.pro]
        monthly_fee = "79.00"
        limits = { tokens = 50_000_000, calls = 100_000, cost = "150.00" }
        calls_by_provider = { google = 200 }

        [plans.enterprise]
        monthly_fee = "499.00"
        limits = { tokens = 1_000_000_000, calls = 2_000_000, cost = "5000.00" }

        [aliases.openai]
        "gpt-4o" = "gpt-4o-2024-08-06"

        [aliases.anthropic]
        "claude-sonnet-4" = "claude-sonnet-4-20250514"

        # AWS names models in CUR usage types its own way.
        [aliases.bedrock]
        "Claude3.5Sonnet-v2" = "anthropic.claude-3-5-sonnet-20241022-v2:0"

        [provider_names]
        "Google Cloud" = "google"

        # Google's export names per-request charges too: "gemini-2.5-pro, requests".
        [focus]
        sku_pattern = '^(?<model>.+?), (?<token_type>input|output|cached input|cache writes|requests)$'

        # No providers list: every provider with a bill ingested is reconciled.
        [reconcile]
        token_tolerance_pct = "0.1"
        token_tolerance_abs = 0
        cost_tolerance = "0.01"

        # The charge audit (reported_cost against settle's charge): a cell or month row is matched when
        # |difference| <= max(tolerance, tolerance_pct % of computed).
        [audit]
        tolerance = "0.001"
        tolerance_pct = "1"

        [alerts]
        thresholds = [80, 90, 100]
        webhook_url = ""
        webhook_secret_env = "SETTLE_WEBHOOK_SECRET"

        [invoices]
        number_prefix = "INV"
        credit_note_prefix = "CN"
        payment_terms_days = 14
        issuer = { name = "Example AI Ltd", address = "1 Main St, London", tax_id = "GB123456041", country = "GB" }

        """
    }
}
