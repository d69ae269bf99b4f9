import SettleCore

/// A load's new events summed per day while they are stored, and written to the daily rows in
/// the load's own transaction: the rollup then never reads a day of events back.
///
/// The daily rows of a day stay exact through this rule, decided when a load first meets a day:
/// - the day has no events yet, or its rows are current and were split at the same price
///   stretches: this load's sums are added to its rows (`add`);
/// - otherwise (rows missing or split differently): the day is marked incomplete, and
///   aggregate sums it from its events (`incomplete`).
/// Adding, never replacing, is what keeps loads running side by side exact: two loads that
/// both find a day empty each add their own events; a load that marks a day incomplete wins over
/// one that found it current, whichever commits last (`UsagePeriods.markLoaded`).
/// A day whose rows are current is one listed in `usage_daily_days` as complete, with the
/// `stretches` its rows were split at, so a price change inside the day makes aggregate roll it
/// up again.
public final class LoadRollup {
    enum Mode { case add, incomplete }

    struct Entry {
        var mode: Mode
        var rollup: DayRollup
        var signature: String
    }

    let sql: any SQLExecutor
    /// Instants inside a day where a price changes; nil when the price book is unknown to the
    /// load (every day it touches is then left for aggregate to roll up).
    let stretches: ((UTCDay) -> [Timestamp])?
    let bands: PriceBands
    private var entries: [Entry] = []
    private var byDay: [Int64: Int] = [:]
    private var lastDay = Int64.min, lastIndex = -1

    init(sql: any SQLExecutor, stretches: ((UTCDay) -> [Timestamp])?, bands: PriceBands = .none) {
        self.sql = sql
        self.stretches = stretches
        self.bands = bands
    }

    @inline(__always) static func dayOrdinal(_ us: Int64) -> Int64 { Timestamp.dayOrdinal(us) }

    /// Meets the days of a batch before its rows are stored: a day's mode depends on whether the
    /// store has events on it, which the batch's own rows would change.
    func prepare(_ batch: UsageEventBatch) throws {
        var row = 0
        while row < batch.count {
            try entry(for: Self.dayOrdinal(batch.ints[row * UsageEventBatch.intsPerRow]))
            row += 1
        }
    }

    @discardableResult
    private func entry(for ordinal: Int64) throws -> Int {
        if ordinal == lastDay { return lastIndex }
        if let i = byDay[ordinal] { lastDay = ordinal; lastIndex = i; return i }
        let day = UTCDay(ordinal: Int(ordinal))
        let cuts = stretches?(day) ?? []
        let signature = DayRollup.signature(of: cuts, in: day, bands: bands)
        var mode = Mode.incomplete
        if stretches != nil {
            // Rows split as the book says now, or a day with no events yet (no rows to disagree).
            let mark = try sql.rows(UsagePeriods.dayMarkColumns, "FROM usage_daily_days WHERE day = ?", [.text(day.description)],
                                    { try UsagePeriods.dayMark(&$0) }).first
            let current = mark?.isCurrent(signature: signature) ?? false
            if try current || sql.fetch("SELECT 1 FROM usage_events WHERE ts_us >= ? AND ts_us < ? LIMIT 1",
                                        [.int(day.start.microseconds), .int(day.adding(days: 1).start.microseconds)]).isEmpty {
                mode = .add
            }
        }
        entries.append(Entry(mode: mode, rollup: DayRollup(day: day, stretches: cuts, bands: bands), signature: signature))
        byDay[ordinal] = entries.count - 1
        lastDay = ordinal
        lastIndex = entries.count - 1
        return lastIndex
    }

    /// Adds rows of a batch that the store has just accepted.
    func add(_ batch: UsageEventBatch, rows: some Sequence<Int>) throws {
        try batch.text.withUnsafeBytes { text in
            try batch.starts.withUnsafeBufferPointer { starts in
                try batch.ints.withUnsafeBufferPointer { ints in
                    let base = UsageEventBatch.base(text)
                    @inline(__always) func cell(_ k: Int) -> UnsafeRawBufferPointer {
                        let start = starts[k]
                        if start < 0 { return UnsafeRawBufferPointer(start: nil, count: 0) }
                        var j = k + 1
                        while starts[j] < 0 { j += 1 }
                        return UnsafeRawBufferPointer(start: base + Int(start), count: Int(starts[j] - start))
                    }
                    for row in rows {
                        let n = row * UsageEventBatch.intsPerRow, k = row * UsageEventBatch.textsPerRow
                        let latency = ints[n + 6]
                        try add(ts: ints[n], customer: cell(k + 1), provider: cell(k + 2), model: cell(k + 3), tier: cell(k + 4),
                                service: cell(k + 8), status: cell(k + 5), input: ints[n + 1], cached: ints[n + 2],
                                cacheWrite: ints[n + 3], output: ints[n + 4], requests: ints[n + 5],
                                latencyMs: latency == Int64.min ? nil : latency, reported: cell(k + 9), cacheWrite1h: ints[n + 7])
                    }
                }
            }
        }
    }

    /// Adds one accepted event; text fields as bytes (a null service is empty).
    @inline(__always)
    func add(ts: Int64, customer: UnsafeRawBufferPointer, provider: UnsafeRawBufferPointer, model: UnsafeRawBufferPointer,
             tier: UnsafeRawBufferPointer, service: UnsafeRawBufferPointer, status: UnsafeRawBufferPointer,
             input: Int64, cached: Int64, cacheWrite: Int64, output: Int64, requests: Int64, latencyMs: Int64?,
             reported: UnsafeRawBufferPointer, cacheWrite1h: Int64) throws {
        let i = try entry(for: Self.dayOrdinal(ts))
        guard entries[i].mode != .incomplete else { entries[i].rollup.touched = true; return }
        entries[i].rollup.add(ts: ts, customer: customer, provider: provider, model: model, tier: tier, service: service, status: status,
                              input: input, cached: cached, cacheWrite: cacheWrite, output: output, requests: requests, latencyMs: latencyMs,
                              reported: reported, cacheWrite1h: cacheWrite1h)
    }

    /// Writes the sums of every day the load stored events on; inside the load's transaction.
    func write(periods: UsagePeriods, at now: Timestamp) throws {
        // Day by day in order: two loads meeting the same days lock their rows in the same order.
        for e in entries.sorted(by: { $0.rollup.day < $1.rollup.day }) where e.rollup.touched {
            switch e.mode {
            case .add: try periods.store(e.rollup, signature: e.signature, merging: true, at: now)
            case .incomplete: try periods.markIncomplete(e.rollup.day, at: now)
            }
        }
    }
}
