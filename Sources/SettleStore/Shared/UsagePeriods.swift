import SettleCore

/// Billing periods' usage lines and trial use, by customer and period.
public typealias PeriodSummaries = [PeriodKey: (lines: [UsageSummaryLine], trials: [TrialUse])]

/// Daily usage rows and billing-period summaries, the same SQL on both stores.
///
/// A day's rows are recomputed from its events whenever the day is aggregated, so late events
/// are counted exactly and nothing twice; a period's summary is rebuilt from its days' rows.
public final class UsagePeriods {
    let sql: any SQLExecutor

    init(_ sql: any SQLExecutor) { self.sql = sql }

    /// Replaces the daily rows of `day` from its events, split at `stretches` (instants inside
    /// the day where a price changes), and marks the day as rolled up. The sums are
    /// `DayRollup`'s on both stores, the one statement of the rule that loads use too: the day's
    /// events are read once (SQLite in-process, PostgreSQL streamed with COPY, a row at a time)
    /// into its hash table, then written in one transaction.
    public func rollUp(day: UTCDay, stretches: [Timestamp], bands: PriceBands = .none, at now: Timestamp) throws {
        let rollup = try eventRollup(day: day, stretches: stretches, bands: bands)
        try sql.inTransaction {
            try store(rollup, signature: DayRollup.signature(of: stretches, in: day, bands: bands), merging: false, at: now)
        }
    }

    /// A day summed from its stored events in memory (`DayRollup`): the one read of a day's
    /// events, for its daily rows and for reconciliation. A day of an archived month stops with
    /// `ArchivedEventsNeeded`, naming the archive to restore.
    func eventRollup(day: UTCDay, stretches: [Timestamp], bands: PriceBands) throws -> DayRollup {
        try EventArchive(sql).requireEvents(of: day...day, for: "summing \(day) from its events")
        var rollup = DayRollup(day: day, stretches: stretches, bands: bands)
        try sql.rollUpEvents(from: day.start.microseconds, to: day.adding(days: 1).start.microseconds, into: &rollup)
        return rollup
    }

    /// The events with their caller (`c`) and model (`m`).
    static let named = "usage_events e JOIN usage_callers c ON c.id = e.caller_id JOIN usage_models m ON m.id = e.model_id"

    /// What the rollup reads of each event (`named`), in `DayRollup.add`'s order.
    static let rollupColumns = """
        e.ts_us, c.customer_id, m.provider, m.model, m.tier, c.service_id, m.status, e.input_tokens, COALESCE(e.cached_input_tokens, 0),
        COALESCE(e.cache_write_tokens, 0), e.output_tokens, e.requests, e.latency_ms, e.reported_cost, COALESCE(e.cache_write_1h_tokens, 0)
        """

    static let dailyColumns = ["day", "stretch_us", "customer_id", "provider", "model", "tier", "service_id", "status", "events",
                               "input_tokens", "cached_tokens", "cache_write", "output_tokens", "requests", "costed", "reported_nanos",
                               "cache_write_1h", "band"]
    static let latencyColumns = ["day", "provider", "model", "service_id", "latency_ms", "events"]

