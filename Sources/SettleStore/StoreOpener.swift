import SettleCore

/// Opens the store a database URL names: `sqlite:PATH` (also `sqlite://PATH`, or a bare path
/// ending in .sqlite/.db), or PostgreSQL: a libpq URI (`postgres://…`, `postgresql://…`) or a
/// libpq key=value string (`host=/run/postgresql dbname=settle`).
public enum StoreOpener {
    public static let defaultURL = "sqlite:var/settle.sqlite"

    public static func open(url: String) throws -> any SettleStore {
        if url.hasPrefix("sqlite://") { return try SQLiteStore(path: String(url.dropFirst("sqlite://".count))) }
        if url.hasPrefix("sqlite:") { return try SQLiteStore(path: String(url.dropFirst("sqlite:".count))) }
        if isPostgres(url) { return try PostgresStore(url: url) }
        if url.hasSuffix(".sqlite") || url.hasSuffix(".db") { return try SQLiteStore(path: url) }
        throw StoreError("the database URL \(redacted(url)) is neither sqlite:PATH nor postgres://…")
    }

    public static func isPostgres(_ url: String) -> Bool {
        url.hasPrefix("postgres://") || url.hasPrefix("postgresql://")
            || url.split(separator: " ").contains { $0.hasPrefix("dbname=") || $0.hasPrefix("host=") || $0.hasPrefix("service=") }
    }

    /// The URL with any password replaced by `***`: for messages, logs and run records. Covers
    /// `user:secret@` in a URI and `password=secret` in a query string or key=value string.
    public static func redacted(_ url: String) -> String {
        var chars = Array(url)
        if let sep = (0..<max(chars.count - 2, 0)).first(where: { chars[$0] == ":" && chars[$0 + 1] == "/" && chars[$0 + 2] == "/" }) {
            let hostStart = sep + 3
            let authorityEnd = chars[hostStart...].firstIndex(where: { $0 == "/" || $0 == "?" }) ?? chars.count
            if let at = chars[hostStart..<authorityEnd].lastIndex(of: "@"),
               let colon = chars[hostStart..<at].firstIndex(of: ":") {
                chars.replaceSubrange((colon + 1)..<at, with: Array("***"))
            }
        }
        var text = String(chars)
        var searchFrom = text.startIndex
        // `password=…` in a query string, and libpq's `password = secret` or `password='a b'`.
        while let r = text.range(ofCaseInsensitive: "password", from: searchFrom) {
            var i = r.upperBound
            while i < text.endIndex, text[i] == " " { i = text.index(after: i) }
            guard i < text.endIndex, text[i] == "=" else { searchFrom = r.upperBound; continue }
            i = text.index(after: i)
            while i < text.endIndex, text[i] == " " { i = text.index(after: i) }
            var end = i
            if end < text.endIndex, text[end] == "'" {
                end = text.index(after: end)
                while end < text.endIndex, text[end] != "'" {
                    if text[end] == "\\", text.index(after: end) < text.endIndex { end = text.index(after: end) }
                    end = text.index(after: end)
                }
                if end < text.endIndex { end = text.index(after: end) }
            } else {
                end = text[i...].firstIndex(where: { $0 == "&" || $0 == " " }) ?? text.endIndex
            }
            text.replaceSubrange(i..<end, with: "***")
            searchFrom = text.index(i, offsetBy: 3)
        }
        return text
    }
}

extension String {
    /// Foundation-free case-insensitive search for an ASCII needle.
    func range(ofCaseInsensitive needle: String, from start: Index) -> Range<Index>? {
        let n = needle.lowercased()
        var i = start
        while i < endIndex {
            if self[i...].lowercased().hasPrefix(n) {
                return i..<index(i, offsetBy: n.count)
            }
            i = index(after: i)
        }
        return nil
    }
}
