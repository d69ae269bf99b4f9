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
}