    /// Writes a day's sums (inside the caller's transaction), split at `signature`: replacing
    /// its rows and marking it rolled up (aggregate), or `merging` into them (a load's new
    /// events; the sums are added, row by row, and the day marked by `markLoaded`).
    func store(_ rollup: DayRollup, signature: String, merging: Bool, at now: Timestamp) throws {
        let d = SQLParam.text(rollup.day.description)
        let rows = try rollup.rows()
        // Loads add their rows in one fixed order (`lockOrder`).
        let order = merging ? Self.lockOrder(rows) : nil
        let buckets = merging ? Self.inLockOrder(rollup.latencyBuckets) : rollup.latencyBuckets
        let latency = buckets.map { b -> [SQLParam] in
            [d, .text(b.provider), .text(b.model), .text(b.serviceID), .int(b.latencyMs), .int(b.events)]
        }
        if !merging {
            try sql.perform("DELETE FROM usage_daily WHERE day = ?", [d])
            try sql.perform("DELETE FROM usage_latency_daily WHERE day = ?", [d])
        }
        // A day of a million customers is more than half a million rows: they are written a
        // chunk at a time, so their statement parameters never sit in memory all at once.
        let sink = merging ? nil : sql.rowSink(into: "usage_daily", columns: Self.dailyColumns)
        var start = 0
        while start < rows.count {
            let end = min(start + Self.rowsPerWrite, rows.count)
            let chunk = (start..<end).map { i -> [SQLParam] in
                let r = rows[order?[i] ?? i]
                return [d, .int(r.stretchStart.microseconds), .text(r.customerID), .text(r.provider), .text(r.model), .text(r.tier.rawValue),
                        .text(r.serviceID), .text(r.status.rawValue), .int(r.events), .int(r.inputTokens), .int(r.cachedInputTokens),
                        .int(r.cacheWriteTokens), .int(r.outputTokens), .int(r.requests), .int(r.costed ? 1 : 0), .int(r.reportedNanos),
                        .int(r.cacheWrite1hTokens), .int(r.band)]
            }
            if let sink {
                for row in chunk { try sink.append(row) }
            } else {
                try sql.upsert(into: "usage_daily", columns: Self.dailyColumns, rows: chunk,
                               key: ["day", "stretch_us", "customer_id", "provider", "model", "tier", "service_id", "status", "costed", "band"],
                               adding: ["events", "input_tokens", "cached_tokens", "cache_write", "output_tokens", "requests", "reported_nanos",
                                        "cache_write_1h"])
            }
            start = end
        }
        if merging {
            try sql.upsert(into: "usage_latency_daily", columns: Self.latencyColumns, rows: latency,
                           key: ["day", "provider", "model", "service_id", "latency_ms"], adding: ["events"])
            try markLoaded(rollup.day, signature: signature, at: now)
        } else {
            try sink?.flush()
            let latencySink = sql.rowSink(into: "usage_latency_daily", columns: Self.latencyColumns)
            for row in latency { try latencySink.append(row) }
            try latencySink.flush()
            try markRolledUp(rollup.day, signature: signature, at: now)
        }
    }

    /// Daily rows written per statement batch (`store`).
    static let rowsPerWrite = 20_000

    /// Rows in the order loads add them: two loads adding to the same rows at once (several
    /// ingests on PostgreSQL) then lock them in the same order and never deadlock. Any fixed
    /// order of the key does; this one compares field by field, the most varied first, and moves
    /// indices rather than rows (a tuple of six strings per comparison was a tenth of a load's
    /// time on the thread that writes).
    static func lockOrder(_ rows: [UsageDailyRow]) -> [Int] {
        rows.withUnsafeBufferPointer { r in
            r.indices.sorted { i, j in
                let a = r[i], b = r[j]
                if a.customerID != b.customerID { return a.customerID < b.customerID }
                if a.model != b.model { return a.model < b.model }
                if a.provider != b.provider { return a.provider < b.provider }
                if a.serviceID != b.serviceID { return a.serviceID < b.serviceID }
                if a.tier != b.tier { return a.tier.rawValue < b.tier.rawValue }
                if a.status != b.status { return a.status.rawValue < b.status.rawValue }
                if a.stretchStart != b.stretchStart { return a.stretchStart.microseconds < b.stretchStart.microseconds }
                if a.band != b.band { return a.band < b.band }
                return !a.costed && b.costed
            }
        }
    }

    static func inLockOrder(_ buckets: [LatencyBucket]) -> [LatencyBucket] {
        buckets.withUnsafeBufferPointer { r in
            r.indices.sorted { i, j in
                let a = r[i], b = r[j]
                if a.model != b.model { return a.model < b.model }
                if a.provider != b.provider { return a.provider < b.provider }
                if a.serviceID != b.serviceID { return a.serviceID < b.serviceID }
                return a.latencyMs < b.latencyMs
            }.map { r[$0] }
        }
    }

    /// A day summed from all its events: its rows are complete, split at `signature`.
    private func markRolledUp(_ day: UTCDay, signature: String, at now: Timestamp) throws {
        try sql.perform("DELETE FROM usage_daily_days WHERE day = ?", [.text(day.description)])
        try sql.perform("INSERT INTO usage_daily_days(day, computed_at, stretches, complete) VALUES (?, ?, ?, 1)",
                        [.text(day.description), .text(now.description), .text(signature)])
    }

