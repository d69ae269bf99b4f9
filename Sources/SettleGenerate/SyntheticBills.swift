import SettleCore
import SettleFormats

/// Provider bills for generated gateway data, one format per provider as each really sends
/// them, with one planted discrepancy of every reconciliation status, so that the demo and the
/// tests show each:
///
/// - token_mismatch: OpenAI bills 3 % more gpt-4.1 output on the second day;
/// - missing_in_bill: Anthropic's reports leave out claude-opus-4 on the third day;
/// - cost_mismatch: Google bills gemini-2.5-flash output at the old price on the day of the cut
///   (in its month's cell: Google's FOCUS export bills per month);
/// - missing_in_gateway: OpenAI's costs list web search tool calls, which the gateway does not meter;
/// - unpriced: Mistral bills codestral-2508, which the price book does not list yet;
/// - a restatement: OpenAI's first cost report of the sixth day doubles gpt-4o-mini input; the
///   corrected bill in `bills-late/` replaces it.
public struct SyntheticBills {
    public var usageDir: String
    public var pricesPath: String
    public var tierMultipliers: [Tier: ExactDecimal] = [.batch: ExactDecimal(significand: 5, scale: 1),
                                                       .flex: ExactDecimal(significand: 5, scale: 1),
                                                       .priority: ExactDecimal(significand: 17, scale: 1)]

    public init(usageDir: String, pricesPath: String) {
        self.usageDir = usageDir
        self.pricesPath = pricesPath
    }

    struct Key: Hashable, Comparable {
        var day: UTCDay
        var provider: String
        var model: String
        var tier: Tier
        static func < (a: Key, b: Key) -> Bool { (a.day, a.provider, a.model, a.tier) < (b.day, b.provider, b.model, b.tier) }
    }

    /// What the gateway logged, summed as a provider sums it.
    func meteredTotals() throws -> [Key: GatewayTotal] {
        var seen = Set<String>()
        var totals: [Key: GatewayTotal] = [:]
        for path in try FileSystem.files(under: usageDir) {
            _ = try UsageFileReader.open(path: path).forEachRow { row in
                guard case .event(let e, _) = row, seen.insert(e.requestID).inserted else { return }
                let key = Key(day: e.day, provider: e.provider, model: e.model, tier: e.tier)
                var t = totals[key] ?? GatewayTotal(day: key.day, provider: key.provider, model: key.model, tier: key.tier)
                t.events += 1
                t.input += e.quantity(of: .input)
                t.cachedInput += e.cachedInputTokens
                t.cacheWrite += e.cacheWriteTokens
                t.output += e.outputTokens
                t.requests += e.requests
                totals[key] = t
            }
        }
        return totals
    }

