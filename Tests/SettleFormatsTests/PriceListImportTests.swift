import Testing
import SettleCore
import SettleTestSupport
@testable import SettleFormats

@Suite struct PriceListImportTests {
    static let from = UTCDay("2026-11-01")!.start

    /// An excerpt shaped like LiteLLM's model_prices_and_context_window.json.
    static let litellm = """
        {
          "sample_spec": {"max_tokens": "LEGACY parameter", "input_cost_per_token": 0.0, "litellm_provider": "one of https://docs.litellm.ai/docs/providers"},
          "gpt-4o": {
            "max_tokens": 16384, "max_input_tokens": 128000, "input_cost_per_token": 2.5e-06, "output_cost_per_token": 1e-05,
            "input_cost_per_token_batches": 1.25e-06, "output_cost_per_token_batches": 5e-06, "cache_read_input_token_cost": 1.25e-06,
            "input_cost_per_token_priority": 4.25e-06, "output_cost_per_token_priority": 1.7e-05,
            "litellm_provider": "openai", "mode": "chat", "supports_function_calling": true
          },
          "claude-sonnet-4-20250514": {
            "input_cost_per_token": 3e-06, "output_cost_per_token": 1.5e-05, "cache_creation_input_token_cost": 3.75e-06,
            "cache_creation_input_token_cost_above_1hr": 6e-06,
            "cache_read_input_token_cost": 3e-07, "litellm_provider": "anthropic", "mode": "chat"
          },
          "openrouter/deepseek/deepseek-chat": {"input_cost_per_token": 2.7e-07, "output_cost_per_token": 1.1e-06, "litellm_provider": "openrouter", "mode": "chat"},
          "text-embedding-3-small": {"input_cost_per_token": 0.00000002, "output_cost_per_token": 0.0, "litellm_provider": "openai", "mode": "embedding"},
          "dall-e-3": {"litellm_provider": "openai", "mode": "image_generation"}
        }
        """

    static let openrouter = """
        {"data": [
          {"id": "anthropic/claude-3.5-sonnet", "name": "Anthropic: Claude 3.5 Sonnet", "context_length": 200000,
           "pricing": {"prompt": "0.000003", "completion": "0.000015", "request": "0", "image": "0.0048",
                       "web_search": "0", "internal_reasoning": "0", "input_cache_read": "0.0000003", "input_cache_write": "0.00000375"}},
          {"id": "perplexity/sonar", "pricing": {"prompt": "0.000001", "completion": "0.000001", "request": "0.005"}},
          {"id": "openrouter/auto", "pricing": {"prompt": "-1", "completion": "-1"}}
        ]}
        """

    func csvLines(_ source: PriceListImport.Source, _ json: String, providers: Set<String> = []) throws -> [String] {
        let rows = try PriceListImport.rows(from: source, json: Array(json.utf8), path: "list.json", effectiveFrom: Self.from, providers: providers)
        return PriceListImport.csv(rows).split(separator: "\r\n").map(String.init)
    }

    @Test func litellmPerTokenPricesBecomeExactPerMillionRows() throws {
        let lines = try csvLines(.litellm, Self.litellm)
        #expect(lines.first == "provider,model,token_type,tier,price,per,effective_from")
        #expect(lines.contains("openai,gpt-4o,input,,2.50,1M,2026-11-01"))
        #expect(lines.contains("openai,gpt-4o,output,,10.00,1M,2026-11-01"))
        #expect(lines.contains("openai,gpt-4o,cached_input,,1.25,1M,2026-11-01"))
        #expect(lines.contains("openai,gpt-4o,input,batch,1.25,1M,2026-11-01"))
        #expect(lines.contains("openai,gpt-4o,output,priority,17.00,1M,2026-11-01"))
        #expect(lines.contains("anthropic,claude-sonnet-4-20250514,cache_write,,3.75,1M,2026-11-01"))
        #expect(lines.contains("anthropic,claude-sonnet-4-20250514,cached_input,,0.30,1M,2026-11-01"))
        // One-hour cache writes, 2× the input price: a token type of their own.
        #expect(lines.contains("anthropic,claude-sonnet-4-20250514,cache_write_1h,,6.00,1M,2026-11-01"))
        // The provider prefix of an OpenRouter key is the provider, not part of the model.
        #expect(lines.contains("openrouter,deepseek/deepseek-chat,input,,0.27,1M,2026-11-01"))
        #expect(lines.contains("openai,text-embedding-3-small,input,,0.02,1M,2026-11-01"))
        #expect(!lines.contains { $0.contains("sample_spec") || $0.contains("dall-e-3") })
        #expect(lines.count == 1 + 7 + 5 + 2 + 2)
    }

