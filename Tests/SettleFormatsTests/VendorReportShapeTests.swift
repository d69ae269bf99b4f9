import Foundation
import Testing
import SettleCore
import SettleTestSupport
@testable import SettleFormats

/// Provider reports in the shapes the vendors publish them and people save them: OpenAI's
/// cookbook output (a JSON array of buckets), the API reference's own examples (not grouped by
/// model), float-noise costs, the FOCUS 1.3 specification's AI billing rows (monthly charge
/// periods, SkuPriceDetails inside the CSV) and a FOCUS 1.0 export of a whole cloud bill.
@Suite struct VendorReportShapeTests {
    static let bills = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/provider-bills").path

    func read(path: String, format: BillFileFormat? = nil, options: BillReadOptions = BillReadOptions()) throws -> ReportRead {
        try ReportRead.read(path: path, format: format, options: options)
    }

    func read(_ text: String, name: String = "report.json", format: BillFileFormat? = nil) throws -> ReportRead {
        let dir = TempFolder()
        return try read(path: dir.write(name, text), format: format)
    }

    func day(_ s: String) -> UTCDay { UTCDay(s)! }
    func money(_ s: String) -> ExactDecimal { ExactDecimal(s)! }

    // MARK: OpenAI usage, however it was saved

    /// Three buckets as the Usage API returns them grouped by model: the first starts "now"
    /// (17:31 UTC) and ends at midnight, the last is an empty day.
    static let usageBuckets = [
        #"{"object":"bucket","start_time":1736616660,"end_time":1736640000,"results":[{"object":"organization.usage.completions.result","input_tokens":141201,"output_tokens":9756,"num_model_requests":470,"project_id":null,"user_id":null,"api_key_id":null,"model":"gpt-4o-mini-2024-07-18","batch":false,"input_cached_tokens":0,"input_audio_tokens":0,"output_audio_tokens":0},{"object":"organization.usage.completions.result","input_tokens":52110,"output_tokens":4211,"num_model_requests":38,"project_id":null,"user_id":null,"api_key_id":null,"model":"gpt-4o-2024-08-06","batch":false,"input_cached_tokens":12800,"input_audio_tokens":0,"output_audio_tokens":0}]}"#,
        #"{"object":"bucket","start_time":1736640000,"end_time":1736726400,"results":[{"object":"organization.usage.completions.result","input_tokens":287004,"output_tokens":20118,"num_model_requests":902,"project_id":null,"user_id":null,"api_key_id":null,"model":"gpt-4o-mini-2024-07-18","batch":false,"input_cached_tokens":65536,"input_uncached_tokens":221468,"input_audio_tokens":0,"output_audio_tokens":0},{"object":"organization.usage.completions.result","input_tokens":10000,"output_tokens":2000,"num_model_requests":40,"project_id":null,"user_id":null,"api_key_id":null,"model":"gpt-4o-mini-2024-07-18","batch":true,"input_cached_tokens":0,"input_audio_tokens":0,"output_audio_tokens":0}]}"#,
        #"{"object":"bucket","start_time":1736726400,"end_time":1736812800,"results":[]}"#,
    ]

    /// The cookbook's `print(json.dumps(usage_data, indent=2))`: the pages' data concatenated.
    static var cookbookArrayOfBuckets: String {
        "[\n" + usageBuckets.map { "  " + $0.replacingOccurrences(of: ",\"", with: ",\n    \"") }.joined(separator: ",\n") + "\n]\n"
    }

    static func page(_ buckets: [String], more: Bool) -> String {
        #"{"object":"page","data":["# + buckets.joined(separator: ",") + #"],"has_more":\#(more),"next_page":\#(more ? "\"page_AAAAAGdGxdEiJdKOAAAAAGcqsYA=\"" : "null")}"#
    }

    var expectedUsage: [BillLine] {
        let d1 = day("2025-01-11"), d2 = day("2025-01-12"), mini = "gpt-4o-mini-2024-07-18", four = "gpt-4o-2024-08-06"
        func lines(_ d: UTCDay, _ model: String, _ tier: Tier, _ q: (Int64, Int64, Int64, Int64)) -> [BillLine] {
            [(TokenType.input, q.0), (.cachedInput, q.1), (.cacheWrite, q.2), (.output, q.3)].map {
                BillLine(provider: "openai", day: d, model: model, tier: tier, tokenType: $0.0, quantity: $0.1)
            }
        }
        return lines(d1, mini, .standard, (141_201, 0, 0, 9_756)) + lines(d1, four, .standard, (39_310, 12_800, 0, 4_211))
            + lines(d2, mini, .standard, (221_468, 65_536, 0, 20_118)) + lines(d2, mini, .batch, (10_000, 0, 0, 2_000))
    }