    /// A load added its events to a day's rows, split at `signature`. The day stays complete
    /// only if every load that added to it split the same way; a load that left the day to
    /// aggregate (`markIncomplete`) wins whenever it commits, so a day is never current without
    /// all its events.
    func markLoaded(_ day: UTCDay, signature: String, at now: Timestamp) throws {
        try sql.perform("""
            INSERT INTO usage_daily_days(day, computed_at, stretches, complete) VALUES (?, ?, ?, 1)
            ON CONFLICT (day) DO UPDATE SET computed_at = excluded.computed_at,
                complete = CASE WHEN usage_daily_days.complete = 1 AND usage_daily_days.stretches = excluded.stretches THEN 1 ELSE 0 END,
                stretches = excluded.stretches
            """, [.text(day.description), .text(now.description), .text(signature)])
    }

    /// A day whose rows miss some of its events: aggregate sums it from its events.
    func markIncomplete(_ day: UTCDay, at now: Timestamp) throws {
        try sql.perform("""
            INSERT INTO usage_daily_days(day, computed_at, stretches, complete) VALUES (?, ?, '', 0)
            ON CONFLICT (day) DO UPDATE SET complete = 0
            """, [.text(day.description), .text(now.description)])
    }

    /// Days whose daily rows are current: complete, and split at the stretches and bands the
    /// book has now. The one rule for aggregate (nothing to roll up) and reconciliation (summed
    /// from the rows).
    public func currentDays(from: UTCDay, to: UTCDay, stretches: (UTCDay) -> [Timestamp], bands: PriceBands = .none) throws -> Set<UTCDay> {
        Set(try sql.rows(Self.dayMarkColumns, "FROM usage_daily_days WHERE day >= ? AND day <= ?",
                         [.text(from.description), .text(to.description)]) { row -> UTCDay? in
            let mark = try Self.dayMark(&row)
            return mark.isCurrent(signature: DayRollup.signature(of: stretches(mark.day), in: mark.day, bands: bands)) ? mark.day : nil
        }.compactMap { $0 })
    }

    /// What `usage_daily_days` says of a day: whether its rows hold all its events, and the
    /// stretches and bands they were split at (NULL in a store of an earlier release).
    struct DayMark {
        var day: UTCDay
        var stretches: String?
        var complete: Bool
        func isCurrent(signature: String) -> Bool { complete && stretches == signature }
    }

    static let dayMarkColumns = StoredColumns("usage_daily_days", ["day", "stretches", "complete"])

    static func dayMark(_ row: inout StoredRow) throws -> DayMark {
        let day = try row.day()
        let stretches = try row.optionalText()
        let complete = try row.flag()
        return DayMark(day: day, stretches: stretches, complete: complete)
    }

    /// The latency histogram of `from`…`to`: (provider, model, service_id, latency_ms, events).
    public func latencyHistogram(from: UTCDay, to: UTCDay) throws -> [LatencyBucket] {
        let buckets = StoredColumns("usage_latency_daily", ["provider", "model", "service_id", "latency_ms", "SUM(events)"])
        return try sql.rows(buckets, """
            FROM usage_latency_daily WHERE day >= ? AND day <= ?
            GROUP BY provider, model, service_id, latency_ms
            """, [.text(from.description), .text(to.description)]) { row -> LatencyBucket in
            let provider = try row.text()
            let model = try row.text()
            let serviceID = try row.text()
            let latencyMs = try row.int()
            let events = try row.int()
            return LatencyBucket(provider: provider, model: model, serviceID: serviceID, latencyMs: latencyMs, events: events)
        }
    }

    public func rolledUpDays(from: UTCDay, to: UTCDay) throws -> Set<UTCDay> {
        let days = StoredColumns("usage_daily_days", ["day"])
        return Set(try sql.rows(days, "FROM usage_daily_days WHERE day >= ? AND day <= ? AND complete = 1",
                                [.text(from.description), .text(to.description)], { try $0.day() }))
    }

    /// The first day that has events, if any: periods are never summed from before it.
    public func firstEventDay() throws -> UTCDay? {
        // Archived months count: their events were there, and periods are summed from them.
        // MIN over no row is NULL.
        let stored = StoredColumns("usage_events", ["MIN(ts_us)"]), archived = StoredColumns("archives", ["MIN(first_ts_us)"])
        let firsts = [try sql.rows(stored, "FROM usage_events", [], { try $0.optionalInt() })[0],
                      try sql.rows(archived, "FROM archives", [], { try $0.optionalInt() })[0]].compactMap { $0 }
        guard let us = firsts.min() else { return nil }
        return Timestamp(microseconds: us).day
    }