    @Test func pricesThatAFloatWouldBendStayExact() throws {
        // 1.1e-06 × 1e6 as doubles is 1.0999999999999999; 0.1 + 0.2-style traps likewise.
        let json = #"{"m": {"litellm_provider": "p", "input_cost_per_token": 1.1e-06, "output_cost_per_token": "0.000000123456789"}}"#
        let lines = try csvLines(.litellm, json)
        #expect(lines.contains("p,m,input,,1.10,1M,2026-11-01"))
        #expect(lines.contains("p,m,output,,0.123456789,1M,2026-11-01"))
    }

    @Test func theProviderFilterKeepsOnlyWhatIsAskedFor() throws {
        let lines = try csvLines(.litellm, Self.litellm, providers: ["anthropic"])
        #expect(lines.count == 1 + 5)
        #expect(lines.dropFirst().allSatisfy { $0.hasPrefix("anthropic,") })
    }

    @Test func openrouterStringsPerTokenAndPerRequest() throws {
        let lines = try csvLines(.openrouter, Self.openrouter)
        #expect(lines.contains("openrouter,anthropic/claude-3.5-sonnet,input,,3.00,1M,2026-11-01"))
        #expect(lines.contains("openrouter,anthropic/claude-3.5-sonnet,output,,15.00,1M,2026-11-01"))
        #expect(lines.contains("openrouter,anthropic/claude-3.5-sonnet,cached_input,,0.30,1M,2026-11-01"))
        #expect(lines.contains("openrouter,anthropic/claude-3.5-sonnet,cache_write,,3.75,1M,2026-11-01"))
        #expect(lines.contains("openrouter,perplexity/sonar,request,,0.005,1,2026-11-01"))
        // Zero and variable (-1) prices are not rows.
        #expect(!lines.contains { $0.contains("openrouter/auto") || $0.contains(",request,,0.00,") })
        #expect(lines.count == 1 + 4 + 3)
    }

