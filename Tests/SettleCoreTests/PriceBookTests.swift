import Testing
@testable import SettleCore

@Suite struct PriceBookTests {
    static func row(_ model: String, _ type: TokenType, _ price: String, _ from: String, tier: Tier = .standard,
                    per: PriceUnit = .perMillion) -> PriceRow {
        PriceRow(provider: "openai", model: model, tokenType: type, tier: tier, price: ExactDecimal(price)!, per: per,
                 effectiveFrom: UTCDay(from)?.start ?? Timestamp(rfc3339: from)!)
    }

    let book = PriceBook(rows: [
        row("gpt-4o", .input, "2.50", "2026-01-01"),
        row("gpt-4o", .input, "2.00", "2026-10-15T12:00:00Z"),
        row("gpt-4o", .output, "10.00", "2026-01-01"),
        row("gpt-4o", .output, "4.00", "2026-01-01", tier: .batch),
        row("gpt-4o", .request, "35", "2026-01-01", per: .perThousand),
    ], tierMultipliers: [.batch: ExactDecimal("0.5")!, .priority: ExactDecimal("1.7")!])

    func t(_ s: String) -> Timestamp { Timestamp(rfc3339: s)! }

    @Test func theLatestRowNotAfterTheEventIsInForce() {
        #expect(book.quote(provider: "openai", model: "gpt-4o", tokenType: .input, tier: .standard, at: t("2026-10-15T11:59:59.999999Z"))?.perUnit
            == ExactDecimal("0.0000025")!)
        #expect(book.quote(provider: "openai", model: "gpt-4o", tokenType: .input, tier: .standard, at: t("2026-10-15T12:00:00Z"))?.perUnit
            == ExactDecimal("0.000002")!)
        #expect(book.quote(provider: "openai", model: "gpt-4o", tokenType: .input, tier: .standard, at: t("2025-12-31T23:59:59Z")) == nil)
    }

    @Test func aTierWithoutARowUsesTheStandardPriceTimesItsMultiplier() throws {
        let batchOutput = try #require(book.quote(provider: "openai", model: "gpt-4o", tokenType: .output, tier: .batch, at: t("2026-10-20T00:00:00Z")))
        #expect(batchOutput.perUnit == ExactDecimal("0.000004")!)   // its own row, not 10 × 0.5
        #expect(batchOutput.multiplier == nil)
        let batchInput = try #require(book.quote(provider: "openai", model: "gpt-4o", tokenType: .input, tier: .batch, at: t("2026-10-20T00:00:00Z")))
        #expect(batchInput.perUnit == ExactDecimal("0.000001")!)    // 2.00 per 1M × 0.5
        #expect(batchInput.multiplier == ExactDecimal("0.5")!)
        #expect(book.quote(provider: "openai", model: "gpt-4o", tokenType: .output, tier: .priority, at: t("2026-10-20T00:00:00Z"))?.perUnit
            == ExactDecimal("0.000017")!)
        // No multiplier configured for flex: unpriced rather than guessed.
        #expect(book.quote(provider: "openai", model: "gpt-4o", tokenType: .input, tier: .flex, at: t("2026-10-20T00:00:00Z")) == nil)
    }

    @Test func unknownModelsAndTypesAreUnpriced() {
        #expect(book.quote(provider: "openai", model: "gpt-5", tokenType: .input, tier: .standard, at: t("2026-10-20T00:00:00Z")) == nil)
        #expect(book.quote(provider: "anthropic", model: "gpt-4o", tokenType: .input, tier: .standard, at: t("2026-10-20T00:00:00Z")) == nil)
        #expect(book.quote(provider: "openai", model: "gpt-4o", tokenType: .cachedInput, tier: .standard, at: t("2026-10-20T00:00:00Z")) == nil)
        #expect(book.quote(provider: "openai", model: "gpt-4o", tokenType: .request, tier: .standard, at: t("2026-10-20T00:00:00Z"))?.perUnit
            == ExactDecimal("0.035")!)
    }

    /// Prompt-size bands: the highest band a prompt exceeds; a token type with no row in that
    /// band (nor its tier) falls back to the standard band's price when no lower band has one.
    @Test func bandsPickTheHighestExceededAndFallBackToTheStandardPrice() throws {
        var long = Self.row("gemini-2.5-pro", .input, "2.50", "2026-01-01")
        long.band = 200_000
        var huge = Self.row("gemini-2.5-pro", .input, "4.00", "2026-01-01")
        huge.band = 1_000_000
        let book = PriceBook(rows: [Self.row("gemini-2.5-pro", .input, "1.25", "2026-01-01"), Self.row("gemini-2.5-pro", .output, "10", "2026-01-01"),
                                    long, huge], tierMultipliers: [.batch: ExactDecimal("0.5")!])
        let bands = book.bands
        #expect(bands.band(provider: "openai", model: "gemini-2.5-pro", inputTokens: 200_000) == 0)   // "over", not "from"
        #expect(bands.band(provider: "openai", model: "gemini-2.5-pro", inputTokens: 200_001) == 200_000)
        #expect(bands.band(provider: "openai", model: "gemini-2.5-pro", inputTokens: 1_000_001) == 1_000_000)
        #expect(bands.band(provider: "openai", model: "gpt-4o", inputTokens: 5_000_000) == 0)
        let at = t("2026-10-25T00:00:00Z")
        func price(_ type: TokenType, band: Int64, tier: Tier = .standard) -> String? {
            book.quote(provider: "openai", model: "gemini-2.5-pro", tokenType: type, tier: tier, band: band, at: at)?.perUnit.normalized.description
        }
        #expect(price(.input, band: 0) == "0.00000125" && price(.input, band: 200_000) == "0.0000025" && price(.input, band: 1_000_000) == "0.000004")
        #expect(price(.output, band: 200_000) == "0.00001")              // no output row in the band: the standard price
        #expect(price(.input, band: 200_000, tier: .batch) == "0.00000125")   // the band's price × the batch multiplier
        #expect(PriceBands.label(200_000) == ">200000" && PriceBands.phrase(200_000) == "prompts over 200k" && PriceBands.phrase(1_000_000) == "prompts over 1M")
        #expect(PriceBands.parse(">200000") == 200_000 && PriceBands.parse("200000") == nil && PriceBands.parse(">0") == nil)
    }

    /// A token type with no row in the event's band walks down to the next lower band that has
    /// one, not straight to the standard band: a 600k prompt must not pay less for its output
    /// than a 300k prompt does.
    @Test func aMissingBandPriceFallsBackToTheNextLowerBand() throws {
        func banded(_ type: TokenType, _ price: String, _ band: Int64, tier: Tier = .standard) -> PriceRow {
            var r = Self.row("gemini-2.5-pro", type, price, "2026-01-01", tier: tier)
            r.band = band
            return r
        }
        let book = PriceBook(rows: [
            Self.row("gemini-2.5-pro", .input, "1.25", "2026-01-01"), Self.row("gemini-2.5-pro", .output, "10", "2026-01-01"),
            banded(.input, "2.50", 200_000), banded(.output, "20", 200_000),   // 2× above 200k
            banded(.input, "3.75", 500_000),                                    // 3× above 500k, input only
            // Tier rows in the standard band only.
            Self.row("gemini-2.5-pro", .output, "3", "2026-01-01", tier: .batch), Self.row("gemini-2.5-pro", .input, "0.50", "2026-01-01", tier: .priority),
        ], tierMultipliers: [.batch: ExactDecimal("0.5")!])
        let at = t("2026-10-25T00:00:00Z")
        func quote(_ type: TokenType, prompt: Int64, tier: Tier = .standard) -> PriceBook.Quote? {
            let band = book.bands.band(provider: "openai", model: "gemini-2.5-pro", inputTokens: prompt)
            return book.quote(provider: "openai", model: "gemini-2.5-pro", tokenType: type, tier: tier, band: band, at: at)
        }
        func price(_ type: TokenType, prompt: Int64, tier: Tier = .standard) -> String? {
            quote(type, prompt: prompt, tier: tier)?.perUnit.normalized.description
        }
        #expect(book.bands.thresholds(provider: "openai", model: "gemini-2.5-pro") == [200_000, 500_000])
        // 600k: input at its own band, output at the >200000 band's price (not the standard 10).
        #expect(price(.input, prompt: 600_000) == "0.00000375")
        #expect(price(.output, prompt: 600_000) == "0.00002")
        #expect(quote(.output, prompt: 600_000)?.row.band == 200_000)
        // 300k: the >200000 band for both; 100k: the standard band.
        #expect(price(.input, prompt: 300_000) == "0.0000025" && price(.output, prompt: 300_000) == "0.00002")
        #expect(price(.input, prompt: 100_000) == "0.00000125" && price(.output, prompt: 100_000) == "0.00001")
        // Batch input has no rows: each band's standard price × 0.5, walking down the same way.
        #expect(price(.input, prompt: 600_000, tier: .batch) == "0.000001875" && price(.input, prompt: 100_000, tier: .batch) == "0.000000625")
        // Batch output: the >200000 standard price × 0.5 outranks the standard band's batch row
        // (3 per 1M), which prices only prompts in the standard band.
        let batchOutput = try #require(quote(.output, prompt: 600_000, tier: .batch))
        #expect(batchOutput.perUnit.normalized.description == "0.00001")    // 20 per 1M × 0.5
        #expect(batchOutput.multiplier == ExactDecimal("0.5")! && batchOutput.row.band == 200_000)
        #expect(price(.output, prompt: 300_000, tier: .batch) == "0.00001" && price(.output, prompt: 100_000, tier: .batch) == "0.000003")
        // No multiplier for priority: the walk goes down to the standard band's priority row.
        #expect(price(.input, prompt: 600_000, tier: .priority) == "0.0000005")
        // Cached input has no row in any band: unpriced, never guessed.
        #expect(quote(.cachedInput, prompt: 600_000) == nil)
    }
}