    /// The daily rows as they are written (`dailyColumns`), read back whole.
    static let dailyRowColumns = StoredColumns("usage_daily", dailyColumns)

    public func dailyRows(from: UTCDay, to: UTCDay, customers: [String]? = nil) throws -> [UsageDailyRow] {
        let (only, ids) = Self.customerFilter(customers)
        var rows: [UsageDailyRow] = []
        // A month of a busy gateway is hundreds of thousands of rows naming a few days,
        // providers and models: each is made once.
        var days: [String: UTCDay] = [:]
        var shared = SharedNames()
        try sql.eachRow(Self.dailyRowColumns, "FROM usage_daily WHERE day >= ? AND day <= ?\(only)",
                        [.text(from.description), .text(to.description)] + ids) { row in
            let dayText = try row.text()
            let day: UTCDay
            if let known = days[dayText] {
                day = known
            } else {
                guard let parsed = UTCDay(dayText) else { throw StoreError.unreadable("usage_daily.day", dayText) }
                day = parsed
                days[dayText] = parsed
            }
            let stretchStart = try row.int()
            let customerID = try row.text()
            let provider = try shared(row.text())
            let model = try shared(row.text())
            let tier = try row.value(Tier.self)
            let serviceID = try shared(row.text())
            let status = try row.value(EventStatus.self)
            let events = try row.int()
            let inputTokens = try row.int()
            let cachedInputTokens = try row.int()
            let cacheWriteTokens = try row.int()
            let outputTokens = try row.int()
            let requests = try row.int()
            let costed = try row.int() != 0
            let reportedNanos = try row.int()
            let cacheWrite1hTokens = try row.int()
            let band = try row.int()
            rows.append(UsageDailyRow(day: day, stretchStart: Timestamp(microseconds: stretchStart), customerID: customerID,
                                      provider: provider, model: model, tier: tier, serviceID: serviceID, status: status, events: events,
                                      inputTokens: inputTokens, cachedInputTokens: cachedInputTokens, cacheWriteTokens: cacheWriteTokens,
                                      cacheWrite1hTokens: cacheWrite1hTokens, outputTokens: outputTokens, requests: requests, costed: costed,
                                      reportedNanos: reportedNanos, band: band))
        }
        return rows
    }

    /// Prompt plus completion tokens of a customer's ok events on a service before `time`.
    /// Archived months are summed from their daily rows (whole days: `time` is a period's
    /// first instant).
    public func serviceTokens(customer: String, service: String, before time: Timestamp) throws -> Int64 {
        let archived = try EventArchive(sql).records().filter { $0.month.firstDay.start < time }
        // Events of an archived month (late ones) are in its daily rows too: summed there only.
        let outside = archived.map { r in
            " AND NOT (ts_us >= \(r.month.firstDay.start.microseconds) AND ts_us < \(r.month.next.firstDay.start.microseconds))"
        }.joined()
        // COALESCE: a sum over no event is NULL, and no event is 0 tokens.
        let eventTokens = StoredColumns("usage_events", ["COALESCE(SUM(CAST(input_tokens AS BIGINT) + output_tokens), 0)"])
        let dailyTokens = StoredColumns("usage_daily", ["COALESCE(SUM(input_tokens + output_tokens), 0)"])
        var total = try sql.rows(eventTokens, """
            FROM usage_events
            WHERE caller_id < 0 AND caller_id IN (\(Self.serviceCallers)) AND model_id IN (\(Self.answered)) AND ts_us < CAST(? AS BIGINT)\(outside)
            """, [.text(customer), .text(service), .int(time.microseconds)], { try $0.int() })[0]
        for r in archived {
            let last = min(r.month.lastDay, time.day.adding(days: -1))
            total += try sql.rows(dailyTokens, """
                FROM usage_daily
                WHERE customer_id = ? AND service_id = ? AND status = 'ok' AND day >= ? AND day <= ?
                """, [.text(customer), .text(service), .text(r.month.firstDay.description), .text(last.description)], { try $0.int() })[0]
        }
        return total
    }