    @Test func theRowsLoadBackAsAPriceBook() throws {
        let dir = TempFolder()
        let rows = try PriceListImport.rows(from: .litellm, json: Array(Self.litellm.utf8), path: "l.json", effectiveFrom: Self.from)
        let path = dir.write("prices.csv", PriceListImport.csv(rows))
        let loaded = try CatalogLoader.prices(path)
        #expect(loaded == rows)
        let book = PriceBook(rows: loaded)
        #expect(book.quote(provider: "openai", model: "gpt-4o", tokenType: .input, tier: .standard,
                           at: UTCDay("2026-11-02")!.start)?.perUnit == ExactDecimal("0.0000025")!)
    }

    @Test func aBrokenListNamesTheFile() {
        #expect(throws: InputFileError.self) {
            _ = try PriceListImport.rows(from: .litellm, json: Array("{\"m\": ".utf8), path: "broken.json", effectiveFrom: Self.from)
        }
        #expect {
            _ = try PriceListImport.rows(from: .litellm, json: Array(#"{"m": {"litellm_provider": "p", "input_cost_per_token": "cheap"}}"#.utf8),
                                         path: "l.json", effectiveFrom: Self.from)
        } throws: { "\($0)" == "l.json: m.input_cost_per_token: \"cheap\" is not a price" }
    }

    @Test func aSecondPriceForTheSameKeyAndTimeIsRefused() {
        let dir = TempFolder()
        let path = dir.write("prices.csv", """
            provider,model,token_type,tier,price,per,effective_from
            openai,gpt-4o,input,,2.50,1M,2026-01-01
            openai,gpt-4o,input,standard,2.40,1M,2026-01-01T00:00:00Z
            """)
        #expect {
            _ = try CatalogLoader.prices(path)
        } throws: { error in
            "\(error)".contains("prices.csv:3: effective_from: a second price for openai gpt-4o input standard from 2026-01-01T00:00:00Z (first on line 2)")
        }
    }

    /// LiteLLM's entries for claude-sonnet-4-5 and gemini-2.5-pro as the price map publishes
    /// them (numbers as JSON numbers, long-context and one-hour keys included): every row to the digit.
    @Test func longContextAndOneHourPricesOfRealEntries() throws {
        let map = """
            {
              "claude-sonnet-4-5": {
                "cache_creation_input_token_cost": 3.75e-06, "cache_creation_input_token_cost_above_1hr": 6e-06,
                "cache_creation_input_token_cost_above_1hr_above_200k_tokens": 1.2e-05,
                "cache_creation_input_token_cost_above_200k_tokens": 7.5e-06, "cache_read_input_token_cost": 3e-07,
                "cache_read_input_token_cost_above_200k_tokens": 6e-07, "input_cost_per_token": 3e-06,
                "input_cost_per_token_above_200k_tokens": 6e-06, "litellm_provider": "anthropic", "max_input_tokens": 200000,
                "max_output_tokens": 64000, "max_tokens": 64000, "mode": "chat", "output_cost_per_token": 1.5e-05,
                "output_cost_per_token_above_200k_tokens": 2.25e-05, "supports_prompt_caching": true
              },
              "gemini-2.5-pro": {
                "cache_read_input_token_cost": 1.25e-07, "cache_read_input_token_cost_above_200k_tokens": 2.5e-07,
                "input_cost_per_token": 1.25e-06, "input_cost_per_token_above_200k_tokens": 2.5e-06,
                "litellm_provider": "vertex_ai-language-models", "max_input_tokens": 1048576, "mode": "chat",
                "output_cost_per_token": 1e-05, "output_cost_per_token_above_200k_tokens": 1.5e-05
              }
            }
            """
        let lines = try csvLines(.litellm, map)
        #expect(lines == [
            "provider,model,token_type,tier,price,per,effective_from,band",
            "anthropic,claude-sonnet-4-5,input,,3.00,1M,2026-11-01,",
            "anthropic,claude-sonnet-4-5,input,,6.00,1M,2026-11-01,>200000",
            "anthropic,claude-sonnet-4-5,cached_input,,0.30,1M,2026-11-01,",
            "anthropic,claude-sonnet-4-5,cached_input,,0.60,1M,2026-11-01,>200000",
            "anthropic,claude-sonnet-4-5,cache_write,,3.75,1M,2026-11-01,",
            "anthropic,claude-sonnet-4-5,cache_write,,7.50,1M,2026-11-01,>200000",
            "anthropic,claude-sonnet-4-5,cache_write_1h,,6.00,1M,2026-11-01,",
            "anthropic,claude-sonnet-4-5,cache_write_1h,,12.00,1M,2026-11-01,>200000",
            "anthropic,claude-sonnet-4-5,output,,15.00,1M,2026-11-01,",
            "anthropic,claude-sonnet-4-5,output,,22.50,1M,2026-11-01,>200000",
            "vertex_ai-language-models,gemini-2.5-pro,input,,1.25,1M,2026-11-01,",
            "vertex_ai-language-models,gemini-2.5-pro,input,,2.50,1M,2026-11-01,>200000",
            "vertex_ai-language-models,gemini-2.5-pro,cached_input,,0.125,1M,2026-11-01,",
            "vertex_ai-language-models,gemini-2.5-pro,cached_input,,0.25,1M,2026-11-01,>200000",
            "vertex_ai-language-models,gemini-2.5-pro,output,,10.00,1M,2026-11-01,",
            "vertex_ai-language-models,gemini-2.5-pro,output,,15.00,1M,2026-11-01,>200000",
        ])
    }

    /// LiteLLM's gemini-2.5-pro as the price map writes it: long-prompt prices composed with the
    /// priority and flex tiers (`input_cost_per_token_above_200k_tokens_priority`), beside keys
    /// that are no prices at all. Every price is a row of its token type, tier and band.
    @Test func bandAndTierSuffixesCompose() throws {
        let map = """
            {
              "gemini-2.5-pro": {
                "cache_read_input_token_cost": 1.25e-07, "cache_read_input_token_cost_above_200k_tokens": 2.5e-07,
                "cache_read_input_token_cost_priority": 2.25e-07, "cache_read_input_token_cost_above_200k_tokens_priority": 4.5e-07,
                "cache_read_input_token_cost_flex": 6.25e-08, "cache_read_input_token_cost_above_200k_tokens_flex": 1.25e-07,
                "input_cost_per_token": 1.25e-06, "input_cost_per_token_above_200k_tokens": 2.5e-06,
                "input_cost_per_token_priority": 2.25e-06, "input_cost_per_token_above_200k_tokens_priority": 4.5e-06,
                "input_cost_per_token_flex": 6.25e-07, "input_cost_per_token_above_200k_tokens_flex": 1.25e-06,
                "input_cost_per_token_batches": 6.25e-07,
                "litellm_provider": "vertex_ai-language-models", "max_input_tokens": 1048576, "max_output_tokens": 65535,
                "max_tokens": 65535, "mode": "chat",
                "output_cost_per_token": 1e-05, "output_cost_per_token_above_200k_tokens": 1.5e-05,
                "output_cost_per_token_priority": 1.8e-05, "output_cost_per_token_above_200k_tokens_priority": 2.7e-05,
                "output_cost_per_token_batches": 5e-06,
                "rpm": 2000, "tpm": 800000, "source": "https://cloud.google.com/vertex-ai/generative-ai/pricing",
                "supported_modalities": ["text", "image", "audio", "video"], "supports_function_calling": true,
                "supports_prompt_caching": true, "supports_reasoning": true
              }
            }
            """
        let imported = try PriceListImport.read(from: .litellm, json: Array(map.utf8), path: "list.json", effectiveFrom: Self.from)
        #expect(imported.unplaced == [])
        let m = "vertex_ai-language-models,gemini-2.5-pro"
        // Tiers in name order (batch, flex, priority, then the standard tier's empty cell), bands ascending.
        #expect(PriceListImport.csv(imported.rows).split(separator: "\r\n").map(String.init) == [
            "provider,model,token_type,tier,price,per,effective_from,band",
            "\(m),input,batch,0.625,1M,2026-11-01,",
            "\(m),input,flex,0.625,1M,2026-11-01,",
            "\(m),input,flex,1.25,1M,2026-11-01,>200000",
            "\(m),input,priority,2.25,1M,2026-11-01,",
            "\(m),input,priority,4.50,1M,2026-11-01,>200000",
            "\(m),input,,1.25,1M,2026-11-01,",
            "\(m),input,,2.50,1M,2026-11-01,>200000",
            "\(m),cached_input,flex,0.0625,1M,2026-11-01,",
            "\(m),cached_input,flex,0.125,1M,2026-11-01,>200000",
            "\(m),cached_input,priority,0.225,1M,2026-11-01,",
            "\(m),cached_input,priority,0.45,1M,2026-11-01,>200000",
            "\(m),cached_input,,0.125,1M,2026-11-01,",
            "\(m),cached_input,,0.25,1M,2026-11-01,>200000",
            "\(m),output,batch,5.00,1M,2026-11-01,",
            "\(m),output,priority,18.00,1M,2026-11-01,",
            "\(m),output,priority,27.00,1M,2026-11-01,>200000",
            "\(m),output,,10.00,1M,2026-11-01,",
            "\(m),output,,15.00,1M,2026-11-01,>200000",
        ])
        // The rows themselves, not only their text: the priority long-prompt input price.
        let longPriority = imported.rows.filter { $0.tokenType == .input && $0.tier == .priority && $0.band == 200_000 }
        #expect(longPriority == [PriceRow(provider: "vertex_ai-language-models", model: "gemini-2.5-pro", tokenType: .input, tier: .priority,
                                          price: ExactDecimal("4.5")!, per: .perMillion, effectiveFrom: Self.from, band: 200_000)])
    }

    /// Keys read by structure: a 128k band on the batch tier, a one-hour cache write on a tier;
    /// a cost key that is no price settle knows is reported with its models, never dropped in silence.
    @Test func costKeysTheImportCannotPlaceAreReported() throws {
        let map = """
            {
              "gemini-1.5-pro": {
                "litellm_provider": "vertex_ai-language-models", "input_cost_per_token": 1.25e-06,
                "input_cost_per_token_above_128k_tokens": 2.5e-06, "input_cost_per_token_above_128k_tokens_batches": 1.25e-06,
                "input_cost_per_character": 3.125e-07, "output_cost_per_character_above_128k_tokens": 2.5e-06,
                "input_cost_per_image": 0.00032875, "input_cost_per_audio_per_second": 0, "max_tokens": 8192
              },
              "gpt-4o-search-preview": {
                "litellm_provider": "openai", "input_cost_per_token": 2.5e-06, "input_cost_per_image": 0.001,
                "search_context_cost_per_query": {"search_context_size_low": 0.03, "search_context_size_high": 0.05},
                "output_cost_per_reasoning_token": null
              },
              "claude-opus-4-1": {
                "litellm_provider": "anthropic", "cache_creation_input_token_cost_above_1hr_priority": 3e-05,
                "input_cost_per_token_batches_above_200k_tokens": 1.5e-05
              }
            }
            """
        let imported = try PriceListImport.read(from: .litellm, json: Array(map.utf8), path: "list.json", effectiveFrom: Self.from)
        #expect(PriceListImport.csv(imported.rows).split(separator: "\r\n").map(String.init) == [
            "provider,model,token_type,tier,price,per,effective_from,band",
            "anthropic,claude-opus-4-1,cache_write_1h,priority,30.00,1M,2026-11-01,",
            "openai,gpt-4o-search-preview,input,,2.50,1M,2026-11-01,",
            "vertex_ai-language-models,gemini-1.5-pro,input,batch,1.25,1M,2026-11-01,>128000",
            "vertex_ai-language-models,gemini-1.5-pro,input,,1.25,1M,2026-11-01,",
            "vertex_ai-language-models,gemini-1.5-pro,input,,2.50,1M,2026-11-01,>128000",
        ])
        // Zero (per audio second) and null (reasoning) prices lose nothing and are not listed;
        // neither is max_tokens. The tier suffix before the band is not LiteLLM's order: unplaced.
        #expect(imported.unplaced == [
            PriceListImport.Unplaced(key: "input_cost_per_character", models: ["gemini-1.5-pro"]),
            PriceListImport.Unplaced(key: "input_cost_per_image", models: ["gemini-1.5-pro", "gpt-4o-search-preview"]),
            PriceListImport.Unplaced(key: "input_cost_per_token_batches_above_200k_tokens", models: ["claude-opus-4-1"]),
            PriceListImport.Unplaced(key: "output_cost_per_character_above_128k_tokens", models: ["gemini-1.5-pro"]),
            PriceListImport.Unplaced(key: "search_context_cost_per_query", models: ["gpt-4o-search-preview"]),
        ])
        #expect(imported.unplaced[1].description
            == "input_cost_per_image (gemini-1.5-pro, gpt-4o-search-preview): a price settle cannot place; no row was written for it")
        // The provider filter narrows the report too.
        let anthropic = try PriceListImport.read(from: .litellm, json: Array(map.utf8), path: "list.json", effectiveFrom: Self.from,
                                                 providers: ["anthropic"])
        #expect(anthropic.unplaced.map(\.key) == ["input_cost_per_token_batches_above_200k_tokens"])
        #expect(anthropic.rows.count == 1)
    }

    @Test func keysAreReadByTheirStructure() {
        #expect(LiteLLMPriceKey("input_cost_per_token_above_200k_tokens_priority") == LiteLLMPriceKey(tokenType: .input, tier: .priority, band: 200_000))
        #expect(LiteLLMPriceKey("cache_read_input_token_cost_above_200k_tokens_flex") == LiteLLMPriceKey(tokenType: .cachedInput, tier: .flex, band: 200_000))
        #expect(LiteLLMPriceKey("cache_creation_input_token_cost_above_1hr_above_200k_tokens")
            == LiteLLMPriceKey(tokenType: .cacheWrite1h, tier: .standard, band: 200_000))
        #expect(LiteLLMPriceKey("output_cost_per_token_batches") == LiteLLMPriceKey(tokenType: .output, tier: .batch, band: nil))
        #expect(LiteLLMPriceKey("cache_creation_input_token_cost") == LiteLLMPriceKey(tokenType: .cacheWrite, tier: .standard, band: nil))
        for key in ["input_cost_per_token_above_0k_tokens", "input_cost_per_token_above_k_tokens", "input_cost_per_token_above_200_tokens",
                    "input_cost_per_token_priority_batches", "output_cost_per_reasoning_token", "max_tokens", "_priority", ""] {
            #expect(LiteLLMPriceKey(key) == nil, "\(key)")
        }
    }
}
