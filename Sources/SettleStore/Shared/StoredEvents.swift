import SettleCore

/// The stored layout of usage events (schema 14), written once for both stores.
///
/// An event row holds its request id in binary (`StoredRequestID`), its eight names as two
/// ids (`NameDictionary`: who called, what ran), its counts and time; PostgreSQL keeps counts in 32-bit columns
/// and a zero cache count as NULL (no bytes). `usage_events_named` is the same events with
/// names and text ids, for queries by hand and the readers that are not on the nightly's path.
enum StoredEvents {
    /// Columns a writer fills, in this order.
    static let columns = ["request_id", "ts_us", "caller_id", "model_id", "input_tokens", "cached_input_tokens", "cache_write_tokens",
                          "cache_write_1h_tokens", "output_tokens", "requests", "latency_ms", "reported_cost", "input_id"]

    /// One event as a row of `columns` (`zeroCountsAsNull`: `SQLExecutor.zeroCountsAsNull`).
    static func row(_ e: UsageEvent, storedID: [UInt8], callerID: Int64, modelID: Int64, inputID: Int64, zeroCountsAsNull: Bool) -> [SQLParam] {
        func cache(_ n: Int64) -> SQLParam { zeroCountsAsNull && n == 0 ? .null : .int(n) }
        return [.blob(storedID), .int(e.timestamp.microseconds), .int(callerID), .int(modelID), .int(e.inputTokens), cache(e.cachedInputTokens),
                cache(e.cacheWriteTokens), cache(e.cacheWrite1hTokens), .int(e.outputTokens), .int(e.requests), .optional(e.latencyMs),
                .optional(e.reportedCost?.description), .int(inputID)]
    }

    /// `usage_events_named`: the events as they came in, names and text ids.
    static func namedView(postgres: Bool) -> String {
        let id = postgres
            ? "CASE WHEN get_byte(e.request_id, 0) = 0 THEN convert_from(substring(e.request_id FROM 2), 'UTF8') "
                + "ELSE p.prefix || encode(substring(e.request_id FROM 2), 'hex') END"
            : "CASE WHEN substr(e.request_id, 1, 1) = x'00' THEN CAST(substr(e.request_id, 2) AS TEXT) "
                + "ELSE p.prefix || lower(hex(substr(e.request_id, 2))) END"
        let prefixID = postgres ? "get_byte(e.request_id, 0)" : "unicode(CAST(substr(e.request_id, 1, 1) AS TEXT))"
        func count(_ c: String) -> String { postgres ? "COALESCE(e.\(c), 0) AS \(c)" : "e.\(c)" }
        return """
            CREATE VIEW usage_events_named AS
            SELECT \(id) AS request_id, e.ts_us, c.customer_id, m.provider, m.model, e.input_tokens,
                   \(count("cached_input_tokens")), \(count("cache_write_tokens")), \(count("cache_write_1h_tokens")),
                   e.output_tokens, e.requests, m.tier, m.status, NULLIF(c.api_key_id, '') AS api_key_id,
                   NULLIF(c.upstream_account, '') AS upstream_account, NULLIF(c.service_id, '') AS service_id,
                   e.latency_ms, e.reported_cost, e.input_id, e.caller_id, e.model_id
            FROM usage_events e JOIN usage_callers c ON c.id = e.caller_id JOIN usage_models m ON m.id = e.model_id
            LEFT JOIN request_id_prefixes p ON p.id = \(prefixID);
            """
    }

    /// The dictionary tables, the same on both stores but for types.
    static func dictionaries(postgres: Bool) -> String {
        // PostgreSQL: byte order ("C"), so that a load's lookups compare bytes, not a locale's rules.
        let t = postgres ? "text COLLATE \"C\" NOT NULL" : "TEXT NOT NULL"
        let id = postgres ? "integer" : "INTEGER"
        return NameDictionary.all.map { d in
            "CREATE TABLE \(d.table) (id \(id) PRIMARY KEY, " + d.columns.map { "\($0) \(t)" }.joined(separator: ", ")
                + ", UNIQUE (\(d.columns.joined(separator: ", "))));\n"
                + (postgres ? "CREATE SEQUENCE \(d.sequence) AS integer;\n" : "")
        }.joined() + """
            CREATE TABLE request_id_prefixes (
                id     \(postgres ? "smallint" : "INTEGER") PRIMARY KEY,
                prefix \(postgres ? "text NOT NULL" : "TEXT NOT NULL") UNIQUE
            );

            """
    }

    /// Columns of schema 13's event rows, which the conversion reads.
    static let legacyColumns = EventArchive.columns + ["input_id"]
}

/// Writes events in the stored layout outside a load: a restore, and the conversion of an
/// older store. A batch at a time, through the same key book as loads.
final class StoredEventSink {
    private let sql: any SQLExecutor
    private let book: UsageKeyBook
    private let zeroCountsAsNull: Bool
    private var batch = UsageEventBatch(capacity: 0)
    private var events: [UsageEvent] = []
    private var inputs: [Int64] = []
    private var rowIDs: [Int64] = []
    private let sink: RowSink
    private let withRowIDs: Bool
    /// Months whose place this sink has made (`SQLExecutor.prepareEventMonth`), once each.
    private(set) var months = Set<PeriodMonth>()
    static let batchSize = 10_000

