import Testing
import SettleCore
import SettleTestSupport
@testable import SettleFormats

/// Every provider bill adapter on samples shaped like the real APIs' answers, traps included.
@Suite struct BillAdapterTests {
    func read(_ name: String, _ text: String, format: BillFileFormat? = nil, options: BillReadOptions = BillReadOptions()) throws -> ReportRead {
        let dir = TempFolder()
        return try ReportRead.read(path: dir.write(name, text), format: format, options: options)
    }

    func day(_ s: String) -> UTCDay { UTCDay(s)! }
    func money(_ s: String) -> ExactDecimal { ExactDecimal(s)! }

    // MARK: OpenAI

    static let openAIUsage = """
    [{"object":"page","data":[{"object":"bucket","start_time":1792886400,"end_time":1792972800,"results":[
      {"object":"organization.usage.completions.result","input_tokens":1000,"output_tokens":300,"input_cached_tokens":600,
       "input_cache_write_tokens":100,"input_audio_tokens":0,"output_audio_tokens":0,"num_model_requests":4,"project_id":null,
       "api_key_id":null,"model":"gpt-4o","batch":false,"service_tier":"default"},
      {"object":"organization.usage.completions.result","input_tokens":"5000","output_tokens":"700","input_cached_tokens":0,
       "num_model_requests":2,"model":"gpt-4o-mini","batch":true,"service_tier":null},
      {"object":"organization.usage.completions.result","input_tokens":10,"output_tokens":5,"input_cached_tokens":20,"model":"o3"},
      {"object":"organization.usage.completions.result","input_tokens":10,"output_tokens":5,"model":null}
    ]}],"has_more":true,"next_page":"p2"},
     {"object":"page","data":[{"object":"bucket","start_time":1792972800,"end_time":1793059200,"results":[
      {"object":"organization.usage.completions.result","input_tokens":40,"output_tokens":8,"input_cached_tokens":0,
       "model":"gpt-4.1","service_tier":"priority"}]},
      {"object":"bucket","start_time":1793080800,"end_time":1793167200,"results":[
      {"object":"organization.usage.completions.result","input_tokens":1,"output_tokens":1,"model":"gpt-4.1"}]}],
      "has_more":false,"next_page":null}]
    """

