import Foundation
import CPostgreSQL
import CSQLite
import SettleStore

/// The stores every store test runs against: SQLite always, and PostgreSQL on the throwaway
/// server scripts/test starts ($SETTLE_TEST_POSTGRES_URL). Under CI=true PostgreSQL is always
/// in the list, so a missing server fails the tests instead of skipping them.
public enum StoreKind: String, CaseIterable, Sendable, CustomStringConvertible {
    case sqlite
    case postgres

    public var description: String { rawValue }

    static var postgresURL: String? {
        let url = ProcessInfo.processInfo.environment["SETTLE_TEST_POSTGRES_URL"] ?? ""
        return url.isEmpty ? nil : url
    }

    public static var all: [StoreKind] {
        let ci = ProcessInfo.processInfo.environment["CI"] == "true"
        return postgresURL != nil || ci ? [.sqlite, .postgres] : [.sqlite]
    }

    /// A fresh, empty, migrated store of this kind, and its URL for a child `settle` process.
    /// PostgreSQL tests each get a schema of their own on the shared throwaway server.
    public func makeStore(in folder: TempFolder) throws -> (store: any SettleStore, url: String) {
        let (store, url) = try makeEmptyDatabase(in: folder)
        try store.migrate()
        return (store, url)
    }

    /// A database of this kind with no schema yet (migration tests build old layouts in it).
    public func makeEmptyDatabase(in folder: TempFolder) throws -> (store: any SettleStore, url: String) {
        let url: String
        switch self {
        case .sqlite:
            url = "sqlite:\(folder.path)/var/settle.sqlite"
        case .postgres:
            guard let base = Self.postgresURL else {
                throw TestSetupError("PostgreSQL tests need SETTLE_TEST_POSTGRES_URL; run them through scripts/test")
            }
            let schema = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
            try Self.execute(base, "CREATE SCHEMA \(schema)")
            url = base + (base.contains("?") ? "&" : "?") + "options=-csearch_path%3D\(schema)"
        }
        return (try StoreOpener.open(url: url), url)
    }

    /// Runs SQL on the test server outside any store: schemas and gateway tables for tests.
    public static func execute(_ url: String, _ sql: String) throws {
        guard let conn = PQconnectdb(url), PQstatus(conn) == CONNECTION_OK else {
            throw TestSetupError("cannot reach the test PostgreSQL at \(url)")
        }
        defer { PQfinish(conn) }
        let result = PQexec(conn, sql)
        defer { PQclear(result) }
        let status = PQresultStatus(result)
        guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK else {
            throw TestSetupError("test SQL failed: \(String(cString: PQerrorMessage(conn)))")
        }
    }
}

extension StoreKind {
    /// Runs SQL on a store of either kind behind its back: a database edited by hand.
    public static func tamper(_ url: String, _ sql: String) throws {
        guard url.hasPrefix("sqlite:") else { return try execute(url, sql) }
        var db: OpaquePointer?
        defer { sqlite3_close(db) }
        guard sqlite3_open(String(url.dropFirst(7)), &db) == SQLITE_OK, sqlite3_exec(db, sql, nil, nil, nil) == SQLITE_OK else {
            throw TestSetupError("test SQL failed: \(String(cString: sqlite3_errmsg(db)))")
        }
    }

    /// The first cell of a query on the test server, for facts no store exposes.
    public static func scalar(_ url: String, _ sql: String) throws -> String? {
        guard let conn = PQconnectdb(url), PQstatus(conn) == CONNECTION_OK else {
            throw TestSetupError("cannot reach the test PostgreSQL at \(url)")
        }
        defer { PQfinish(conn) }
        let result = PQexec(conn, sql)
        defer { PQclear(result) }
        guard PQresultStatus(result) == PGRES_TUPLES_OK else {
            throw TestSetupError("test SQL failed: \(String(cString: PQerrorMessage(conn)))")
        }
        guard PQntuples(result) > 0, PQgetisnull(result, 0, 0) == 0 else { return nil }
        return String(cString: PQgetvalue(result, 0, 0))
    }
}

public struct TestSetupError: Error, CustomStringConvertible {
    public var description: String
    public init(_ d: String) { description = d }
}

extension StoreKind {
    /// The first cell of a query on either store.
    public static func scalarAny(_ url: String, _ sql: String) throws -> String? {
        guard url.hasPrefix("sqlite:") else { return try scalar(url, sql) }
        var db: OpaquePointer?
        defer { sqlite3_close(db) }
        guard sqlite3_open_v2(String(url.dropFirst(7)), &db, SQLITE_OPEN_READONLY, nil) == SQLITE_OK else {
            throw TestSetupError("cannot open \(url)")
        }
        var stmt: OpaquePointer?
        defer { sqlite3_finalize(stmt) }
        guard sqlite3_prepare_v2(db, sql, -1, &stmt, nil) == SQLITE_OK else {
            throw TestSetupError("test SQL failed: \(String(cString: sqlite3_errmsg(db)))")
        }
        guard sqlite3_step(stmt) == SQLITE_ROW, let text = sqlite3_column_text(stmt, 0) else { return nil }
        return String(cString: text)
    }
}