    /// `rowIDs`: the events' row ids are given (a conversion keeps them: `keepsEventRowIDs`).
    init(_ sql: any SQLExecutor, rowIDs: Bool = false) {
        self.sql = sql
        zeroCountsAsNull = sql.zeroCountsAsNull
        book = UsageKeyBook(resolver: SQLUsageKeyResolver(sql))
        withRowIDs = rowIDs
        sink = sql.rowSink(into: "usage_events", columns: StoredEvents.columns + (rowIDs ? ["rowid"] : []))
    }

    func append(_ e: UsageEvent, inputID: Int64, rowID: Int64 = 0) throws {
        batch.append(e)
        events.append(e)
        inputs.append(inputID)
        rowIDs.append(rowID)
        if batch.count == Self.batchSize { try flush() }
    }

    func flush() throws {
        guard batch.count > 0 else { try sink.flush(); return }
        let encoded = try book.encode(batch, rows: 0..<batch.count)
        for row in 0..<batch.count {
            let e = events[row]
            let month = PeriodMonth(containing: e.timestamp.day)
            if months.insert(month).inserted { try sql.prepareEventMonth(month) }
            var r = StoredEvents.row(e, storedID: Array(encoded.ids[Int(encoded.idStarts[row])..<Int(encoded.idStarts[row + 1])]),
                                     callerID: encoded.callers[row], modelID: encoded.models[row], inputID: inputs[row],
                                     zeroCountsAsNull: zeroCountsAsNull)
            if withRowIDs { r.append(.int(rowIDs[row])) }
            try sink.append(r)
        }
        try sink.flush()
        batch = UsageEventBatch(capacity: 0)
        events.removeAll(keepingCapacity: true)
        inputs.removeAll(keepingCapacity: true)
        rowIDs.removeAll(keepingCapacity: true)
    }
}

/// Schema 14's conversion of the events and ids a store already holds, inside the migration's
/// transaction: every event row rewritten in the new layout (SQLite keeps its row ids), and the
/// request-id set (PostgreSQL) or the archived ids (SQLite) in binary. Time is proportional to
/// the events stored.
enum EventLayoutMigration {
    static func convert(_ sql: any SQLExecutor) throws {
        let rowIDs = sql.keepsEventRowIDs, narrowCounts = sql.storesCountsIn32Bits
        let sink = StoredEventSink(sql, rowIDs: rowIDs)
        // An event's columns (`EventArchive.event`), its input, and its row id where it keeps one.
        let legacy = StoredColumns("usage_events_v13", StoredEvents.legacyColumns + (rowIDs ? ["id"] : []))
        try sql.rowsWhileWriting(legacy.select("FROM usage_events_v13")) { values in
            var row = legacy.reader(values)
            let e = try EventArchive.event(&row)
            if narrowCounts, let (field, value) = Self.tooLarge(e) {
                throw StoreError("event \(e.requestID) has \(field) \(value), more than schema 14 stores (at most \(UsageEvent.maxCount)); "
                    + "no request carries that much: delete the event from usage_events (or keep the settle you have) and run settle init again")
            }
            let inputID = try row.int()
            let rowID = try rowIDs ? row.int() : 0
            try sink.append(e, inputID: inputID, rowID: rowID)
        }
        try sink.flush()
        let (new, old) = sql.keptRequestIDs
        let resolver = SQLUsageKeyResolver(sql)
        var prefixes: [[UInt8]: UInt8?] = [:]
        let ids = sql.rowSink(into: new, columns: ["request_id"])
        var archived = 0
        let kept = StoredColumns(old, ["request_id"])
        try sql.rowsWhileWriting(kept.select("FROM \(old)")) { values in
            var row = kept.reader(values)
            let id = try row.text()
            let stored = try StoredRequestID.encode(id) { p in
                if let known = prefixes[Array(p.utf8)] { return known }
                let made = try resolver.prefixID(p)
                prefixes[Array(p.utf8)] = made
                return made
            }
            try ids.append([.blob(stored)])
            archived += 1
        }
        try ids.flush()
        if archived > 0 { try sql.guardArchivedRequestIDs() }
    }

    /// The first count of `e` above what a 32-bit column holds, if any.
    static func tooLarge(_ e: UsageEvent) -> (String, Int64)? {
        let counts: [(String, Int64)] = [("input_tokens", e.inputTokens), ("cached_input_tokens", e.cachedInputTokens),
                                         ("cache_write_tokens", e.cacheWriteTokens), ("cache_write_1h_tokens", e.cacheWrite1hTokens),
                                         ("output_tokens", e.outputTokens), ("requests", e.requests), ("latency_ms", e.latencyMs ?? 0)]
        return counts.first { $0.1 > UsageEvent.maxCount }
    }
}