    @Test func openAIUsageCountsCachedTokensInsideInputAndReadsTiers() throws {
        let r = try read("usage.json", Self.openAIUsage)
        #expect(r.format == "openai-usage")
        #expect(r.records == 6)
        let d = day("2026-10-25")
        // input 1000 holds 600 cached and 100 cache writes: 300 uncached.
        #expect(r.lines.contains(BillLine(provider: "openai", day: d, model: "gpt-4o", tokenType: .input, quantity: 300)))
        #expect(r.lines.contains(BillLine(provider: "openai", day: d, model: "gpt-4o", tokenType: .cachedInput, quantity: 600)))
        #expect(r.lines.contains(BillLine(provider: "openai", day: d, model: "gpt-4o", tokenType: .cacheWrite, quantity: 100)))
        #expect(r.lines.contains(BillLine(provider: "openai", day: d, model: "gpt-4o", tokenType: .output, quantity: 300)))
        // Digit strings count, and batch: true is the batch tier.
        #expect(r.lines.contains(BillLine(provider: "openai", day: d, model: "gpt-4o-mini", tier: .batch, tokenType: .input, quantity: 5000)))
        #expect(r.lines.contains(BillLine(provider: "openai", day: d.adding(days: 1), model: "gpt-4.1", tier: .priority,
                                          tokenType: .output, quantity: 8)))
        // Cached above input, no model, and a bucket across midnight are quarantined, not guessed.
        #expect(r.quarantined.map { String($0.reason.prefix { $0 != ":" }) } == ["bad_count", "not_grouped_by_model", "bucket_spans_days"])
        #expect(r.quarantined[0].line == 3)
        #expect(r.quarantined[0].reason.contains("(bucket 1, results[2], from line 1)"))
        #expect(r.quarantined[1].reason.contains("group_by=model"))
        #expect(r.quarantined[0].raw.contains(#""model":"o3""#))
    }

    @Test func openAICostsTakeAmountsAsNumbersOrStringsAndParseLineItems() throws {
        let text = #"{"object":"page","data":[{"object":"bucket","start_time":1792886400,"end_time":1792972800,"results":["#
            + #"{"object":"organization.costs.result","amount":{"value":0.0123456789012,"currency":"usd"},"line_item":"gpt-4o-2024-08-06, input","project_id":null},"#
            + #"{"object":"organization.costs.result","amount":{"value":"1.50","currency":"usd"},"line_item":"priority | gpt-4.1, cached input"},"#
            + #"{"object":"organization.costs.result","amount":{"value":"2","currency":"usd"},"line_item":"gpt-4.1, output, long context"},"#
            + #"{"object":"organization.costs.result","amount":{"value":0.25,"currency":"usd"},"line_item":"gpt-4o, cache writes"},"#
            + #"{"object":"organization.costs.result","amount":{"value":3.1,"currency":"usd"},"line_item":"web search tool calls"},"#
            + #"{"object":"organization.costs.result","amount":{"value":1,"currency":"eur"},"line_item":"gpt-4o, input"}"#
            + #"]}],"has_more":false}"#
        let r = try read("costs.json", text)
        #expect(r.format == "openai-costs")
        let d = day("2026-10-25")
        #expect(r.lines == [
            BillLine(provider: "openai", day: d, model: "gpt-4o-2024-08-06", tokenType: .input, cost: money("0.0123456789012")),
            BillLine(provider: "openai", day: d, model: "gpt-4.1", tier: .priority, tokenType: .cachedInput, cost: money("1.50")),
            // Long context: a band of its own, the model's long-context band in the price book.
            BillLine(provider: "openai", day: d, model: "gpt-4.1", tokenType: .output, cost: money("2"), band: BillLine.longContext),
            BillLine(provider: "openai", day: d, model: "gpt-4o", tokenType: .cacheWrite, cost: money("0.25")),
            BillLine(provider: "openai", day: d, model: "web search tool calls", tokenType: nil, cost: money("3.1")),
        ])
        #expect(r.quarantined.count == 1)
        #expect(r.quarantined[0].reason.hasPrefix("unsupported_currency: eur"))
    }

    // MARK: Anthropic

    @Test func anthropicUsageKeepsTokenTypesAndBothCacheWritesApart() throws {
        let text = """
        {"data":[{"starting_at":"2026-10-25T00:00:00Z","ending_at":"2026-10-26T00:00:00Z","results":[
          {"uncached_input_tokens":1200,"cache_creation":{"ephemeral_5m_input_tokens":300,"ephemeral_1h_input_tokens":50},
           "cache_read_input_tokens":4000,"output_tokens":700,"server_tool_use":{"web_search_requests":3},
           "api_key_id":null,"workspace_id":null,"model":"claude-sonnet-4-20250514","service_tier":"standard","context_window":"0-200k"},
          {"uncached_input_tokens":10,"cache_creation":{"ephemeral_5m_input_tokens":0,"ephemeral_1h_input_tokens":0},
           "cache_read_input_tokens":0,"output_tokens":5,"model":"claude-3-5-haiku-20241022","service_tier":"batch"},
          {"uncached_input_tokens":-1,"output_tokens":5,"model":"claude-3-5-haiku-20241022"}
        ]}],"has_more":false,"next_page":null}
        """
        let r = try read("anthropic-usage.json", text)
        #expect(r.format == "anthropic-usage")
        let d = day("2026-10-25"), m = "claude-sonnet-4-20250514"
        // Disjoint, unlike OpenAI: the uncached count is input as it stands.
        #expect(r.lines.contains(BillLine(provider: "anthropic", day: d, model: m, tokenType: .input, quantity: 1200)))
        // Five-minute and one-hour cache writes are priced apart, so they are lines apart.
        #expect(r.lines.contains(BillLine(provider: "anthropic", day: d, model: m, tokenType: .cacheWrite, quantity: 300)))
        #expect(r.lines.contains(BillLine(provider: "anthropic", day: d, model: m, tokenType: .cacheWrite1h, quantity: 50)))
        #expect(r.lines.contains(BillLine(provider: "anthropic", day: d, model: m, tokenType: .cachedInput, quantity: 4000)))
        #expect(r.lines.contains(BillLine(provider: "anthropic", day: d, model: m, tokenType: .output, quantity: 700)))
        #expect(r.lines.contains(BillLine(provider: "anthropic", day: d, model: "web_search", tokenType: nil, quantity: 3)))
        #expect(r.lines.contains(BillLine(provider: "anthropic", day: d, model: "claude-3-5-haiku-20241022", tier: .batch,
                                          tokenType: .output, quantity: 5)))
        #expect(r.quarantined.count == 1 && r.quarantined[0].reason.hasPrefix("bad_count"))
    }

    @Test func anthropicCostAmountsAreCents() throws {
        let text = """
        {"data":[{"starting_at":"2026-10-25T00:00:00Z","ending_at":"2026-10-26T00:00:00Z","results":[
          {"currency":"USD","amount":"123.78912","workspace_id":null,"description":"Claude Sonnet 4 Usage - Input Tokens",
           "cost_type":"tokens","context_window":"0-200k","model":"claude-sonnet-4-20250514","service_tier":"standard",
           "token_type":"uncached_input_tokens"},
          {"currency":"USD","amount":"10","cost_type":"tokens","model":"claude-sonnet-4-20250514","service_tier":"batch",
           "token_type":"cache_creation.ephemeral_1h_input_tokens"},
          {"currency":"USD","amount":"250.5","cost_type":"web_search","description":"Web search","model":null,"token_type":null},
          {"currency":"USD","amount":"1","cost_type":"tokens","model":"claude-sonnet-4-20250514","token_type":"audio_tokens"}
        ]}],"has_more":false,"next_page":null}
        """
        let r = try read("anthropic-cost.json", text)
        #expect(r.format == "anthropic-cost")
        let d = day("2026-10-25")
        #expect(r.lines == [
            BillLine(provider: "anthropic", day: d, model: "claude-sonnet-4-20250514", tokenType: .input, cost: money("1.2378912")),
            BillLine(provider: "anthropic", day: d, model: "claude-sonnet-4-20250514", tier: .batch, tokenType: .cacheWrite1h, cost: money("0.10")),
            BillLine(provider: "anthropic", day: d, model: "web_search", tokenType: nil, cost: money("2.505")),
        ])
        #expect(r.quarantined.map(\.reason) == ["unknown_token_type: audio_tokens (bucket 1, results[3], from line 1)"])
    }

    // MARK: OpenRouter

    @Test func openRouterActivityGivesTokensAndAModelTotalCost() throws {
        let text = """
        {"data":[{"date":"2026-10-25","model":"deepseek/deepseek-chat","model_permaslug":"deepseek/deepseek-chat-v3-0324",
          "endpoint_id":"e1","provider_name":"DeepInfra","usage":0.00081234,"byok_usage_inference":0,"requests":3,
          "prompt_tokens":2000,"completion_tokens":500,"reasoning_tokens":120},
          {"date":"2026-10-25","model":"x","usage":"abc","prompt_tokens":1,"completion_tokens":1}]}
        """
        let r = try read("or.json", text)
        #expect(r.format == "openrouter-activity")
        let d = day("2026-10-25"), m = "deepseek/deepseek-chat"
        #expect(r.lines == [
            BillLine(provider: "openrouter", day: d, model: m, tokenType: .input, quantity: 2000),
            BillLine(provider: "openrouter", day: d, model: m, tokenType: .output, quantity: 500),   // reasoning is inside
            BillLine(provider: "openrouter", day: d, model: m, tokenType: nil, cost: money("0.00081234")),
        ])
        #expect(r.quarantined.count == 1 && r.quarantined[0].reason.hasPrefix("bad_amount"))
    }

    // MARK: FOCUS

    static let focusHeader = "ChargePeriodStart,ChargePeriodEnd,ChargeCategory,ChargeClass,BilledCost,BillingCurrency,ConsumedQuantity,ConsumedUnit,PricingQuantity,PricingUnit,ProviderName,ServiceName,SkuId,ChargeDescription,SubAccountId\n"

    @Test func focusReadsModelAndTokenTypeByPatternAndMapsProviderNames() throws {
        let text = Self.focusHeader + """
        2026-10-25T00:00:00Z,2026-10-26T00:00:00Z,Usage,,0.0485421,USD,161.807,1K Tokens,161807,Tokens,Google Cloud,Vertex AI,"gemini-2.5-flash, input",,p
        2026-10-25 06:00:00,2026-10-25 07:00:00,Usage,,1.25,USD,0.5,1M Tokens,,,Google Cloud,Vertex AI,SKU-123,"gemini-2.5-pro, output",p
        2026-10-25T00:00:00Z,2026-10-26T00:00:00Z,Usage,Correction,-0.40,USD,-1000,Tokens,,,Google Cloud,Vertex AI,"gemini-2.5-flash, input",,p
        2026-10-25T00:00:00Z,2026-10-26T00:00:00Z,Tax,,0.31,USD,,,,,Google Cloud,Vertex AI,,VAT,p
        2026-10-25T00:00:00Z,2026-10-26T00:00:00Z,Usage,,0.10,USD,10,Tokens,,,Mistral AI,La Plateforme,"mistral-small, output",,p
        2026-10-25T00:00:00Z,2026-10-26T00:00:00Z,Usage,,0.10,USD,10,Tokens,,,Google Cloud,Vertex AI,SKU-9,Grounding,p
        2026-10-25T00:00:00Z,2026-10-26T00:00:00Z,Usage,,0.10,USD,10,Pages,,,Google Cloud,Vertex AI,"gemini-2.5-pro, input",,p

        """
        let r = try read("focus.csv", text, options: BillReadOptions(providerNames: ["Google Cloud": "google"]))
        #expect(r.format == "focus")
        let d = day("2026-10-25")
        #expect(r.lines == [
            BillLine(provider: "google", day: d, model: "gemini-2.5-flash", tokenType: .input, quantity: 161_807, cost: money("0.0485421")),
            BillLine(provider: "google", day: d, model: "gemini-2.5-pro", tokenType: .output, quantity: 500_000, cost: money("1.25")),
            BillLine(provider: "google", day: d, model: "gemini-2.5-flash", tokenType: .input, quantity: -1000, cost: money("-0.40"), correction: true),
            BillLine(provider: "mistral ai", day: d, model: "mistral-small", tokenType: .output, quantity: 10, cost: money("0.10")),
        ])
        // The tax row is no token usage: counted as skipped under its service, not kept.
        #expect(r.skipped == 1)
        #expect(r.quarantined.map { $0.line } == [7, 8])
        #expect(r.quarantined[0].reason.hasPrefix("unmatched_sku"))
        #expect(r.quarantined[1].reason.hasPrefix("unknown_unit: Pages"))
    }

    @Test func focusTakesAConfiguredPattern() throws {
        let text = Self.focusHeader + "2026-10-25,2026-10-26,Usage,,2.00,USD,1000,Tokens,,,Google Cloud,Vertex AI,gemini-2.5-pro/requests,,p\n"
        let pattern = #"^(?<model>[^/]+)/(?<token_type>requests|input|output)$"#
        let r = try read("focus.csv", text, options: BillReadOptions(providerNames: ["Google Cloud": "google"], focusPattern: pattern))
        #expect(r.lines == [BillLine(provider: "google", day: day("2026-10-25"), model: "gemini-2.5-pro", tokenType: .request,
                                     quantity: 1000, cost: money("2.00"))])
    }

    /// FINANCE.md, "Currencies": a bill in euros is converted to the base at the ECB's rate of
    /// its charge period's last day (the real rate of 2026-10-30: 1.1172 USD per euro) and says
    /// so; with no rate within seven days the row is quarantined, never converted at an old one.
    @Test func aBillInEurosIsConvertedAtItsChargeDaysRate() throws {
        var options = BillReadOptions(providerNames: ["Google Cloud": "google"])
        options.exchangeRates = ExchangeRateTable([.init(date: day("2026-10-30"), perEuro: ["USD": money("1.1172")])])
        let text = Self.focusHeader + """
        2026-10-30T00:00:00Z,2026-10-31T00:00:00Z,Usage,,10.00,EUR,1000,Tokens,,,Google Cloud,Vertex AI,"gemini-2.5-pro, input",,p
        2026-11-20T00:00:00Z,2026-11-21T00:00:00Z,Usage,,1.00,EUR,10,Tokens,,,Google Cloud,Vertex AI,"gemini-2.5-pro, input",,p
        2026-10-30T00:00:00Z,2026-10-31T00:00:00Z,Usage,,2.00,USD,10,Tokens,,,Google Cloud,Vertex AI,"gemini-2.5-pro, output",,p

        """
        let r = try read("focus.csv", text, options: options)
        let rate = ExchangeRate(from: "EUR", to: "USD", rate: money("1.1172"), date: day("2026-10-30"))
        var eur = BillLine(provider: "google", day: day("2026-10-30"), model: "gemini-2.5-pro", tokenType: .input, quantity: 1000, cost: money("11.172"))
        eur.exchangeRate = rate
        #expect(r.lines == [eur, BillLine(provider: "google", day: day("2026-10-30"), model: "gemini-2.5-pro", tokenType: .output, quantity: 10,
                                          cost: money("2.00"))])
        #expect(r.quarantined.map(\.line) == [3])
        #expect(r.quarantined.first?.reason.hasPrefix("no_exchange_rate: no exchange rate from EUR to USD for a period ending 2026-11-20") == true)
        // CUR too; and without a rates file the reason says what to configure.
        let cur = Self.curHeader + "1,Usage,2026-10-30T00:00:00Z,AmazonBedrock,USE1-Claude3Sonnet-input-tokens,1000,1K tokens,3.00,EUR\n"
        #expect(try read("cur.csv", cur, options: options).lines.first?.cost == money("3.3516"))
        #expect(try read("cur.csv", cur).quarantined.first?.reason == "no_exchange_rate: EUR (settle.toml names no [exchange_rates] file to convert it to USD with)")
    }

    // MARK: AWS CUR

    static let curHeader = "identity_line_item_id,line_item_line_item_type,line_item_usage_start_date,line_item_product_code,line_item_usage_type,line_item_usage_amount,pricing_unit,line_item_unblended_cost,line_item_currency_code\n"

    @Test func curReadsBedrockUsageTypesAndTheirUnits() throws {
        let text = Self.curHeader + """
        1,Usage,2026-10-25T00:00:00Z,AmazonBedrock,USE1-Claude3Sonnet-input-tokens,1234.567,1K tokens,3.703701,USD
        2,Usage,2026-10-25T01:00:00Z,AmazonBedrock,USW2-Llama3-70B-output-tokens-batch,0.25,1M tokens,0.0875,USD
        3,Usage,2026-10-25T02:00:00Z,AmazonBedrock,EUC1-Claude3.5Sonnet-v2-cache-read-input-token-count-cross-region-global,500,tokens,0.00015,USD
        4,Usage,2026-10-25T03:00:00Z,AmazonS3,USE1-TimedStorage-ByteHrs,100,GB-Mo,2.30,USD
        5,Tax,2026-10-25T00:00:00Z,AmazonBedrock,,0,,0.42,USD
        6,Usage,2026-10-25T04:00:00Z,AmazonBedrock,USE1-Claude3Sonnet-output-tokens,12,,0.18,USD
        7,Usage,2026-10-25T04:00:00Z,AmazonBedrock,USE1-Claude3Sonnet-ModelUnits,1,Units,20.00,USD

        """
        let r = try read("cur.csv", text)
        #expect(r.format == "cur")
        let d = day("2026-10-25")
        #expect(r.lines == [
            BillLine(provider: "bedrock", day: d, model: "Claude3Sonnet", tokenType: .input, quantity: 1_234_567, cost: money("3.703701")),
            BillLine(provider: "bedrock", day: d, model: "Llama3-70B", tier: .batch, tokenType: .output, quantity: 250_000, cost: money("0.0875")),
            BillLine(provider: "bedrock", day: d, model: "Claude3.5Sonnet-v2", tokenType: .cachedInput, quantity: 500, cost: money("0.00015")),
            BillLine(provider: "bedrock", day: d, model: "Tax", tokenType: nil, cost: money("0.42")),
        ])
        #expect(r.skipped == 1)
        // No unit: never assumed. An unknown usage type: never guessed.
        #expect(r.quarantined.map { String($0.reason.prefix { $0 != ":" }) } == ["unknown_unit", "unknown_usage_type"])
        #expect(r.quarantined.map(\.line) == [7, 8])
    }

    // MARK: Plain CSV and detection

    @Test func plainCSVTakesEitherQuantityOrCost() throws {
        let text = """
        provider,date,model,token_type,tier,quantity,cost
        mistral,2026-10-25,mistral-large-latest,input,,31775,0.06355
        mistral,2026-10-25,mistral-large-latest,output,batch,8459,
        mistral,2026-10-25,ocr,,,,"1,00"
        mistral,2026-10-25,mistral-large-latest,output,,,
        mistral,2026-10-25,mistral-large-latest,thinking,,1,
        mistral,2026-10-25,mistral-large-latest,input,,1,1e20

        """
        let r = try read("mistral.csv", text)
        #expect(r.format == "csv")
        let d = day("2026-10-25")
        #expect(r.lines == [
            BillLine(provider: "mistral", day: d, model: "mistral-large-latest", tokenType: .input, quantity: 31775, cost: money("0.06355")),
            BillLine(provider: "mistral", day: d, model: "mistral-large-latest", tier: .batch, tokenType: .output, quantity: 8459),
        ])
        #expect(r.quarantined.map { String($0.reason.prefix { $0 != ":" }) } == ["bad_amount", "missing_field", "unknown_token_type", "bad_amount"])
        #expect(r.quarantined.last?.reason.contains("beyond any real bill") == true)
    }

    @Test func unreadableReportsStopBeforeAnythingIsWritten() throws {
        let dir = TempFolder()
        let truncated = dir.write("cut.json", String(Self.openAIUsage.prefix(400)))
        #expect(throws: InputFileError.self) {
            _ = try BillFileReader.open(path: truncated).forEachRecord { _ in }
        }
        let unknown = dir.write("what.csv", "a,b,c\n1,2,3\n")
        let error = #expect(throws: InputFileError.self) { try BillFileReader.open(path: unknown) }
        #expect(error?.description.contains("--format") == true)
        let usage = dir.write("usage.json", Self.openAIUsage)
        let wrong = #expect(throws: InputFileError.self) { try BillFileReader.open(path: usage, format: .openAICosts) }
        #expect(wrong?.description.contains("OpenAI Usage API") == true)
        let notCSV = #expect(throws: InputFileError.self) { try BillFileReader.open(path: usage, format: .focus) }
        #expect(notCSV?.description.contains("holds JSON") == true)
        let focus = dir.write("f.csv", "ChargePeriodStart,BilledCost\n2026-10-25,1\n")
        let missing = #expect(throws: InputFileError.self) { try BillFileReader.open(path: focus) }
        #expect(missing?.description.contains("ChargeCategory") == true)
    }

    @Test func aPageStreamDoesNotNeedLineBreaks() throws {
        let dir = TempFolder()
        // One line, strings holding braces, brackets, escaped quotes and a "data" that is a value.
        let text = #"{"note":"data [ { } \" ]","data":[{"date":"2026-10-25","model":"a\"b","usage":"1","prompt_tokens":1,"completion_tokens":2}],"x":{"data":[1]}}"#
        let path = dir.write("one-line.json", text)
        var seen: [JSONValue] = []
        try JSONPageStream(path: path).forEachElement { seen.append($0.value); return true }
        #expect(seen.count == 1)
        #expect(seen[0]["model"] == .string("a\"b"))
    }
}
