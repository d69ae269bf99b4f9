import SettleCore
/// The provider bill formats settle reads (FORMATS.md), by the names `--format` takes.
public enum BillFileFormat: String, Sendable, CaseIterable {
    case openAIUsage = "openai-usage"
    case openAICosts = "openai-costs"
    case anthropicUsage = "anthropic-usage"
    case anthropicCost = "anthropic-cost"
    case openRouterActivity = "openrouter-activity"
    case focus
    case cur
    case csv

    public var title: String {
        switch self {
        case .openAIUsage: return "OpenAI Usage API"
        case .openAICosts: return "OpenAI Costs API"
        case .anthropicUsage: return "Anthropic usage report"
        case .anthropicCost: return "Anthropic cost report"
        case .openRouterActivity: return "OpenRouter activity"
        case .focus: return "FOCUS CSV"
        case .cur: return "AWS CUR 2.0"
        case .csv: return "plain bill CSV (provider,date,model,token_type,tier,quantity,cost)"
        }
    }

    var isJSON: Bool {
        switch self {
        case .focus, .cur, .csv: return false
        default: return true
        }
    }

    /// API pages whose `data` holds day buckets of results (OpenRouter's holds rows).
    var hasBuckets: Bool { isJSON && self != .openRouterActivity }

    /// What a JSON element looks like, before its format is known: a bucket of results (OpenAI,
    /// Anthropic), a row (OpenRouter), or neither.
    enum JSONShape: Hashable {
        case bucket, row, other

        init(_ element: JSONValue) {
            if case .array? = element["results"] { self = .bucket; return }
            self = element["model"] != nil || element["date"] != nil ? .row : .other
        }
    }

    /// The shape of this JSON format's elements.
    var jsonShape: JSONShape { self == .openRouterActivity ? .row : .bucket }

    /// Which JSON format a page element shows, if it shows one: a bucket's first result, or an
    /// OpenRouter row.
    static func detect(element: JSONValue) -> BillFileFormat? {
        if case .array(let results)? = element["results"] {
            guard let r = results.first else { return nil }
            switch r.text("object") {
            case "organization.usage.completions.result": return .openAIUsage
            case "organization.costs.result": return .openAICosts
            default: break
            }
            if r["uncached_input_tokens"] != nil { return .anthropicUsage }
            if r["cost_type"] != nil || (r["amount"]?.string != nil && r["description"] != nil) { return .anthropicCost }
            if r["line_item"] != nil { return .openAICosts }
            if r["num_model_requests"] != nil { return .openAIUsage }
            return nil
        }
        if element["model_permaslug"] != nil || (element["date"] != nil && element["prompt_tokens"] != nil) {
            return .openRouterActivity
        }
        return nil
    }

    /// Which CSV format a header row shows.
    static func detect(header: [String]) -> BillFileFormat? {
        let names = Set(header.map { $0.trimmingSpaces().replacingAll("\u{FEFF}", with: "") })
        if names.isSuperset(of: ["ChargePeriodStart", "BilledCost"]) { return .focus }
        if names.contains("line_item_usage_type") && names.contains("line_item_product_code") { return .cur }
        if names.isSuperset(of: PlainBillCSV.required) { return .csv }
        return nil
    }
}

/// What reading a bill file needs from the configuration.
public struct BillReadOptions: Sendable {
    /// FOCUS `ProviderName` → settle provider.
    public var providerNames: [String: String]
    /// The FOCUS SkuId/ChargeDescription pattern, with named groups `model` and `token_type`.
    public var focusPattern: String
    /// The base currency, and the ECB's rates a bill in another is converted to it at
    /// (FINANCE.md, "Currencies": at the rate of each charge day, before reconciliation).
    public var baseCurrency = "USD"
    public var exchangeRates = ExchangeRateTable([])

    public static let defaultFocusPattern = #"^(?<model>.+?), (?<token_type>input|output|cached input|cache writes)$"#

    public init(providerNames: [String: String] = [:], focusPattern: String = BillReadOptions.defaultFocusPattern) {
        self.providerNames = providerNames
        self.focusPattern = focusPattern
    }
}

extension BillReadOptions {
    /// The rate a cost billed in `currency` on `day` is converted to the base at: nil for the
    /// base itself; no rate then quarantines the row (`no_exchange_rate`), to be taken in again
    /// once the rates arrive, never converted at an old rate.
    func rate(billedIn currency: String, on day: UTCDay) throws(BillFieldProblem) -> ExchangeRate? {
        let c = currency.uppercased()
        guard !c.isEmpty, c != baseCurrency else { return nil }
        guard let rate = exchangeRates.rate(from: c, to: baseCurrency, on: day) else {
            throw BillFieldProblem(.noExchangeRate, exchangeRates.isEmpty
                ? "\(c) (settle.toml names no [exchange_rates] file to convert it to \(baseCurrency) with)"
                : exchangeRates.missingRateReason(from: c, to: baseCurrency, on: day))
        }
        return rate
    }

    /// A cost in the bill's currency, in the base: × rate, to 12 decimals (providers bill
    /// fractions of a cent, and the reconciliation compares them).
    static func converted(_ cost: ExactDecimal?, _ rate: ExchangeRate?) -> ExactDecimal? {
        guard let cost, let rate else { return cost }
        return (cost * rate.rate).rounded(places: 12)
    }

    /// The options settle.toml sets: `[provider_names]`, `[focus] sku_pattern`, `currency` and
    /// `[exchange_rates] file` (read here: a bill in another currency is converted as it is read).
    public init(config: SettleConfig) throws(ConfigError) {
        var rates = ExchangeRateTable([])
        if let file = config.exchangeRatesFile {
            guard FileSystem.exists(file) else {
                throw ConfigError(file: config.sourcePath ?? "settle.toml", key: "exchange_rates.file", "names \(file), which does not exist")
            }
            rates = try ECBRatesFile.read(file)
        }
        self.init(config: config, exchangeRates: rates)
    }

    /// The same with the rates a job has already read (the catalog's): the file read once.
    public init(config: SettleConfig, exchangeRates: ExchangeRateTable) {
        self.init(providerNames: config.providerNames, focusPattern: config.focusSkuPattern ?? BillReadOptions.defaultFocusPattern)
        baseCurrency = config.currency
        self.exchangeRates = exchangeRates
    }
}
