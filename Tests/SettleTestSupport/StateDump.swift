import Foundation
import CPostgreSQL
import CSQLite

/// The stored state of a settle database as sorted text lines, table by table, for comparing
/// two databases (or one before and after a rerun) exactly. Columns that name a run or a
/// moment of processing (run ids, row ids, `*_at` times) are left out by the caller's list.
public enum StateDump {
    public static let businessTables = [
        "usage_events_named", "quarantine", "bill_lines", "reconciliation_cells", "usage_daily", "usage_daily_days", "usage_latency_daily",
        "usage_summaries", "usage_trials", "period_totals", "period_calls", "alerts", "alert_deliveries", "invoices", "pending_days",
        "payments", "reminders",
    ]

    /// `table: v1|v2|…` per row, every table's rows sorted, without the columns in `excluding`.
    public static func dump(url: String, tables: [String] = businessTables, excluding: Set<String>) throws -> [String] {
        var out: [String] = []
        for table in tables {
            let columns = try self.columns(url: url, table: table).filter { !excluding.contains($0) && !excluding.contains("\(table).\($0)") }
            let select = "SELECT " + columns.map { "CAST(\($0) AS TEXT)" }.joined(separator: ", ") + " FROM \(table)"
            out += try rows(url: url, select).map { "\(table): " + $0.joined(separator: "|") }.sorted()
        }
        return out
    }

    static func columns(url: String, table: String) throws -> [String] {
        if url.hasPrefix("sqlite:") {
            return try rows(url: url, "SELECT name FROM pragma_table_info('\(table)') ORDER BY cid").map { $0[0] }
        }
        return try rows(url: url, """
            SELECT column_name FROM information_schema.columns WHERE table_name = '\(table)' AND table_schema = current_schema()
            ORDER BY ordinal_position
            """).map { $0[0] }
    }

    public static func rows(url: String, _ sql: String) throws -> [[String]] {
        if url.hasPrefix("sqlite:") {
            var db: OpaquePointer?
            guard sqlite3_open_v2(String(url.dropFirst(7)), &db, SQLITE_OPEN_READONLY, nil) == SQLITE_OK else {
                throw TestSetupError("cannot open \(url)")
            }
            defer { sqlite3_close(db) }
            var stmt: OpaquePointer?
            guard sqlite3_prepare_v2(db, sql, -1, &stmt, nil) == SQLITE_OK else {
                throw TestSetupError("\(sql): \(String(cString: sqlite3_errmsg(db)))")
            }
            defer { sqlite3_finalize(stmt) }
            var out: [[String]] = []
            while sqlite3_step(stmt) == SQLITE_ROW {
                out.append((0..<sqlite3_column_count(stmt)).map { i in
                    sqlite3_column_text(stmt, i).map { String(cString: $0) } ?? "∅"
                })
            }
            return out
        }
        guard let conn = PQconnectdb(url), PQstatus(conn) == CONNECTION_OK else { throw TestSetupError("cannot reach \(url)") }
        defer { PQfinish(conn) }
        let result = PQexec(conn, sql)
        defer { PQclear(result) }
        guard PQresultStatus(result) == PGRES_TUPLES_OK else { throw TestSetupError("\(sql): \(String(cString: PQerrorMessage(conn)))") }
        return (0..<PQntuples(result)).map { r in
            (0..<PQnfields(result)).map { c in PQgetisnull(result, r, c) == 1 ? "∅" : String(cString: PQgetvalue(result, r, c)) }
        }
    }

    /// Every file under `folder` (relative path → bytes), but the ones under `skipping` folders.
    public static func files(under folder: String, skipping: Set<String> = ["runs"]) -> [String: Data] {
        var out: [String: Data] = [:]
        guard let walker = FileManager.default.enumerator(atPath: folder) else { return out }
        while let rel = walker.nextObject() as? String {
            if skipping.contains(rel.split(separator: "/").first.map(String.init) ?? "") { continue }
            var isDir: ObjCBool = false
            let full = "\(folder)/\(rel)"
            guard FileManager.default.fileExists(atPath: full, isDirectory: &isDir), !isDir.boolValue else { continue }
            out[rel] = FileManager.default.contents(atPath: full)
        }
        return out
    }
}
