import SettleCore

extension SQLiteConnection {
    /// A day's events into its rollup, read in-process as bytes (no strings made per event).
    func rollUpEvents(from: Int64, to: Int64, into rollup: inout DayRollup) throws {
        try forEachRow("""
            SELECT \(UsagePeriods.rollupColumns) FROM \(UsagePeriods.named) WHERE e.ts_us >= ? AND e.ts_us < ?
            """, [.int(from), .int(to)]) { r in
            let latency = r.isNull(12) ? nil : r.int(12)
            rollup.add(ts: r.int(0), customer: r.bytes(1), provider: r.bytes(2), model: r.bytes(3), tier: r.bytes(4), service: r.bytes(5),
                       status: r.bytes(6), input: r.int(7), cached: r.int(8), cacheWrite: r.int(9), output: r.int(10),
                       requests: r.int(11), latencyMs: latency, reported: r.bytes(13), cacheWrite1h: r.int(14))
        }
    }
}
