import SettleCore

/// PostgreSQL's side of the stored events (`SQLExecutor`): usage_events partitioned by month
/// (`EventPartitions`), and every request id in `request_ids`, whose primary key is the one
/// unique key across partitions. An archived month's partition is dropped; its ids stay in the
/// set, so an archived event loaded again is still a duplicate.
extension PGConnection {
    var zeroCountsAsNull: Bool { true }

    func prepareEventMonth(_ month: PeriodMonth) throws {
        let (from, to) = EventPartitions.bounds(month)
        try perform("CREATE TABLE IF NOT EXISTS \(EventPartitions.name(month)) PARTITION OF usage_events FOR VALUES FROM (\(from)) TO (\(to))", [])
    }

    func monthsListedWithEvents() throws -> [PeriodMonth]? {
        try EventPartitions.list(self).map(\.month)
    }

    func streamEventRows(_ select: String, _ body: ([String?]) throws -> Void) throws {
        try copyOut(query: select) { line in
            try body(PostgresCopyText.fields(line))
        }
    }

    func rowsWhileWriting(_ select: String, _ body: ([String?]) throws -> Void) throws {
        try execute("DECLARE settle_convert NO SCROLL CURSOR FOR \(select)")
        while true {
            let rows = try query("FETCH 10000 FROM settle_convert")
            if rows.count == 0 { break }
            for r in 0..<rows.count { try body(rows.values(r)) }
        }
        try execute("CLOSE settle_convert")
    }

    func removeArchivedEvents(of month: PeriodMonth) throws {
        let partition = EventPartitions.name(month)
        let present = StoredColumns(partition, ["to_regclass(?) IS NOT NULL"])
        if try rows(present, "", [.text(partition)], { try $0.flag() })[0] {
            try perform("ALTER TABLE usage_events DETACH PARTITION \(partition)", [])
            try perform("DROP TABLE \(partition)", [])
        }
    }

    func beginRestore(of month: PeriodMonth) throws {
        try prepareEventMonth(month)
    }

    func endRestore(of month: PeriodMonth) throws {}

    func dropEmptyEventMonths(before: PeriodMonth) throws -> [PeriodMonth] {
        let archive = EventArchive(self)
        var dropped: [PeriodMonth] = []
        for (month, table) in try EventPartitions.list(self) where month < before {
            guard try !archive.hasEvents(month) else { continue }
            try transaction {
                try execute("ALTER TABLE usage_events DETACH PARTITION \(table); DROP TABLE \(table)")
            }
            dropped.append(month)
        }
        return dropped
    }

    func reclaimSpace() throws {}

    var keepsEventRowIDs: Bool { false }

    var storesCountsIn32Bits: Bool { true }

    var keptRequestIDs: (table: String, schema13Table: String) { ("request_ids", "request_ids_v13") }

    func guardArchivedRequestIDs() throws {}
}
