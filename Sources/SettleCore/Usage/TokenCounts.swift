/// How a prompt's tokens divide (PRODUCT.md, "Gateway usage events"): `input_tokens` counts all
/// of them, cached reads and cache writes included, as OpenAI does; what is billed as `input`
/// is the rest. The one place that subtraction is written: events, daily rows, the gateway's
/// totals for reconciliation and OpenAI's usage reports all use it.
public enum TokenCounts {
    public static func uncachedInput(input: Int64, cached: Int64, cacheWrite: Int64) -> Int64 {
        input - cached - cacheWrite
    }

    /// `cache_write_tokens` counts every cache write; the one-hour ones are priced apart, so
    /// what is billed as `cache_write` is the five-minute rest.
    public static func fiveMinuteCacheWrite(cacheWrite: Int64, oneHour: Int64) -> Int64 {
        cacheWrite - oneHour
    }
}