    @Test func everyWayOfSavingTheUsageAPIReadsTheSameLines() throws {
        let b = Self.usageBuckets
        let shapes = [
            "array of buckets (the cookbook)": Self.cookbookArrayOfBuckets,
            "one page": Self.page(b, more: false),
            "array of pages": "[" + Self.page([b[0]], more: true) + ",\n" + Self.page([b[1], b[2]], more: false) + "]",
            "JSON Lines of pages": Self.page([b[0]], more: true) + "\n" + Self.page([b[1], b[2]], more: false) + "\n",
            "JSON Lines of buckets": b.joined(separator: "\n") + "\n",
        ]
        for (shape, text) in shapes {
            let r = try read(text)
            #expect(r.format == "openai-usage", "\(shape)")
            #expect(r.lines == expectedUsage, "\(shape)")
            #expect(r.records == 4 && r.quarantined.isEmpty, "\(shape)")
        }
    }

    @Test func aBucketCountsForTheUTCDayItLiesInWhereverItStartsOrEnds() throws {
        let result = #"{"object":"organization.usage.completions.result","input_tokens":100,"output_tokens":10,"input_cached_tokens":0,"model":"gpt-4o-mini"}"#
        func bucket(_ start: Int, _ end: Int) -> String {
            #"{"object":"bucket","start_time":\#(start),"end_time":\#(end),"results":[\#(result)]}"#
        }
        // 2025-01-13 00:00 → 13:45 (a query that ends "now"), 2025-01-12 17:31 → 2025-01-13 00:00,
        // and 2025-01-12 17:31 → 2025-01-13 17:31, which spans two days.
        let text = "[" + [bucket(1_736_726_400, 1_736_775_900), bucket(1_736_703_060, 1_736_726_400),
                          bucket(1_736_703_060, 1_736_789_460)].joined(separator: ",") + "]"
        let r = try read(text)
        #expect(Set(r.lines.map(\.day)) == [day("2025-01-13"), day("2025-01-12")])
        #expect(r.lines.filter { $0.tokenType == .input }.map(\.day) == [day("2025-01-13"), day("2025-01-12")])
        #expect(r.quarantined.map { String($0.reason.prefix { $0 != ":" }) } == ["bucket_spans_days"])
        #expect(r.quarantined[0].reason.contains("bucket 3"))
    }

    @Test func theAPIReferenceExampleIsNotGroupedByModelAndSaysWhatToRequest() throws {
        // Verbatim from the API reference: no group_by, so model is null.
        let text = """
        {
            "object": "page",
            "data": [
                {
                    "object": "bucket",
                    "start_time": 1730419200,
                    "end_time": 1730505600,
                    "results": [
                        {
                            "object": "organization.usage.completions.result",
                            "input_tokens": 1000,
                            "output_tokens": 500,
                            "input_cached_tokens": 800,
                            "input_audio_tokens": 0,
                            "output_audio_tokens": 0,
                            "num_model_requests": 5,
                            "project_id": null,
                            "user_id": null,
                            "api_key_id": null,
                            "model": null,
                            "batch": null,
                            "service_tier": null
                        }
                    ]
                }
            ],
            "has_more": true,
            "next_page": "page_AAAAAGdGxdEiJdKOAAAAAGcqsYA="
        }
        """
        let r = try read(text)
        #expect(r.format == "openai-usage")
        #expect(r.lines.isEmpty && r.records == 1)
        #expect(r.quarantined.count == 1)
        #expect(r.quarantined[0].reason.hasPrefix("not_grouped_by_model: "))
        #expect(r.quarantined[0].reason.contains("group_by=model"))
        #expect(r.quarantined[0].line == 1)
    }

