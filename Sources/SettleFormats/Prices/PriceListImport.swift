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

    /// A key of the list that names a price settle cannot place (`input_cost_per_image`,
    /// `output_cost_per_reasoning_token`, …), with the models that carry it: written to stderr
    /// by `settle prices import`, so a price the book lacks is seen, never lost in silence.
    public struct Unplaced: Sendable, Equatable, CustomStringConvertible {
        public var key: String
        /// The list's names of the models carrying the key, in name order.
        public var models: [String]

        public var description: String {
            let shown = models.prefix(3).joined(separator: ", ") + (models.count > 3 ? " and \(models.count - 3) more" : "")
            return "\(key) (\(shown)): a price settle cannot place; no row was written for it"
        }
    }

    /// The rows of a list, and the keys it could not place.
    public struct Imported: Sendable, Equatable {
        public var rows: [PriceRow]
        public var unplaced: [Unplaced]
    }

    /// The rows of a list (see `read` for the keys it could not place).
    public static func rows(from source: Source, json: [UInt8], path: String, effectiveFrom: Timestamp,
                            providers: Set<String> = []) throws -> [PriceRow] {
        try read(from: source, json: json, path: path, effectiveFrom: effectiveFrom, providers: providers).rows
    }

    public static func read(from source: Source, json: [UInt8], path: String, effectiveFrom: Timestamp,
                            providers: Set<String> = []) throws -> Imported {
        let document: JSONValue
        do {
            document = try JSONValue.parse(json)
        } catch {
            throw InputFileError(path: path, "not JSON: \(error)")
        }
        switch source {
        case .litellm:
            return try litellm(document, path: path, from: effectiveFrom, providers: providers)
        case .openrouter:
            let rows = try openrouter(document, path: path, from: effectiveFrom)
            return Imported(rows: providers.isEmpty ? rows : rows.filter { providers.contains($0.provider) }, unplaced: [])
        }
    }

    /// LiteLLM's `model_prices_and_context_window.json`: model → costs per token.
    ///
    /// A price key is read by its structure, in the order LiteLLM composes it (FORMATS.md,
    /// "Price lists"): a token type's key, then an optional `_above_Nk_tokens` (the band
    /// `>N000`), then an optional tier suffix, as in `input_cost_per_token_above_200k_tokens_priority`.
    /// Every such key is a row; any other key with a `cost` in its name and a price in it is
    /// reported as unplaced (a zero or null price loses nothing and is passed over).
    static func litellm(_ doc: JSONValue, path: String, from: Timestamp, providers: Set<String> = []) throws -> Imported {
        guard case .object(let models) = doc else { throw InputFileError(path: path, "expected an object of models") }
        var rows: [PriceRow] = []
        var unplaced: [String: [String]] = [:]
        for (key, spec) in models where key != "sample_spec" {
            guard case .object(let members) = spec, let provider = spec["litellm_provider"]?.string, !provider.isEmpty else { continue }
            guard providers.isEmpty || providers.contains(provider) else { continue }
            // `openrouter/anthropic/claude-…` is model `anthropic/claude-…` at provider openrouter.
            let model = key.hasPrefix(provider + "/") ? String(key.dropFirst(provider.count + 1)) : key
            for (name, value) in members {
                guard let price = LiteLLMPriceKey(name) else {
                    if isCostKey(name) && carriesAPrice(value) { unplaced[name, default: []].append(key) }
                    continue
                }
                guard let text = value.decimalText else { continue }
                guard let perToken = ExactDecimal(text), !perToken.isNegative else {
                    throw InputFileError(path: path, "\(key).\(name): \"\(text)\" is not a price")
                }
                rows.append(PriceRow(provider: provider, model: model, tokenType: price.tokenType, tier: price.tier,
                                     price: perMillion(perToken), per: .perMillion, effectiveFrom: from, band: price.band))
            }
        }
        return Imported(rows: rows.sorted(by: order),
                        unplaced: unplaced.sorted { $0.key < $1.key }.map { Unplaced(key: $0.key, models: $0.value.sorted()) })
    }

    /// `search_context_cost_per_query`, `input_cost_per_character`, `cache_read_input_token_cost`:
    /// a key that names a cost, as opposed to `max_tokens` or `mode`.
    static func isCostKey(_ name: String) -> Bool {
        name.split(separator: "_").contains("cost")
    }

    /// Whether an unplaced key's value would have been a price: not null, not zero.
    static func carriesAPrice(_ value: JSONValue) -> Bool {
        switch value {
        case .null, .bool: return false
        default:
            guard let text = value.decimalText, let amount = ExactDecimal(text) else { return true }
            return !amount.isZero
        }
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