    /// A customer's ok events on a service in [from, to), in event order (ts, then request_id),
    /// as (input, output), until `body` returns false. Reads a page at a time, the first small:
    /// a trial is usually used up by a handful of events. One statement per page: aggregate asks
    /// this of every customer with a trial, and on PostgreSQL each statement is a round trip.
    /// `checkingArchive: false` when the caller knows no day of the span is archived.
    public func serviceEvents(customer: String, service: String, from: Timestamp, to: Timestamp, checkingArchive: Bool = true,
                              _ body: (Int64, Int64) -> Bool) throws {
        if checkingArchive {
            try EventArchive(sql).requireEvents(of: from.day...Timestamp(microseconds: to.microseconds - 1).day,
                                                for: "counting the free trial of \(service) used by \(customer)")
        }
        typealias Event = (requestID: String, input: Int64, output: Int64, ts: Int64)
        let tokens = StoredColumns("usage_events_named", ["request_id", "input_tokens", "output_tokens", "ts_us"])
        func read(_ row: inout StoredRow) throws -> Event {
            let requestID = try row.text()
            let input = try row.int()
            let output = try row.int()
            let ts = try row.int()
            return (requestID, input, output, ts)
        }
        let named = "FROM usage_events_named WHERE customer_id = ? AND service_id = ? AND status = 'ok' AND caller_id < 0"
        var afterTS = from.microseconds - 1
        var pageSize: Int64 = 16
        while true {
            var page = try sql.rows(tokens, "\(named) AND ts_us > CAST(? AS BIGINT) AND ts_us < CAST(? AS BIGINT) ORDER BY ts_us LIMIT CAST(? AS BIGINT)",
                                    [.text(customer), .text(service), .int(afterTS), .int(to.microseconds), .int(pageSize)], read)
            guard let lastTS = page.last?.ts else { return }
            let full = Int64(page.count) == pageSize
            if full, let cut = page.firstIndex(where: { $0.ts == lastTS }) {
                // A full page may end inside a microsecond: its events are taken together, whole.
                if cut > 0 {
                    page.removeSubrange(cut...)
                } else {
                    page = try sql.rows(tokens, "\(named) AND ts_us = CAST(? AS BIGINT)", [.text(customer), .text(service), .int(lastTS)], read)
                }
            }
            // Events of one microsecond in request-id order, byte by byte (their stored bytes
            // sort otherwise than their text).
            page.sort { $0.ts != $1.ts ? $0.ts < $1.ts : $0.requestID.utf8.lexicographicallyPrecedes($1.requestID.utf8) }
            for e in page where !body(e.input, e.output) { return }
            guard full, let last = page.last else { return }
            afterTS = last.ts
            pageSize = min(pageSize * 4, 1024)
        }
    }

    /// A customer's callers on a service, and the models of answered (ok) events.
    static let serviceCallers = "SELECT id FROM usage_callers WHERE customer_id = ? AND service_id = ?"
    static let answered = "SELECT id FROM usage_models WHERE status = 'ok'"

    /// One customer's period, as aggregate rebuilt it.
    public struct Replacement: Sendable {
        public var totals: PeriodTotals
        public var billingDay: Int
        public var lines: [UsageSummaryLine]
        public var trials: [TrialUse]
        public init(totals: PeriodTotals, billingDay: Int, lines: [UsageSummaryLine], trials: [TrialUse]) {
            self.totals = totals
            self.billingDay = billingDay
            self.lines = lines
            self.trials = trials
        }
    }

    /// Replaces customers' periods (lines, trial use, totals) in one transaction; each is then
    /// due for alert evaluation. `days` stop being pending for aggregate in the same
    /// transaction. Rows go in and out in chunks, not one statement per row.
    public func replace(_ periods: [Replacement], clearingPending days: [UTCDay] = []) throws {
        var once: [Replacement]? = periods
        try replace(keys: periods.map { ($0.totals.customerID, $0.totals.period.firstDay) }, clearingPending: days) {
            defer { once = nil }
            return once
        }
    }

