import SettleCore

/// Turns a public price list into price-book rows (prices.csv), exactly: per-token prices are
/// read from their decimal text and scaled to per 1M tokens with no float on the way.
public enum PriceListImport {
    public enum Source: String, Sendable, CaseIterable {
        case litellm
        case openrouter
    }

    public struct Problem: Error, CustomStringConvertible {
        public var description: String
    }

    public static func rows(from source: Source, json: [UInt8], path: String, effectiveFrom: Timestamp,
                            providers: Set<String> = []) throws -> [PriceRow] {
        let document: JSONValue
        do {
            document = try JSONValue.parse(json)
        } catch {
            throw InputFileError(path: path, "not JSON: \(error)")
        }
        let rows: [PriceRow]
        switch source {
        case .litellm: rows = try litellm(document, path: path, from: effectiveFrom)
        case .openrouter: rows = try openrouter(document, path: path, from: effectiveFrom)
        }
        return providers.isEmpty ? rows : rows.filter { providers.contains($0.provider) }
    }

    /// LiteLLM's `model_prices_and_context_window.json`: model → costs per token.
    static func litellm(_ doc: JSONValue, path: String, from: Timestamp) throws -> [PriceRow] {
        guard case .object(let models) = doc else { throw InputFileError(path: path, "expected an object of models") }
        // LiteLLM key → (settle token type, tier).
        let fields: [(String, TokenType, Tier)] = [
            ("input_cost_per_token", .input, .standard),
            ("cache_read_input_token_cost", .cachedInput, .standard),
            ("cache_creation_input_token_cost", .cacheWrite, .standard),
            ("cache_creation_input_token_cost_above_1hr", .cacheWrite1h, .standard),
            ("output_cost_per_token", .output, .standard),
            ("input_cost_per_token_batches", .input, .batch),
            ("output_cost_per_token_batches", .output, .batch),
            ("input_cost_per_token_priority", .input, .priority),
            ("cache_read_input_token_cost_priority", .cachedInput, .priority),
            ("output_cost_per_token_priority", .output, .priority),
            ("input_cost_per_token_flex", .input, .flex),
            ("cache_read_input_token_cost_flex", .cachedInput, .flex),
            ("output_cost_per_token_flex", .output, .flex),
        ]
        var rows: [PriceRow] = []
        for (key, spec) in models where key != "sample_spec" {
            guard case .object = spec, let provider = spec["litellm_provider"]?.string, !provider.isEmpty else { continue }
            // `openrouter/anthropic/claude-…` is model `anthropic/claude-…` at provider openrouter.
            let model = key.hasPrefix(provider + "/") ? String(key.dropFirst(provider.count + 1)) : key
            for (field, type, tier) in fields {
                guard let text = spec[field]?.decimalText else { continue }
                guard let perToken = ExactDecimal(text), !perToken.isNegative else {
                    throw InputFileError(path: path, "\(key).\(field): \"\(text)\" is not a price")
                }
                rows.append(PriceRow(provider: provider, model: model, tokenType: type, tier: tier,
                                     price: perMillion(perToken), per: .perMillion, effectiveFrom: from))
                // Long-context prices: `<field>_above_200k_tokens` is the band >200000.
                guard case .object(let members) = spec else { continue }
                for (name, value) in members where name.hasPrefix(field + "_above_") && name.hasSuffix("k_tokens") {
                    let size = name.dropFirst(field.count + "_above_".count).dropLast("k_tokens".count)
                    guard let thousands = Int64(size), thousands > 0, let bandText = value.decimalText else { continue }
                    guard let perToken = ExactDecimal(bandText), !perToken.isNegative else {
                        throw InputFileError(path: path, "\(key).\(name): \"\(bandText)\" is not a price")
                    }
                    rows.append(PriceRow(provider: provider, model: model, tokenType: type, tier: tier, price: perMillion(perToken),
                                         per: .perMillion, effectiveFrom: from, band: thousands * 1_000))
                }
            }
        }
        return rows.sorted(by: order)
    }

    /// OpenRouter's `/api/v1/models`: `data[].pricing` in USD per token or per request, as strings.
    static func openrouter(_ doc: JSONValue, path: String, from: Timestamp) throws -> [PriceRow] {
        guard case .array(let models)? = doc["data"] else { throw InputFileError(path: path, "expected {\"data\": [models]}") }
        let fields: [(String, TokenType)] = [
            ("prompt", .input), ("input_cache_read", .cachedInput), ("input_cache_write", .cacheWrite),
            ("completion", .output), ("request", .request),
        ]
        var rows: [PriceRow] = []
        for model in models {
            guard let id = model["id"]?.string, let pricing = model["pricing"] else { continue }
            for (field, type) in fields {
                guard let text = pricing[field]?.decimalText, let price = ExactDecimal(text) else { continue }
                // "-1" marks a variable price (auto-router); "0" an unpriced field. Neither is a row.
                guard price > .zero else { continue }
                rows.append(type == .request
                    ? PriceRow(provider: "openrouter", model: id, tokenType: type, tier: .standard, price: price, per: .perUnit, effectiveFrom: from)
                    : PriceRow(provider: "openrouter", model: id, tokenType: type, tier: .standard, price: perMillion(price),
                               per: .perMillion, effectiveFrom: from))
            }
        }
        return rows.sorted(by: order)
    }

    static func perMillion(_ perToken: ExactDecimal) -> ExactDecimal {
        (perToken * ExactDecimal(1_000_000)).normalized
    }

    static func order(_ a: PriceRow, _ b: PriceRow) -> Bool {
        if (a.provider, a.model, a.tokenType, a.tier) != (b.provider, b.model, b.tokenType, b.tier) {
            return (a.provider, a.model, a.tokenType, a.tier) < (b.provider, b.model, b.tokenType, b.tier)
        }
        return (a.band ?? 0) < (b.band ?? 0)
    }

    /// prices.csv text for the rows; a `band` column when some row has one.
    public static func csv(_ rows: [PriceRow]) -> String {
        let banded = rows.contains { $0.band != nil }
        var out = CSVText.record(["provider", "model", "token_type", "tier", "price", "per", "effective_from"] + (banded ? ["band"] : []))
        for r in rows {
            let from = r.effectiveFrom == r.effectiveFrom.day.start ? r.effectiveFrom.day.description : r.effectiveFrom.description
            out += CSVText.record([r.provider, r.model, r.tokenType.rawValue, r.tier == .standard ? "" : r.tier.rawValue,
                                   r.price.formatted(minimumPlaces: 2), r.per.rawValue, from] + (banded ? [PriceBands.label(r.band ?? 0)] : []))
        }
        return out
    }
}
