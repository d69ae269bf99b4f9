import SettleCore

extension PGConnection {
    /// A day's events into its rollup, streamed with COPY a row at a time.
    func rollUpEvents(from: Int64, to: Int64, into rollup: inout DayRollup) throws {
        try copyOut(query: "SELECT \(UsagePeriods.rollupColumns) FROM \(UsagePeriods.named) WHERE e.ts_us >= \(from) AND e.ts_us < \(to)") { line in
            let f = PostgresCopyText.fields(line)
            guard f.count == 15, let ts = f[0].flatMap({ Int64($0) }) else {
                throw StoreError("usage_events holds a row settle cannot read while rolling up \(Timestamp(microseconds: from).day)",
                                 detail: line.count < 400 ? String(decoding: line, as: UTF8.self) : nil)
            }
            func n(_ i: Int) -> Int64 { f[i].flatMap { Int64($0) } ?? 0 }
            rollup.add(ts: ts, customer: f[1] ?? "", provider: f[2] ?? "", model: f[3] ?? "", tier: f[4] ?? "", service: f[5] ?? "",
                       status: f[6] ?? "", input: n(7), cached: n(8), cacheWrite: n(9), output: n(10), requests: n(11),
                       latencyMs: f[12].flatMap { Int64($0) }, reported: f[13] ?? "", cacheWrite1h: n(14))
        }
    }
}