    /// `replace` for periods that are still being summarized while the first are stored: `next`
    /// hands over the next chunk, nil after the last. `keys` (customer, period's first day)
    /// name every period the chunks will hold, so their old rows go first.
    public func replace(keys: [(customerID: String, periodStart: UTCDay)], clearingPending days: [UTCDay] = [],
                        chunks next: () throws -> [Replacement]?) throws {
        try sql.inTransaction {
            try PendingWork(sql).clearInTransaction(.aggregate, days: days)
            let keys = keys.map { [SQLParam.text($0.customerID), .text($0.periodStart.description)] }
            for table in ["usage_summaries", "usage_trials", "period_totals", "period_calls"] {
                try sql.delete(from: table, keys: ["customer_id", "period_start"], values: keys)
            }
            let lines = sql.rowSink(into: "usage_summaries", columns: ["customer_id", "period_start", "provider", "model", "tier",
                                                                     "token_type", "service_id", "unit_price", "quantity",
                                                                     "error_quantity", "charge", "upstream_cost", "band",
                                                                     "from_day", "through_day"])
            let trials = sql.rowSink(into: "usage_trials", columns: ["customer_id", "period_start", "service_id", "free_input", "free_output"])
            let totals = sql.rowSink(into: "period_totals", columns: ["customer_id", "period", "period_start", "billing_day", "plan", "tokens",
                                                                     "calls", "cost", "trial_credit", "unpriced_quantity",
                                                                     "events", "error_events", "as_of", "projected_tokens", "projected_calls",
                                                                     "projected_cost", "alerts_due", "priced_with"])
            let calls = sql.rowSink(into: "period_calls", columns: ["customer_id", "period_start", "provider", "calls"])
            while let chunk = try next() {
                for p in chunk {
                    let c = SQLParam.text(p.totals.customerID), start = SQLParam.text(p.totals.period.firstDay.description)
                    for l in p.lines {
                        try lines.append([c, start, .text(l.provider), .text(l.model), .text(l.tier.rawValue), .text(l.tokenType.rawValue),
                                          .text(l.serviceID), .decimal(l.unitPrice), .int(l.quantity), .int(l.errorQuantity), .decimal(l.charge),
                                          .decimal(l.upstreamCost), .int(l.band), .optional(l.from?.description),
                                          .optional(l.through?.description)])
                    }
                    for t in p.trials { try trials.append([c, start, .text(t.serviceID), .int(t.freeInput), .int(t.freeOutput)]) }
                    let t = p.totals
                    for (provider, n) in t.callsByProvider.sorted(by: { $0.key < $1.key }) {
                        try calls.append([c, start, .text(provider), .int(n)])
                    }
                    try totals.append([c, .text(t.period.description), start, .int(Int64(p.billingDay)), .text(t.plan), .int(t.tokens),
                                       .int(t.calls), .decimal(t.cost), .decimal(t.trialCredit), .int(t.unpricedQuantity),
                                       .int(t.events), .int(t.errorEvents), .text(t.asOf.description), .int(t.projectedTokens),
                                       .int(t.projectedCalls), .decimal(t.projectedCost), .int(1), .text(t.pricedWith)])
                }
            }
            try lines.flush()
            try trials.flush()
            try totals.flush()
            try calls.flush()
        }
    }

    static let totalsColumns = StoredColumns("period_totals", ["customer_id", "period_start", "billing_day", "plan", "tokens", "calls",
                                                              "cost", "trial_credit", "unpriced_quantity", "events",
                                                              "error_events", "as_of", "projected_tokens", "projected_calls", "projected_cost"])

    static let callsColumns = StoredColumns("period_calls", ["customer_id", "period_start", "provider", "calls"])

