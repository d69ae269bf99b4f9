import SettleCore

/// The usage totals a store gives tests, the demo and finance reports (`SettleStore.usageTotals`),
/// read back the same way from both stores: only the order of names (each store's collation)
/// is a store's own.
enum StoreFacts {
    static let usageTotalColumns = StoredColumns("usage_events_named", ["customer_id", "provider", "model", "COUNT(*)", "SUM(input_tokens)",
                                                                        "SUM(cached_input_tokens)", "SUM(cache_write_tokens)",
                                                                        "SUM(output_tokens)", "SUM(requests)", "SUM(cache_write_1h_tokens)"])
    /// `usageTotalColumns`' statement from FROM on, before its ORDER BY.
    static let usageTotalGroups = "FROM usage_events_named GROUP BY customer_id, provider, model"

    /// A row of `usageTotalColumns`: a group has events, so no sum is NULL.
    static func usageTotal(_ row: inout StoredRow) throws -> UsageTotal {
        let customerID = try row.text()
        let provider = try row.text()
        let model = try row.text()
        let events = try row.int()
        let inputTokens = try row.int()
        let cachedInputTokens = try row.int()
        let cacheWriteTokens = try row.int()
        let outputTokens = try row.int()
        let requests = try row.int()
        let cacheWrite1hTokens = try row.int()
        return UsageTotal(customerID: customerID, provider: provider, model: model, events: events, inputTokens: inputTokens,
                          cachedInputTokens: cachedInputTokens, cacheWriteTokens: cacheWriteTokens, outputTokens: outputTokens,
                          requests: requests, cacheWrite1hTokens: cacheWrite1hTokens)
    }
}