    @Test func inputUncachedTokensMustAgreeWithTheSubtraction() throws {
        let result = #"{"object":"organization.usage.completions.result","input_tokens":1000,"output_tokens":10,"input_cached_tokens":600,"input_cache_write_tokens":100,"input_uncached_tokens":UNCACHED,"model":"gpt-4.1"}"#
        let bucket = #"{"object":"bucket","start_time":1736640000,"end_time":1736726400,"results":[RESULTS]}"#
        let text = bucket.replacingOccurrences(of: "RESULTS", with: [
            result.replacingOccurrences(of: "UNCACHED", with: "300"),
            result.replacingOccurrences(of: "UNCACHED", with: "400").replacingOccurrences(of: "gpt-4.1", with: "gpt-4.1-mini"),
        ].joined(separator: ","))
        let r = try read(text)
        #expect(r.lines.filter { $0.tokenType == .input }.map(\.quantity) == [300])
        #expect(r.lines.contains(BillLine(provider: "openai", day: day("2025-01-12"), model: "gpt-4.1", tokenType: .cacheWrite, quantity: 100)))
        #expect(r.quarantined.map { String($0.reason.prefix { $0 != ":" }) } == ["uncached_mismatch"])
        #expect(r.quarantined[0].raw.contains("gpt-4.1-mini"))
    }

    // MARK: OpenAI costs