    /// Periods whose figures changed since alerts last looked at them (or all, when `dueOnly` is false).
    /// `startingIn`: only the periods that start in that month (the finance workbook's).
    /// `customers`: only theirs.
    public func totals(dueOnly: Bool = false, startingIn month: PeriodMonth? = nil, customers: [String]? = nil) throws -> [PeriodTotals] {
        var conditions: [String] = [], params: [SQLParam] = []
        if let customers, customers.isEmpty { return [] }
        if dueOnly { conditions.append("alerts_due = 1") }
        if let month { conditions.append("period = ?"); params.append(.text(month.description)) }
        if let customers {
            conditions.append("customer_id IN (\(Array(repeating: "?", count: customers.count).joined(separator: ", ")))")
            params += customers.map { .text($0) }
        }
        var all: [PeriodTotals] = []
        let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        // Calls per provider (limits such as `calls_by_provider = { google = 200 }`): a row per
        // provider a period called, read for the same periods as the totals.
        var callsByPeriod: [PeriodKey: [String: Int64]] = [:]
        try sql.eachRow(Self.callsColumns, """
            FROM period_calls\(conditions.isEmpty ? "" : " WHERE (customer_id, period_start) IN (SELECT customer_id, period_start FROM period_totals \(filter))")
            """, params) { row in
            let key = PeriodKey(customerID: try row.text(), periodStart: try row.day())
            let provider = try row.text()
            callsByPeriod[key, default: [:]][provider] = try row.int()
        }
        try sql.eachRow(Self.totalsColumns, "FROM period_totals \(filter)", params) { row in
            let customerID = try row.text()
            let periodStart = try row.day()
            let billingDay = try row.int()
            let plan = try row.text()
            let tokens = try row.int()
            let calls = try row.int()
            let cost = try row.money()
            let trialCredit = try row.money()
            let unpricedQuantity = try row.int()
            let events = try row.int()
            let errorEvents = try row.int()
            let asOf = try row.day()
            var t = PeriodTotals(customerID: customerID, period: BillingPeriod(containing: periodStart, billingDay: Int(billingDay)),
                                 plan: plan, asOf: asOf)
            t.tokens = tokens
            t.calls = calls
            t.callsByProvider = callsByPeriod[PeriodKey(customerID: customerID, periodStart: periodStart)] ?? [:]
            t.cost = cost
            t.trialCredit = trialCredit
            t.unpricedQuantity = unpricedQuantity
            t.events = events
            t.errorEvents = errorEvents
            t.projectedTokens = try row.int()
            t.projectedCalls = try row.int()
            t.projectedCost = try row.money()
            all.append(t)
        }
        return all.sorted { ($0.customerID, $0.period) < ($1.customerID, $1.period) }
    }

    public func markAlertsEvaluated(_ totals: [PeriodTotals]) throws {
        // Many periods per statement (a statement each was a round trip each on PostgreSQL).
        try sql.inTransaction {
            var at = 0
            while at < totals.count {
                let chunk = totals[at..<min(at + 500, totals.count)]
                try sql.perform("""
                    UPDATE period_totals SET alerts_due = 0
                    WHERE (customer_id, period_start) IN (VALUES \(Array(repeating: "(?, ?)", count: chunk.count).joined(separator: ", ")))
                    """, chunk.flatMap { [SQLParam.text($0.customerID), .text($0.period.firstDay.description)] })
                at += chunk.count
            }
        }
    }

    /// The months in which some summed billing period starts, oldest first.
    /// ` AND customer_id IN (?, …)` and its parameters, or nothing for every customer. A list
    /// of ids (not a range of them) so that the stores' collations never matter.
    static func customerFilter(_ customers: [String]?) -> (String, [SQLParam]) {
        guard let customers else { return ("", []) }
        return (" AND customer_id IN (\(Array(repeating: "?", count: customers.count).joined(separator: ", ")))", customers.map { .text($0) })
    }

    /// What the summaries of `customers`' periods starting in `month` were priced with
    /// (`PricingFingerprint`), by customer.
    public func pricedWith(startingIn month: PeriodMonth, customers: [String]) throws -> [String: String] {
        var out: [String: String] = [:]
        guard !customers.isEmpty else { return out }
        let (only, ids) = Self.customerFilter(customers)
        let priced = StoredColumns("period_totals", ["customer_id", "priced_with"])
        try sql.eachRow(priced, "FROM period_totals WHERE period = ?\(only)", [.text(month.description)] + ids) { row in
            let customerID = try row.text()
            out[customerID] = try row.text()
        }
        return out
    }

    public func summedMonths() throws -> [PeriodMonth] {
        let periods = StoredColumns("period_totals", ["period"])
        return try sql.fetch("SELECT DISTINCT \(periods.list) FROM period_totals ORDER BY period", []).map { values -> PeriodMonth in
            var row = periods.reader(values)
            return try row.month()
        }
    }

    /// Every customer's lines and trial use for the billing periods that start in `month` (on
    /// any of its billing days).
    /// `customers`: only theirs (a month-end reads a month a thousand customers at a time).
    public func periodsStarting(in month: PeriodMonth, customers: [String]? = nil) throws -> PeriodSummaries {
        let days = BillingPeriod.billingDays
        return try periodsStarting(from: BillingPeriod(month: month, billingDay: days.lowerBound).firstDay,
                                   to: BillingPeriod(month: month, billingDay: days.upperBound).firstDay, customers: customers)
    }