    /// Writes the bills into `billsDir` and the late restatement into `lateDir`; returns the paths.
    public func write(billsDir: String, lateDir: String) throws -> [String] {
        let book = PriceBook(rows: try CatalogLoader.prices(pricesPath), tierMultipliers: tierMultipliers)
        let totals = try meteredTotals()
        let keys = totals.keys.sorted()
        let generated = Array(Set(keys.map(\.day))).sorted()
        guard !generated.isEmpty else { throw FileSystemError(path: usageDir, "no usage to write provider bills for") }
        // The planted discrepancies go to days 2–6 of a week; a shorter run (a benchmark's one
        // night) gets them all on its last day.
        let days = (0..<max(generated.count, 6)).map { generated[min($0, generated.count - 1)] }
        func cost(_ k: Key, _ type: TokenType, _ quantity: Int64, at day: UTCDay? = nil) -> ExactDecimal {
            let quote = book.quote(provider: k.provider, model: k.model, tokenType: type, tier: k.tier, at: (day ?? k.day).start)
            return quote.map { (ExactDecimal(quantity) * $0.perUnit).rounded(places: 8).normalized } ?? .zero
        }
        func of(_ provider: String) -> [(Key, GatewayTotal)] { keys.filter { $0.provider == provider }.map { ($0, totals[$0]!) } }
        var written: [String] = []
        func save(_ text: String, _ path: String) throws {
            try FileSystem.writeAtomically(text, to: path)
            written.append(path)
        }

        // OpenAI: usage pages (a JSON array of two pages) and a costs page; "gpt-4o" is the alias.
        let openAIModel = { (m: String) in m == "gpt-4o-2024-08-06" ? "gpt-4o" : m }
        let openai = of("openai")
        var usagePages: [JSONText] = []
        for half in [Array(generated.prefix(4)), Array(generated.dropFirst(4))] where !half.isEmpty {
            let buckets = half.map { day -> JSONText in
                let results = openai.filter { $0.0.day == day }.map { k, t -> JSONText in
                    var output = t.output
                    if k.model == "gpt-4.1" && day == days[1] && k.tier == .standard { output += output * 3 / 100 }
                    return .object([
                        ("object", .string("organization.usage.completions.result")),
                        ("input_tokens", .int(t.input + t.cachedInput + t.cacheWrite)), ("output_tokens", .int(output)),
                        ("input_cached_tokens", .int(t.cachedInput)), ("input_audio_tokens", .int(0)), ("output_audio_tokens", .int(0)),
                        ("num_model_requests", .int(t.requests)), ("project_id", .null), ("user_id", .null), ("api_key_id", .null),
                        ("model", .string(openAIModel(k.model))), ("batch", .bool(k.tier == .batch)),
                        ("service_tier", k.tier == .priority ? .string("priority") : .string("default")),
                    ])
                }
                return Self.bucket(day, results)
            }
            usagePages.append(Self.page(buckets, more: half.first == generated.first && generated.count > 4))
        }
        try save(JSONText.array(usagePages).pretty(), "\(billsDir)/openai-usage-\(days[0])-\(days.last!).json")

        func openAICosts(_ only: [UTCDay], doubled: UTCDay?) -> String {
            let buckets = only.map { day -> JSONText in
                var results: [JSONText] = []
                for (k, t) in openai where k.day == day && k.tier != .batch {
                    for (type, label, q) in [(TokenType.input, "input", t.input), (.cachedInput, "cached input", t.cachedInput),
                                             (.output, "output", t.output)] where q > 0 {
                        var amount = cost(k, type, q)
                        if k.model == "gpt-4o-mini" && type == .input && day == doubled { amount = amount * ExactDecimal(2) }
                        let prefix = k.tier == .priority ? "priority | " : ""
                        // The API sends amounts as numbers on some accounts and strings on others.
                        let value: JSONText = results.count % 2 == 0 ? .number(amount.description) : .string(amount.description)
                        results.append(Self.openAICost(value, "\(prefix)\(openAIModel(k.model)), \(label)"))
                    }
                }
                if day == days[4] { results.append(Self.openAICost(.string("1.25"), "web search tool calls")) }
                return Self.bucket(day, results)
            }
            return Self.page(buckets, more: false).pretty()
        }
        try save(openAICosts(generated, doubled: days[5]), "\(billsDir)/openai-costs-\(days[0])-\(days.last!).json")

        // Anthropic: usage and cost reports, cost in cents; claude-opus-4 missing on the third day.
        let anthropic = of("anthropic").filter { !($0.0.model == "claude-opus-4-20250514" && $0.0.day == days[2]) }
        let anthropicModel = { (m: String) in m == "claude-sonnet-4-20250514" ? "claude-sonnet-4" : m }
        let usageBuckets = generated.map { day -> JSONText in
            .object([("starting_at", .string("\(day)T00:00:00Z")), ("ending_at", .string("\(day.adding(days: 1))T00:00:00Z")),
                     ("results", .array(anthropic.filter { $0.0.day == day }.map { k, t in
                .object([
                    ("uncached_input_tokens", .int(t.input)),
                    ("cache_creation", .object([("ephemeral_5m_input_tokens", .int(t.cacheWrite)), ("ephemeral_1h_input_tokens", .int(0))])),
                    ("cache_read_input_tokens", .int(t.cachedInput)), ("output_tokens", .int(t.output)),
                    ("server_tool_use", .object([("web_search_requests", .int(0))])), ("api_key_id", .null), ("workspace_id", .null),
                    ("model", .string(anthropicModel(k.model))), ("service_tier", .string(k.tier.rawValue)), ("context_window", .string("0-200k")),
                ])
            }))])
        }
        try save(JSONText.object([("data", .array(usageBuckets)), ("has_more", .bool(false)), ("next_page", .null)]).pretty(),
                 "\(billsDir)/anthropic-usage-\(days[0])-\(days.last!).json")
        let costBuckets = generated.map { day -> JSONText in
            var results: [JSONText] = []
            for (k, t) in anthropic where k.day == day {
                for (type, name, q) in [(TokenType.input, "uncached_input_tokens", t.input), (.output, "output_tokens", t.output),
                                        (.cachedInput, "cache_read_input_tokens", t.cachedInput),
                                        (.cacheWrite, "cache_creation.ephemeral_5m_input_tokens", t.cacheWrite)] where q > 0 {
                    let cents = (cost(k, type, q) * ExactDecimal(100)).normalized
                    results.append(.object([
                        ("currency", .string("USD")), ("amount", .string(cents.description)), ("workspace_id", .null),
                        ("description", .string("\(anthropicModel(k.model)) \(name)")), ("cost_type", .string("tokens")),
                        ("context_window", .string("0-200k")), ("model", .string(anthropicModel(k.model))),
                        ("service_tier", .string(k.tier.rawValue)), ("token_type", .string(name)),
                    ]))
                }
            }
            return .object([("starting_at", .string("\(day)T00:00:00Z")), ("ending_at", .string("\(day.adding(days: 1))T00:00:00Z")),
                            ("results", .array(results))])
        }
        try save(JSONText.object([("data", .array(costBuckets)), ("has_more", .bool(false)), ("next_page", .null)]).pretty(),
                 "\(billsDir)/anthropic-cost-\(days[0])-\(days.last!).json")

        // OpenRouter: one row per day and model, cost for the model as a whole.
        let rows = of("openrouter").map { k, t -> JSONText in
            let total = [TokenType.input, .cachedInput, .cacheWrite, .output]
                .reduce(ExactDecimal.zero) { $0 + cost(k, $1, t.quantity(of: $1)) }
            return .object([
                ("date", .string(k.day.description)), ("model", .string(k.model)), ("model_permaslug", .string("\(k.model)-2025")),
                ("endpoint_id", .string("ep-\(k.model.count)")), ("provider_name", .string("Together")),
                ("usage", .number(total.description)), ("byok_usage_inference", .int(0)), ("requests", .int(t.requests)),
                ("prompt_tokens", .int(t.input + t.cachedInput + t.cacheWrite)), ("completion_tokens", .int(t.output)),
                ("reasoning_tokens", .int(0)),
            ])
        }
        try save(JSONText.object([("data", .array(rows))]).pretty(), "\(billsDir)/openrouter-activity-\(days[0])-\(days.last!).json")

        // Google: a FOCUS 1.3 export of the whole cloud bill, as Google bills Vertex AI tokens: per
        // month (ChargePeriodStart 2026-10-01, ChargePeriodEnd 2026-11-01), the model and token
        // type in SkuPriceDetails and SkuMeter, among compute, storage and network rows that are
        // not ours to reconcile. The price cut is applied a day late, so the month's
        // gemini-2.5-flash output costs more than the price book says.
        struct MonthLine: Hashable, Comparable {
            var month: PeriodMonth
            var model: String
            var type: TokenType
            static func < (a: MonthLine, b: MonthLine) -> Bool {
                (a.month, a.model, a.type) < (b.month, b.model, b.type)
            }
        }
        var monthly: [MonthLine: (quantity: Int64, cost: ExactDecimal)] = [:]
        for (k, t) in of("google") {
            for type in [TokenType.input, .cachedInput, .output, .request] {
                let q = t.quantity(of: type)
                guard q > 0, type != .request || book.quote(provider: k.provider, model: k.model, tokenType: .request, tier: k.tier, at: k.day.start) != nil else { continue }
                let late = k.model == "gemini-2.5-flash" && type == .output && k.day == days[3]
                let line = MonthLine(month: PeriodMonth(year: k.day.date.year, month: k.day.date.month), model: k.model, type: type)
                let v = monthly[line] ?? (0, .zero)
                monthly[line] = (v.quantity + q, v.cost + cost(k, type, q, at: late ? days[2] : nil))
            }
        }
        var focus = CSVText.record(Self.focus13Columns)
        for month in Set(monthly.keys.map(\.month)).sorted() {
            let start = "\(month.firstDay)T00:00:00Z", end = "\(month.next.firstDay)T00:00:00Z"
            func row(_ cost: String, _ category: String, _ description: String, _ quantity: String, _ unit: String, _ pricing: (String, String),
                     _ serviceCategory: String, _ service: String, _ subcategory: String, _ sku: String, _ meter: String,
                     _ details: String, _ region: String, _ resource: String) {
                focus += CSVText.record([cost, "0A1B2C-3D4E5F", "Gateway Prod", "USD", end, start, category, "NULL", description,
                                         category == "Usage" ? "Usage-Based" : "One-Time", end, start, quantity, unit, cost, "NULL", cost,
                                         "Google Cloud", "Google Cloud", cost, "NULL", "Standard", pricing.0, pricing.1, "NULL",
                                         serviceCategory, service, "Google Cloud", subcategory, sku, meter, details, sku == "NULL" ? "NULL" : sku + "-ondemand",
                                         region, resource, "gateway-prod", "Gateway production"])
            }
            row("412.58194032117", "Usage", "N2 Instance Core running in Belgium", "2976", "Hours", ("2976", "Hours"),
                "Compute", "Compute Engine", "Virtual Machines", "9C3F-1B22-7A40", "N2 Instance Core", "NULL", "europe-west1",
                "projects/gateway-prod/zones/europe-west1-b/instances/gw-1")
            row("55.3079880341", "Usage", "N2 Instance Ram running in Belgium", "11904", "GiB-Hours", ("11904", "GiB-Hours"),
                "Compute", "Compute Engine", "Virtual Machines", "9C3F-1B22-7A41", "N2 Instance Ram", "NULL", "europe-west1",
                "projects/gateway-prod/zones/europe-west1-b/instances/gw-1")
            row("23.04", "Usage", "Standard Storage Belgium", "1152.0", "GiB-Months", ("1152.0", "GiB-Months"),
                "Storage", "Cloud Storage", "Object Storage", "E5A1-0C6D-3B19", "Standard Storage", "NULL", "europe-west1",
                "projects/gateway-prod/buckets/gateway-archive")
            row("8.472", "Usage", "Network Internet Egress from Belgium to Americas", "70.6", "GiB", ("70.6", "GiB"),
                "Networking", "Networking", "Network Connectivity", "7F19-88A2-C3D0", "Internet Egress", "NULL", "europe-west1", "NULL")
            row("18.6", "Usage", "Global HTTP(S) Load Balancing forwarding rule", "744", "Hours", ("744", "Hours"),
                "Networking", "Cloud Load Balancing", "Load Balancing", "2B4D-61E0-9F77", "Forwarding Rule", "NULL", "global", "NULL")
            // Vertex AI's own machines: an AI service, but not token usage.
            row("64.2336", "Usage", "Vertex AI Online Prediction n1-standard-4 in Belgium", "248", "Hours", ("248", "Hours"),
                "AI and Machine Learning", "Vertex AI", "Machine Learning", "A1D0-4E4B-55C2", "Online Prediction n1-standard-4", "NULL",
                "europe-west1", "projects/gateway-prod/locations/europe-west1/endpoints/classifier")
            for (line, v) in monthly.filter({ $0.key.month == month }).sorted(by: { $0.key < $1.key }) {
                let sku = "B7E2-\(String(line.model.count * 131 + line.type.position * 17, radix: 16).uppercased())-\(line.model.hasSuffix("pro") ? "50" : "F1")"
                if line.type == .request {
                    row(v.cost.normalized.description, "Usage", "\(line.model), requests", String(v.quantity), "Requests",
                        (ExactDecimal(v.quantity).shifted(right: 3).normalized.description, "1000 Requests"),
                        "AI and Machine Learning", "Vertex AI", "Generative AI", sku, "Requests",
                        #"{"ModelDeveloper":"Google","ModelFamily":"Gemini","ModelId":"\#(line.model)","ModelVersion":"2.5"}"#, "global", "NULL")
                    continue
                }
                let (meter, direction, cache): (String, String, String?) = switch line.type {
                case .cachedInput: ("Cache Read Input Tokens", "Input", "Read")
                case .output: ("Output Tokens", "Output", nil)
                default: ("Input Tokens", "Input", "Uncached")
                }
                let details = #"{"ModelDeveloper":"Google","ModelFamily":"Gemini","ModelId":"\#(line.model)","ModelVersion":"2.5""#
                    + (cache.map { #","TokenCacheAction":"\#($0)""# } ?? "") + #","TokenDirection":"\#(direction)"}"#
                row(v.cost.normalized.description, "Usage", "\(meter) for \(line.model)", String(v.quantity), "Tokens",
                    (ExactDecimal(v.quantity).shifted(right: 6).normalized.description, "1000000 Tokens"),
                    "AI and Machine Learning", "Vertex AI", "Generative AI", sku, meter, details, "global", "NULL")
            }
            // The month's credit and tax: of the whole bill, not of token usage.
            row("-41.258194032117", "Credit", "Committed use discount: N2 cores", "NULL", "NULL", ("NULL", "NULL"),
                "Compute", "Compute Engine", "Virtual Machines", "9C3F-1B22-7A40", "N2 Instance Core", "NULL", "europe-west1", "NULL")
            row("114.61", "Tax", "VAT", "NULL", "NULL", ("NULL", "NULL"), "NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL")
        }
        try save(focus, "\(billsDir)/google-focus-1.3-\(PeriodMonth(year: days[0].date.year, month: days[0].date.month)).csv")

        // AWS: CUR 2.0 with Bedrock rows in thousands of tokens (two per day and usage type) among S3 rows.
        var cur = CSVText.record(["identity_line_item_id", "bill_billing_period_start_date", "line_item_line_item_type",
                                  "line_item_usage_start_date", "line_item_usage_end_date", "line_item_product_code",
                                  "line_item_usage_type", "line_item_operation", "line_item_usage_amount", "pricing_unit",
                                  "line_item_unblended_rate", "line_item_unblended_cost", "line_item_currency_code"])
        var item = 0
        for (k, t) in of("bedrock") {
            for (type, suffix) in [(TokenType.input, "input-tokens"), (.output, "output-tokens"),
                                   (.cachedInput, "cache-read-input-token-count"), (.cacheWrite, "cache-write-input-token-count")] {
                let q = t.quantity(of: type)
                guard q > 0 else { continue }
                let usageType = "USE1-Claude3.5Sonnet-v2-\(suffix)\(k.tier == .batch ? "-batch" : "")"
                let first = q / 2
                for (part, hour) in [(first, "00"), (q - first, "12")] where part > 0 {
                    item += 1
                    let amount = ExactDecimal(part).shifted(right: 3).normalized
                    cur += CSVText.record(["li-\(item)", "\(days[0].description.prefix(8))01T00:00:00Z", "Usage",
                                           "\(k.day)T\(hour):00:00Z", "\(k.day)T\(hour == "00" ? "12" : "23"):59:59Z", "AmazonBedrock",
                                           usageType, "InvokeModelInference", amount.description, "1K tokens", "",
                                           cost(k, type, part).description, "USD"])
                }
            }
        }
        for day in generated {
            item += 1
            cur += CSVText.record(["li-\(item)", "\(days[0].description.prefix(8))01T00:00:00Z", "Usage", "\(day)T00:00:00Z",
                                   "\(day)T23:59:59Z", "AmazonS3", "USE1-TimedStorage-ByteHrs", "StandardStorage", "1520.5", "GB-Mo",
                                   "0.023", "34.9715", "USD"])
        }
        try save(cur, "\(billsDir)/aws-cur-\(days[0])-\(days.last!).csv")

        // Mistral: no report API; finance keys the invoice into the plain CSV.
        var plain = CSVText.record(["provider", "date", "model", "token_type", "tier", "quantity", "cost"])
        let listed = Dictionary(ModelMix.models.map { ($0.model, $0) }, uniquingKeysWith: { a, _ in a })
        for (k, t) in of("mistral") {
            for type in [TokenType.input, .output] {
                let q = t.quantity(of: type)
                guard q > 0 else { continue }
                var amount = cost(k, type, q)
                if let m = listed[k.model], !m.priced, let list = ExactDecimal(type == .input ? m.input : m.output) {
                    amount = (ExactDecimal(q) * list).shifted(right: 6).rounded(places: 8).normalized
                }
                plain += CSVText.record([k.provider, k.day.description, k.model, type.rawValue, "", String(q), amount.description])
            }
        }
        try save(plain, "\(billsDir)/mistral-\(days[0])-\(days.last!).csv")

        // The corrected OpenAI cost report of the sixth day, arriving late.
        try save(openAICosts([days[5]], doubled: nil), "\(lateDir)/openai-costs-\(days[5])-restated.json")
        return written
    }

    /// The columns of the FOCUS 1.3 specification's AI billing examples, and the region,
    /// resource and sub-account columns a whole cloud export carries too.
    static let focus13Columns = [
        "BilledCost", "BillingAccountId", "BillingAccountName", "BillingCurrency", "BillingPeriodEnd", "BillingPeriodStart",
        "ChargeCategory", "ChargeClass", "ChargeDescription", "ChargeFrequency", "ChargePeriodEnd", "ChargePeriodStart",
        "ConsumedQuantity", "ConsumedUnit", "ContractedCost", "ContractedUnitPrice", "EffectiveCost", "HostProviderName",
        "InvoiceIssuerName", "ListCost", "ListUnitPrice", "PricingCategory", "PricingQuantity", "PricingUnit", "PrincipalId",
        "ServiceCategory", "ServiceName", "ServiceProviderName", "ServiceSubcategory", "SkuId", "SkuMeter", "SkuPriceDetails",
        "SkuPriceId", "RegionId", "ResourceId", "SubAccountId", "SubAccountName",
    ]

    static func bucket(_ day: UTCDay, _ results: [JSONText]) -> JSONText {
        .object([("object", .string("bucket")), ("start_time", .int(Int64(day.ordinal) * 86_400)),
                 ("end_time", .int(Int64(day.ordinal + 1) * 86_400)), ("results", .array(results))])
    }

    static func page(_ buckets: [JSONText], more: Bool) -> JSONText {
        .object([("object", .string("page")), ("data", .array(buckets)), ("has_more", .bool(more)),
                 ("next_page", more ? .string("page_2") : .null)])
    }

    static func openAICost(_ value: JSONText, _ lineItem: String) -> JSONText {
        .object([("object", .string("organization.costs.result")), ("amount", .object([("value", value), ("currency", .string("usd"))])),
                 ("line_item", .string(lineItem)), ("project_id", .null), ("organization_id", .string("org-gateway"))])
    }
}
