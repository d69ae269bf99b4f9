import SettleCore

/// How to read usage events out of a gateway's own PostgreSQL table: for each settle field, a
/// SQL expression over that table. Presets cover the gateway's seed `usage_logs` schema and
/// LiteLLM's `LiteLLM_SpendLogs`; settle.toml's `[gateway_db.columns]` overrides any of them
/// (a `provider` column, or a constant such as `'openrouter'`).
public struct GatewayTable: Sendable, Equatable {
    public var table: String
    /// The timestamp column the `--from`/`--to` range applies to.
    public var timeColumn: String
    public var orderBy: String
    /// settle field name → SQL expression; fields left out are absent.
    public var columns: [String: String]

    /// The fields read, in this order, as COPY columns.
    public static let fields = UsageEventFields.columnNames

    public static let presets = ["usage_logs", "litellm"]

    public static func preset(_ name: String, litellm: LiteLLMOptions = LiteLLMOptions()) -> GatewayTable? {
        let iso = "'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'"
        switch name {
        case "usage_logs":
            // The seed schema: id, user_id, api_key_id, model, prompt_tokens, completion_tokens,
            // total_tokens, cost_usd, credits_deducted, request_metadata, response_metadata, status, created_at.
            return GatewayTable(table: "usage_logs", timeColumn: "created_at", orderBy: "created_at, id", columns: [
                "request_id": "id::text",
                "ts": "to_char(created_at, \(iso))",
                "customer_id": "user_id::text",
                "provider": "COALESCE(request_metadata->>'provider', response_metadata->>'provider')",
                "model": "model",
                "input_tokens": "prompt_tokens",
                "cached_input_tokens": "response_metadata->'usage'->'prompt_tokens_details'->>'cached_tokens'",
                "output_tokens": "completion_tokens",
                "status": "CASE WHEN lower(status) IN ('success', 'succeeded', 'ok', 'completed') THEN 'ok' "
                    + "WHEN lower(status) IN ('error', 'failed', 'failure') THEN 'error' ELSE status END",
                "api_key_id": "api_key_id::text",
                "reported_cost": "cost_usd::text",
            ])
        case "litellm":
            return GatewayTable(table: "\"LiteLLM_SpendLogs\"", timeColumn: "\"startTime\"", orderBy: "\"startTime\", request_id", columns: [
                "request_id": "request_id",
                "ts": "to_char(\"startTime\", \(iso))",
                "customer_id": "\"\(litellm.customerField)\"",
                "provider": "custom_llm_provider",
                "model": "model",
                "input_tokens": "prompt_tokens",
                "cached_input_tokens": "metadata->'additional_usage_values'->>'cache_read_input_tokens'",
                "cache_write_tokens": "metadata->'additional_usage_values'->>'cache_creation_input_tokens'",
                "output_tokens": "completion_tokens",
                "status": "CASE status WHEN 'success' THEN 'ok' WHEN 'failure' THEN 'error' ELSE status END",
                "api_key_id": "api_key",
                "reported_cost": "spend::text",
            ])
        default:
            return nil
        }
    }

    /// The query for one range of UTC days, `from` through `to` inclusive.
    public func query(from: UTCDay, to: UTCDay) -> String {
        let select = Self.fields.map { columns[$0] ?? "NULL" }.joined(separator: ", ")
        return "SELECT \(select) FROM \(table) WHERE \(timeColumn) >= '\(from)T00:00:00Z' AND \(timeColumn) < '\(to.adding(days: 1))T00:00:00Z' ORDER BY \(orderBy)"
    }
}

/// Decodes one row of the gateway's table, its COPY text already split into fields (nil for
/// NULL; `PostgresCopyText.fields`), whose columns are `GatewayTable.fields`.
public struct CopyTextUsageDecoder {
    public init() {}

    public func decode(_ cells: [String?], line: UnsafeRawBufferPointer, lineNumber: Int, source: String) -> UsageRow {
        guard cells.count == GatewayTable.fields.count else {
            return .quarantined(QuarantinedRow(source: source, line: lineNumber,
                reason: QuarantineReason.wrongColumnCount(expected: GatewayTable.fields.count, found: cells.count),
                raw: line.lossyString))
        }
        var f = UsageEventFields()
        for (i, cell) in cells.enumerated() {
            let value: FieldValue = cell.map { .text($0) } ?? .null
            f.set(slot: i, value)
        }
        do {
            return .event(try UsageEvent(validating: f), line: lineNumber)
        } catch {
            return .quarantined(QuarantinedRow(source: source, line: lineNumber, reason: error, raw: line.lossyString))
        }
    }
}