    /// Every customer's lines and trial use for the periods starting `from`…`to`, keyed by
    /// customer: one query each, for invoicing a whole month (or the `customers` given).
    public func periodsStarting(from: UTCDay, to: UTCDay, customers: [String]? = nil) throws -> PeriodSummaries {
        var out: PeriodSummaries = [:]
        if let customers, customers.isEmpty { return out }
        let (only, ids) = Self.customerFilter(customers)
        let range: [SQLParam] = [.text(from.description), .text(to.description)] + ids
        // A month holds a million lines but a few dozen providers, models and services.
        var shared = SharedNames()
        try sql.eachRow(Self.periodLineColumns, "FROM usage_summaries WHERE period_start >= ? AND period_start <= ?\(only)", range) { row in
            let customerID = try row.text()
            let periodStart = try row.day()
            let line = try Self.summaryLine(&row) { shared($0) }
            // Appended in place: taking the value out and putting it back would copy its lines.
            out[PeriodKey(customerID: customerID, periodStart: periodStart), default: ([], [])].lines.append(line)
        }
        try sql.eachRow(Self.periodTrialColumns, "FROM usage_trials WHERE period_start >= ? AND period_start <= ?\(only)", range) { row in
            let customerID = try row.text()
            let periodStart = try row.day()
            let trial = try Self.trial(&row)
            out[PeriodKey(customerID: customerID, periodStart: periodStart), default: ([], [])].trials.append(trial)
        }
        for k in out.keys {
            out[k]!.lines.sort(by: PeriodSummarizer.order)
            out[k]!.trials.sort { $0.serviceID < $1.serviceID }
        }
        return out
    }

    public func lines(customer: String, period: BillingPeriod) throws -> [UsageSummaryLine] {
        try sql.rows(Self.lineColumns, "FROM usage_summaries WHERE customer_id = ? AND period_start = ?",
                     [.text(customer), .text(period.firstDay.description)], { row in try Self.summaryLine(&row) { $0 } })
            .sorted(by: PeriodSummarizer.order)
    }

    public func trials(customer: String, period: BillingPeriod) throws -> [TrialUse] {
        try sql.rows(Self.trialColumns, "FROM usage_trials WHERE customer_id = ? AND period_start = ?",
                     [.text(customer), .text(period.firstDay.description)], { try Self.trial(&$0) })
            .sorted { $0.serviceID < $1.serviceID }
    }

    /// A usage line's columns (`summaryLine`); with the period they belong to first, a month's.
    static let lineNames = ["provider", "model", "tier", "token_type", "service_id", "unit_price", "quantity", "error_quantity", "charge",
                            "upstream_cost", "band", "from_day", "through_day"]
    static let lineColumns = StoredColumns("usage_summaries", lineNames)
    static let periodLineColumns = StoredColumns("usage_summaries", ["customer_id", "period_start"] + lineNames)
    static let trialColumns = StoredColumns("usage_trials", ["service_id", "free_input", "free_output"])
    static let periodTrialColumns = StoredColumns("usage_trials", ["customer_id", "period_start", "service_id", "free_input", "free_output"])

    /// The `lineNames` columns of a row. `name` gives each provider, model and service its one
    /// copy (`SharedNames`) where a month of lines repeats them. Prices and charges of a line
    /// summed before they were kept are NULL, and so are the days of one summed before days were.
    static func summaryLine(_ row: inout StoredRow, _ name: (String) -> String) throws -> UsageSummaryLine {
        let provider = try name(row.text())
        let model = try name(row.text())
        let tier = try row.value(Tier.self)
        let tokenType = try row.value(TokenType.self)
        let serviceID = try name(row.text())
        let unitPrice = try row.decimal()
        let quantity = try row.int()
        let errorQuantity = try row.int()
        let charge = try row.decimal()
        let upstreamCost = try row.decimal()
        let band = try row.int()
        let from = try row.optionalDay()
        let through = try row.optionalDay()
        return UsageSummaryLine(provider: provider, model: model, tier: tier, tokenType: tokenType, serviceID: serviceID, unitPrice: unitPrice,
                                quantity: quantity, errorQuantity: errorQuantity, charge: charge, upstreamCost: upstreamCost, band: band,
                                from: from, through: through)
    }

    /// The `trialColumns` columns of a row.
    static func trial(_ row: inout StoredRow) throws -> TrialUse {
        let serviceID = try row.text()
        let freeInput = try row.int()
        let freeOutput = try row.int()
        return TrialUse(serviceID: serviceID, freeInput: freeInput, freeOutput: freeOutput)
    }
}
