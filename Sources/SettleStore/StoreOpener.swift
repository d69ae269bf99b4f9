import SettleCore

/// Opens the store a database URL names: `sqlite:PATH` (also `sqlite://PATH`, or a bare path
/// ending in .sqlite/.db). PostgreSQL URLs are recognised and refused until that store lands.
public enum StoreOpener {
    public static let defaultURL = "sqlite:var/settle.sqlite"

    public static func open(url: String) throws -> SettleStore {
        if url.hasPrefix("sqlite://") { return try SQLiteStore(path: String(url.dropFirst("sqlite://".count))) }
        if url.hasPrefix("sqlite:") { return try SQLiteStore(path: String(url.dropFirst("sqlite:".count))) }
        if url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") || url.contains("dbname=") {
            throw StoreError("PostgreSQL is not supported by this build yet; use a sqlite: URL")
        }
        if url.hasSuffix(".sqlite") || url.hasSuffix(".db") { return try SQLiteStore(path: url) }
        throw StoreError("the database URL \(redacted(url)) is neither sqlite:PATH nor postgres://…")
    }

    /// The URL with any password replaced by `***`: for messages, logs and run records.
    public static func redacted(_ url: String) -> String {
        let chars = Array(url)
        guard let sep = (0..<max(chars.count - 2, 0)).first(where: { chars[$0] == ":" && chars[$0 + 1] == "/" && chars[$0 + 2] == "/" }) else {
            return url.replacingPassword()
        }
        let hostStart = sep + 3
        guard let at = chars[hostStart...].firstIndex(of: "@"),
              let colon = chars[hostStart..<at].firstIndex(of: ":") else { return url }
        return String(chars[..<(colon + 1)]) + "***" + String(chars[at...])
    }
}

extension String {
    /// Hides `password=…` in a key=value connection string.
    func replacingPassword() -> String {
        split(separator: " ", omittingEmptySubsequences: false).map { part in
            part.lowercased().hasPrefix("password=") ? "password=***" : String(part)
        }.joined(separator: " ")
    }
}