    @Test func costsKeepEveryDigitOfFloatNoiseAndEveryLineItem() throws {
        let text = """
        [
          {
            "object": "bucket",
            "start_time": 1736553600,
            "end_time": 1736640000,
            "results": [
              {"object": "organization.costs.result", "amount": {"value": 0.00032195744715549047, "currency": "usd"}, "line_item": "gpt-4o-mini-2024-07-18, input", "project_id": null, "organization_id": "org-abc"},
              {"object": "organization.costs.result", "amount": {"value": "0.0058536", "currency": "usd"}, "line_item": "gpt-4o-mini-2024-07-18, output", "project_id": null, "organization_id": "org-abc"},
              {"object": "organization.costs.result", "amount": {"value": 1.2000000000000002, "currency": "usd"}, "line_item": "priority | gpt-4.1-2025-04-14, cached input", "project_id": null, "organization_id": "org-abc"},
              {"object": "organization.costs.result", "amount": {"value": 0.05, "currency": "usd"}, "line_item": "ft-gpt-4o-2024-08-06, input", "project_id": null, "organization_id": "org-abc"},
              {"object": "organization.costs.result", "amount": {"value": 0.35, "currency": "usd"}, "line_item": "web search tool calls", "project_id": null, "organization_id": "org-abc"},
              {"object": "organization.costs.result", "amount": {"value": 0.06, "currency": "usd"}, "line_item": "Image models", "project_id": "proj_abc", "organization_id": "org-abc"}
            ]
          }
        ]
        """
        let r = try read(text)
        #expect(r.format == "openai-costs")
        let d = day("2025-01-11")
        #expect(r.lines == [
            BillLine(provider: "openai", day: d, model: "gpt-4o-mini-2024-07-18", tokenType: .input, cost: money("0.00032195744715549047")),
            BillLine(provider: "openai", day: d, model: "gpt-4o-mini-2024-07-18", tokenType: .output, cost: money("0.0058536")),
            BillLine(provider: "openai", day: d, model: "gpt-4.1-2025-04-14", tier: .priority, tokenType: .cachedInput, cost: money("1.2000000000000002")),
            BillLine(provider: "openai", day: d, model: "ft-gpt-4o-2024-08-06", tokenType: .input, cost: money("0.05")),
            BillLine(provider: "openai", day: d, model: "web search tool calls", tokenType: nil, cost: money("0.35")),
            BillLine(provider: "openai", day: d, model: "Image models", tokenType: nil, cost: money("0.06")),
        ])
        #expect(r.lines[0].cost!.description == "0.00032195744715549047")
    }

    @Test func theCostsReferenceExampleIsNotGroupedByLineItem() throws {
        let text = """
        {
            "object": "page",
            "data": [
                {
                    "object": "bucket",
                    "start_time": 1730419200,
                    "end_time": 1730505600,
                    "results": [
                        {
                            "object": "organization.costs.result",
                            "amount": {
                                "value": 0.06,
                                "currency": "usd"
                            },
                            "line_item": null,
                            "project_id": null
                        }
                    ]
                }
            ],
            "has_more": false,
            "next_page": null
        }
        """
        let r = try read(text)
        #expect(r.format == "openai-costs")
        #expect(r.lines.isEmpty)
        #expect(r.quarantined.map { String($0.reason.prefix { $0 != ":" }) } == ["not_grouped_by_line_item"])
        #expect(r.quarantined[0].reason.contains("group_by=line_item"))
    }

    // MARK: Never "read 0, exit 0"

    @Test(arguments: [
        #"{"object":"list","items":[{"id":"x"}]}"#,
        #"{"results_url":"https://example.com/r"}"#,
        #"{"data":{"buckets":[]}}"#,
        #"[1, 2, 3]"#,
        #"{}"#,
    ])
    func jsonThatIsNoReportIsAnError(text: String) throws {
        #expect(throws: InputFileError.self) { try read(text) }
        #expect(throws: InputFileError.self) { try read(text, format: .openAIUsage) }
    }

    @Test func wellFormedEmptyReportsReadNothingWithoutError() throws {
        for text in ["[]", #"{"object":"page","data":[],"has_more":false,"next_page":null}"#,
                     #"[{"object":"bucket","start_time":1736726400,"end_time":1736812800,"results":[]}]"#] {
            let r = try read(text)
            #expect(r.records == 0 && r.lines.isEmpty, "\(text)")
        }
        // A CSV with its header alone is an empty export of its format.
        let focus = try read(String(try String(contentsOfFile: "\(Self.bills)/focus-1.3-solora-2025-05.csv", encoding: .utf8)
            .split(separator: "\n")[0]) + "\n", name: "empty.csv")
        #expect(focus.format == "focus" && focus.records == 0)
    }

    /// One file of each format; each is fed to every other format's reader.
    static let samples: [(BillFileFormat, String, String)] = [
        (.openAIUsage, "usage.json", page(usageBuckets, more: false)),
        (.openAICosts, "costs.json", #"{"object":"page","data":[{"object":"bucket","start_time":1736553600,"end_time":1736640000,"results":[{"object":"organization.costs.result","amount":{"value":0.06,"currency":"usd"},"line_item":"gpt-4o, input"}]}]}"#),
        (.anthropicUsage, "anthropic-usage.json", #"{"data":[{"starting_at":"2025-08-01T00:00:00Z","ending_at":"2025-08-02T00:00:00Z","results":[{"uncached_input_tokens":10,"cache_creation":{"ephemeral_5m_input_tokens":0,"ephemeral_1h_input_tokens":0},"cache_read_input_tokens":0,"output_tokens":5,"model":"claude-sonnet-4-20250514","service_tier":"standard","context_window":"0-200k"}]}],"has_more":false,"next_page":null}"#),
        (.anthropicCost, "anthropic-cost.json", #"{"data":[{"starting_at":"2025-08-01T00:00:00Z","ending_at":"2025-08-02T00:00:00Z","results":[{"currency":"USD","amount":"123.78912","workspace_id":null,"description":"Claude Sonnet 4 Usage - Input Tokens","cost_type":"tokens","context_window":"0-200k","model":"claude-sonnet-4-20250514","service_tier":"standard","token_type":"uncached_input_tokens"}]}],"has_more":false,"next_page":null}"#),
        (.openRouterActivity, "openrouter.json", #"{"data":[{"date":"2025-08-01","model":"deepseek/deepseek-chat","model_permaslug":"deepseek/deepseek-chat-v3","endpoint_id":"e1","provider_name":"DeepInfra","usage":0.0123,"byok_usage_inference":0,"requests":3,"prompt_tokens":100,"completion_tokens":20,"reasoning_tokens":0}]}"#),
        (.focus, "focus.csv", (try? String(contentsOfFile: "\(bills)/focus-1.3-solora-2025-05.csv", encoding: .utf8)) ?? ""),
        (.cur, "cur.csv", "identity_line_item_id,line_item_line_item_type,line_item_usage_start_date,line_item_product_code,line_item_usage_type,line_item_usage_amount,pricing_unit,line_item_unblended_cost,line_item_currency_code\n1,Usage,2025-08-01T00:00:00Z,AmazonBedrock,USE1-Claude3Sonnet-input-tokens,1.5,1K tokens,0.0045,USD\n"),
        (.csv, "plain.csv", "provider,date,model,token_type,tier,quantity,cost\nmistral,2025-08-01,mistral-large-latest,input,,1000,0.002\n"),
    ]

    @Test func eachFormatsReaderRefusesEveryOtherFormatsFile() throws {
        let dir = TempFolder()
        for (own, name, text) in Self.samples {
            let path = dir.write(name, text)
            // Its own reader reads records from it: the samples are real reports.
            let r = try read(path: path, format: own)
            #expect(r.records > 0 && r.quarantined.isEmpty, "\(own.rawValue) reads its own sample")
            for other in BillFileFormat.allCases where other != own {
                #expect(throws: InputFileError.self, "\(other.rawValue) fed a \(own.rawValue) file") {
                    try read(path: path, format: other)
                }
            }
        }
    }

    // MARK: FOCUS 1.3, as the specification's AI billing examples

    @Test func focus13MonthlyAIRowsReadModelTokenTypeAndPeriod() throws {
        let r = try read(path: "\(Self.bills)/focus-1.3-solora-2025-05.csv", options: BillReadOptions(providerNames: ["Solora AI": "solora"]))
        #expect(r.format == "focus")
        let may = day("2025-05-01"), last = day("2025-05-31")
        func line(_ model: String, _ type: TokenType, _ q: Int64, _ cost: String) -> BillLine {
            BillLine(provider: "solora", day: may, through: last, model: model, tokenType: type, quantity: q, cost: money(cost))
        }
        #expect(r.lines == [
            line("solora-atlas-5.6-jupiter", .input, 100_000_000, "500.00"),
            line("solora-atlas-5.6-jupiter", .output, 50_000_000, "1500.00"),
            line("solora-neptune-5.0", .input, 20_000_000, "40.00"),
            line("solora-neptune-5.0", .cachedInput, 50_000_000, "10.00"),
            line("solora-neptune-5.0", .cacheWrite, 15_000_000, "37.50"),
            line("solora-neptune-5.0", .output, 4_000_000, "32.00"),
        ])
        #expect(r.lines.allSatisfy { $0.lastDay == last })
    }

    static let header13C = "BilledCost,BillingAccountId,BillingAccountName,BillingCurrency,BillingPeriodEnd,BillingPeriodStart,ChargeCategory,ChargeClass,ChargeDescription,ChargeFrequency,ChargePeriodEnd,ChargePeriodStart,ConsumedQuantity,ConsumedUnit,ContractedCost,ContractedUnitPrice,EffectiveCost,HostProviderName,InvoiceIssuerName,ListCost,ListUnitPrice,PricingCategory,PricingQuantity,PricingUnit,ServiceCategory,ServiceName,ServiceProviderName,ServiceSubcategory,SkuId,SkuMeter,SkuPriceDetails,SkuPriceId"

    @Test func focusSpellingsOfQuantityUnitAndTokenType() throws {
        // The prompt-caching example's row verbatim (500000.0 tokens, spaces inside the JSON),
        // then the same shape with the older TokenType key, a SkuMeter alone, other units, and
        // a storage row in Token-Hours that is not token usage.
        let text = Self.header13C + "\n" + """
        1.5,acct-1001,Acme Corp,USD,2025-02-01T00:00:00Z,2025-01-01T00:00:00Z,Usage,,Input tokens for Solora Reasoning Pro,Usage-Based,2025-02-01T00:00:00Z,2025-01-01T00:00:00Z,500000.0,Tokens,1.5,3.0,1.5,Solora AI,Solora AI,1.5,3.0,Standard,0.5,1000000 Tokens,AI and Machine Learning,Solora Generative AI API,Solora AI,Generative AI,solora-reasoning-pro-input,Input Tokens,"{""ModelDeveloper"": ""Solora AI"", ""ModelFamily"": ""Solora Reasoning"", ""ModelId"": ""solora-reasoning-pro"", ""ModelVersion"": ""3.0"", ""TokenCacheAction"": ""Uncached"", ""TokenDirection"": ""Input""}",solora-reasoning-pro-input-ondemand
        0.75,acct-1001,Acme Corp,USD,2025-02-01T00:00:00Z,2025-01-01T00:00:00Z,Usage,,Cache write tokens,Usage-Based,2025-02-01T00:00:00Z,2025-01-01T00:00:00Z,0.2,1M Tokens,0.75,3.75,0.75,Solora AI,Solora AI,0.75,3.75,Standard,0.2,1000000 Tokens,AI and Machine Learning,Solora Generative AI API,Solora AI,Generative AI,solora-reasoning-pro-cw,NULL,"{""ModelId"": ""solora-reasoning-pro"", ""TokenType"": ""Cache Write""}",solora-reasoning-pro-cw-ondemand
        0.30,acct-1001,Acme Corp,USD,2025-02-01T00:00:00Z,2025-01-01T00:00:00Z,Usage,,Cached input,Usage-Based,2025-02-01T00:00:00Z,2025-01-01T00:00:00Z,1000,1000 Tokens,0.30,0.3,0.30,Solora AI,Solora AI,0.30,0.3,Standard,1,1000000 Tokens,AI and Machine Learning,Solora Generative AI API,Solora AI,Generative AI,solora-reasoning-pro,Cached Input Tokens,NULL,solora-reasoning-pro-cached
        2.00,acct-1001,Acme Corp,USD,2025-02-01T00:00:00Z,2025-01-01T00:00:00Z,Usage,,Output,Usage-Based,2025-02-01T00:00:00Z,2025-01-01T00:00:00Z,200,1K Tokens,2.00,10,2.00,Solora AI,Solora AI,2.00,10,Standard,0.2,1000000 Tokens,AI and Machine Learning,Solora Generative AI API,Solora AI,Generative AI,solora-reasoning-pro-output,Output Tokens,"{""ModelId"": ""solora-reasoning-pro"", ""TokenDirection"": ""Output""}",x
        0.12,acct-1001,Acme Corp,USD,2025-02-01T00:00:00Z,2025-01-01T00:00:00Z,Usage,,Context cache storage,Usage-Based,2025-02-01T00:00:00Z,2025-01-01T00:00:00Z,6000000.0,Token-Hours,0.12,0.02,0.12,Solora AI,Solora AI,0.12,0.02,Standard,6,1000000 Token-Hours,AI and Machine Learning,Solora Generative AI API,Solora AI,Generative AI,solora-reasoning-pro-storage,Context Cache Storage,"{""ModelId"": ""solora-reasoning-pro""}",y
        0.01,acct-1001,Acme Corp,USD,2025-02-01T00:00:00Z,2025-01-01T00:00:00Z,Usage,,Odd,Usage-Based,2025-02-01T00:00:00Z,2025-01-01T00:00:00Z,12.5,Tokens,0.01,1,0.01,Solora AI,Solora AI,0.01,1,Standard,0.0000125,1000000 Tokens,AI and Machine Learning,Solora Generative AI API,Solora AI,Generative AI,solora-reasoning-pro-output,Output Tokens,"{""ModelId"": ""solora-reasoning-pro"", ""TokenDirection"": ""Output""}",z

        """
        let r = try read(text, name: "focus.csv")
        let jan = day("2025-01-01"), end = day("2025-01-31"), m = "solora-reasoning-pro"
        #expect(r.lines == [
            BillLine(provider: "solora ai", day: jan, through: end, model: m, tokenType: .input, quantity: 500_000, cost: money("1.5")),
            BillLine(provider: "solora ai", day: jan, through: end, model: m, tokenType: .cacheWrite, quantity: 200_000, cost: money("0.75")),
            BillLine(provider: "solora ai", day: jan, through: end, model: m, tokenType: .cachedInput, quantity: 1_000_000, cost: money("0.30")),
            BillLine(provider: "solora ai", day: jan, through: end, model: m, tokenType: .output, quantity: 200_000, cost: money("2.00")),
        ])
        #expect(r.skippedBy == ["Solora Generative AI API": 1])
        // 12.5 tokens: a fraction is never rounded away.
        #expect(r.quarantined.map { String($0.reason.prefix { $0 != ":" }) } == ["fractional_quantity"])
        #expect(r.quarantined[0].line == 7)
    }

    @Test func aChargePeriodMustLieOnUTCDays() throws {
        let header = "ChargePeriodStart,ChargePeriodEnd,ChargeCategory,BilledCost,BillingCurrency,ConsumedQuantity,ConsumedUnit,ServiceProviderName,ServiceName,SkuMeter,SkuPriceDetails\n"
        let details = #""{""ModelId"":""m"",""TokenDirection"":""Output""}""#
        let text = header + [
            "2025-05-01T00:00:00Z,2025-06-01T00:00:00Z,Usage,1.00,USD,10,Tokens,P,S,Output Tokens,\(details)",   // a month
            "2025-05-02T13:00:00Z,2025-05-02T14:00:00Z,Usage,1.00,USD,10,Tokens,P,S,Output Tokens,\(details)",   // an hour
            "2025-05-03T07:00:00Z,2025-05-04T07:00:00Z,Usage,1.00,USD,10,Tokens,P,S,Output Tokens,\(details)",   // a day 07:00 to 07:00
            "2025-05-01T00:00:00-07:00,2025-06-01T00:00:00-07:00,Usage,1.00,USD,10,Tokens,P,S,Output Tokens,\(details)",   // a month in UTC−7
        ].joined(separator: "\n") + "\n"
        let r = try read(text, name: "focus.csv")
        #expect(r.lines.map { "\($0.day)…\($0.lastDay)" } == ["2025-05-01…2025-05-31", "2025-05-02…2025-05-02"])
        #expect(r.quarantined.map { String($0.reason.prefix { $0 != ":" }) } == ["charge_period_spans_days", "charge_period_not_utc_days"])
        #expect(r.quarantined.allSatisfy { $0.reason.contains("export the report in UTC") })
    }

    @Test func aByteOrderMarkAndFloatNoiseBelowAnyCentAreRead() throws {
        let text = "\u{FEFF}" + #"{"object":"page","data":[{"object":"bucket","start_time":1736553600,"end_time":1736640000,"results":[{"object":"organization.costs.result","amount":{"value":1.1102230246251565e-16,"currency":"usd"},"line_item":"gpt-4o, input"}]}]}"#
        let r = try read(text)
        #expect(r.format == "openai-costs")
        // 32 decimals are more than money keeps: the 31st and 32nd are rounded.
        #expect(r.lines.map(\.cost) == [ExactDecimal("0.000000000000000111022302462516")])
    }

    // MARK: A whole cloud bill

    @Test func aFOCUS10CloudExportKeepsOnlyTheTokenRows() throws {
        let options = BillReadOptions(providerNames: ["AWS": "bedrock"],
                                      focusPattern: #"^USD [0-9.]+ per 1K (?<token_type>input|output) tokens for (?<model>.+?) in .+$"#)
        let r = try read(path: "\(Self.bills)/focus-1.0-aws-cloud-2024-09.csv", options: options)
        #expect(r.format == "focus")
        #expect(r.records == 12)
        let sonnet = "Claude 3.5 Sonnet V2"
        #expect(r.lines == [
            BillLine(provider: "bedrock", day: day("2024-09-01"), model: sonnet, tokenType: .input, quantity: 1_234_567, cost: money("3.7037010000000003")),
            BillLine(provider: "bedrock", day: day("2024-09-01"), model: sonnet, tokenType: .output, quantity: 75_000, cost: money("1.1250000000")),
            // An hour's charge period is a day's line ("2024-09-02 13:00:00" is UTC).
            BillLine(provider: "bedrock", day: day("2024-09-02"), model: sonnet, tokenType: .input, quantity: 7_000, cost: money("0.021")),
        ])
        // Compute, storage, load balancers, an AI service's machines, credits and taxes: skipped
        // per service, never quarantined.
        #expect(r.skippedBy == ["Amazon Elastic Compute Cloud": 3, "Amazon Simple Storage Service": 1, "Elastic Load Balancing": 1,
                                "Amazon SageMaker": 1, "Amazon Bedrock": 1])
        // Rows in tokens that cannot be mapped, or hold half a token, are ours: quarantined.
        #expect(r.quarantined.map { String($0.reason.prefix { $0 != ":" }) } == ["fractional_quantity", "unmatched_sku"])
        #expect(r.quarantined.map(\.line) == [9, 10])
        #expect(r.records == r.lines.count + r.quarantined.count + r.skippedBy.values.reduce(0, +))
    }

    @Test func focusNeedsAProviderColumnOfEitherVersion() throws {
        let text = "ChargePeriodStart,ChargeCategory,BilledCost,ConsumedQuantity,ConsumedUnit,SkuId\n2025-01-01,Usage,1,1,Tokens,\"m, input\"\n"
        #expect(throws: InputFileError.self) { try read(text, name: "f.csv", format: .focus) }
    }
}
