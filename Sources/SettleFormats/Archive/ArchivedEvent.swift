import SettleCore

/// An event as an archive file keeps it: one line of the native JSON Lines format, every
/// field settle stores, so that `settle archive --restore` reads it back with the same decoder
/// as `settle ingest usage` and gets the same event.
public enum ArchivedEvent {
    /// The event's line, newline included.
    public static func line(_ e: UsageEvent) -> [UInt8] {
        var w = JSONWriter(pretty: false, capacity: 360)
        w.beginObject()
        w.member("request_id", e.requestID)
        w.member("ts", e.timestamp.description)
        w.member("customer_id", e.customerID)
        w.member("provider", e.provider)
        w.member("model", e.model)
        w.key("input_tokens"); w.int(e.inputTokens)
        w.key("cached_input_tokens"); w.int(e.cachedInputTokens)
        w.key("cache_write_tokens"); w.int(e.cacheWriteTokens)
        w.key("cache_write_1h_tokens"); w.int(e.cacheWrite1hTokens)
        w.key("output_tokens"); w.int(e.outputTokens)
        w.key("requests"); w.int(e.requests)
        w.member("tier", e.tier.rawValue)
        w.member("status", e.status.rawValue)
        if let v = e.apiKeyID { w.member("api_key_id", v) }
        if let v = e.upstreamAccount { w.member("upstream_account", v) }
        if let v = e.serviceID { w.member("service_id", v) }
        if let v = e.latencyMs { w.key("latency_ms"); w.int(v) }
        if let v = e.reportedCost { w.key("reported_cost"); w.raw(v.description) }
        w.endObject()
        var bytes = w.bytes
        bytes.append(0x0A)
        return bytes
    }

    /// The event of one archive line, or an error naming the line and what is wrong with it.
    public static func event(_ line: UnsafeRawBufferPointer, lineNumber: Int, path: String) throws(FileSystemError) -> UsageEvent {
        switch JSONLinesUsageDecoder().decode(line, lineNumber: lineNumber, source: path) {
        case .event(let e, _): return e
        case .quarantined(let q):
            throw FileSystemError(path: path, "line \(lineNumber) is not an event as settle reads them (\(q.reason)); nothing was restored")
        }
    }
}
