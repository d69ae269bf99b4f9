import SettleCore

/// What is left for nightly to do, kept in the store so that a run killed half-way, or a file
/// ingested by hand between two nights, is picked up by the next run.
///
/// Ingest marks the days its new rows fall on, in the same transaction as the rows; a step
/// clears a day only after its results for that day are stored (and written), so a kill in
/// between leaves the day marked and the next run does it again, which changes nothing twice.
public final class PendingWork {
    /// The steps that recompute a day from stored data.
    public enum Step: String, Sendable, CaseIterable {
        case reconcile
        case aggregate
        /// The charge audit of a day's usage (after aggregate has rolled it up).
        case audit
    }

    let sql: any SQLExecutor

    init(_ sql: any SQLExecutor) { self.sql = sql }

    /// Marks `days` for `steps`. Call inside the transaction that stored the days' new rows.
    func mark(_ days: [UTCDay], steps: [Step]) throws {
        guard !days.isEmpty else { return }
        for step in steps {
            for day in Set(days).sorted() {
                try sql.perform("INSERT INTO pending_days(step, day) VALUES (?, ?) ON CONFLICT (step, day) DO NOTHING",
                                [.text(step.rawValue), .text(day.description)])
            }
        }
    }

    /// The days marked for `step`, up to and including `through`, oldest first.
    public func days(_ step: Step, through: UTCDay) throws -> [UTCDay] {
        try sql.rows(StoredColumns("pending_days", ["day"]), "FROM pending_days WHERE step = ? AND day <= ? ORDER BY day",
                     [.text(step.rawValue), .text(through.description)], { try $0.day() })
    }

    /// Clears `days` for `step`, once the step's results for them are stored.
    public func clear(_ step: Step, days: [UTCDay]) throws {
        guard !days.isEmpty else { return }
        try sql.inTransaction { try clearInTransaction(step, days: days) }
    }

    func clearInTransaction(_ step: Step, days: [UTCDay]) throws {
        try sql.delete(from: "pending_days", keys: ["step", "day"], values: days.map { [.text(step.rawValue), .text($0.description)] })
    }

    // MARK: Quarantine files

    /// Every stored input that quarantined rows: (path, sha256), in the order they were taken in.
    public func quarantinedInputs() throws -> [(path: String, sha256: String)] {
        try sql.rows(StoredColumns("ingest_inputs", ["path", "sha256"]), "FROM ingest_inputs WHERE quarantined > 0 AND sha256 IS NOT NULL ORDER BY id",
                     []) { row -> (path: String, sha256: String) in
            let path = try row.text()
            let sha256 = try row.text()
            return (path, sha256)
        }
    }

    /// The quarantined rows of one input, in line order: (source, line, reason, raw).
    public func quarantinedRows(sha256: String) throws -> [(source: String, line: Int, reason: String, raw: String)] {
        try sql.rows(StoredColumns("quarantine", ["source", "line", "reason", "raw"]), "FROM quarantine WHERE sha256 = ? ORDER BY line",
                     [.text(sha256)]) { row -> (source: String, line: Int, reason: String, raw: String) in
            let source = try row.text()
            let line = try row.int()
            let reason = try row.text()
            let raw = try row.text()
            return (source, Int(line), reason, raw)
        }
    }

    // MARK: Inbox

    /// The size and modification time an inbox file had when it was taken in, if it was.
    public func inboxEntry(kind: String, path: String) throws -> InboxEntry? {
        try sql.rows(StoredColumns("inbox_files", ["bytes", "mtime_ns", "sha256"]), "FROM inbox_files WHERE kind = ? AND path = ?",
                     [.text(kind), .text(path)]) { row -> InboxEntry in
            let bytes = try row.int()
            let modified = try row.int()
            let sha256 = try row.text()
            return InboxEntry(kind: kind, path: path, bytes: bytes, modifiedNanoseconds: modified, sha256: sha256)
        }.first
    }

    /// Remembers an inbox file as taken in. Call inside the transaction that loaded it.
    func record(_ entry: InboxEntry) throws {
        try sql.perform("""
            INSERT INTO inbox_files(kind, path, bytes, mtime_ns, sha256) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (kind, path) DO UPDATE SET bytes = excluded.bytes, mtime_ns = excluded.mtime_ns, sha256 = excluded.sha256
            """, [.text(entry.kind), .text(entry.path), .int(entry.bytes), .int(entry.modifiedNanoseconds), .text(entry.sha256)])
    }
}

/// An inbox file as nightly saw it. The same path with the same size and modification time is
/// the same file, not read again; a file rewritten in place (a restated bill) is new.
public struct InboxEntry: Sendable, Equatable {
    public var kind: String
    public var path: String
    public var bytes: Int64
    public var modifiedNanoseconds: Int64
    /// Filled in once the file is read.
    public var sha256: String

    public init(kind: String, path: String, bytes: Int64, modifiedNanoseconds: Int64, sha256: String = "") {
        self.kind = kind
        self.path = path
        self.bytes = bytes
        self.modifiedNanoseconds = modifiedNanoseconds
        self.sha256 = sha256
    }

    public func isSameFile(as other: InboxEntry) -> Bool {
        bytes == other.bytes && modifiedNanoseconds == other.modifiedNanoseconds
    }
}
