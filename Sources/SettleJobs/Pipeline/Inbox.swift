#if canImport(Glibc)
import Glibc
#endif
import SettleCore
import SettleFormats
import SettleStore

/// The inbox folders of `[inbox]`, where the gateway's exports and the providers' bills land.
///
/// Files are left where they are (other tools own those folders: rsync, a provider's SFTP
/// drop, the gateway's log rotation). A file is new when the store has not taken in that path
/// with that size and modification time; a bill rewritten in place is new again, and reading
/// it again can only add rows the store does not have.
public struct Inbox {
    public enum Kind: String, Sendable {
        case usage
        case bills
        case payments
    }

    public var kind: Kind
    public var folder: String

    /// The inbox of `kind` from the configuration; a missing key or folder is bad configuration.
    public static func configured(_ kind: Kind, config: SettleConfig) throws -> Inbox {
        let file = config.sourcePath ?? "settle.toml"
        let folders: [Kind: String?] = [.usage: config.inbox.usage, .bills: config.inbox.bills, .payments: config.inbox.payments]
        let what: [Kind: String] = [.usage: "gateway usage files", .bills: "provider bills", .payments: "payment files"]
        guard let folder = folders[kind] ?? nil else {
            throw ConfigError(file: file, key: "inbox.\(kind.rawValue)", "is not set; nightly needs the folder where \(what[kind] ?? "") arrive")
        }
        guard FileSystem.isDirectory(folder) else {
            throw ConfigError(file: file, key: "inbox.\(kind.rawValue)", "names \(folder), which is not a folder; create it or fix the path")
        }
        // The canonical path: the same folder named through another relative path or a
        // symlink must not make every file in it look new.
        guard let real = realpath(folder, nil) else { return Inbox(kind: kind, folder: folder) }
        defer { free(real) }
        return Inbox(kind: kind, folder: String(cString: real))
    }

    /// The files not yet taken in, sorted by path, with the size and time they have now.
    public func newFiles(store: any SettleStore) throws -> [InboxEntry] {
        var out: [InboxEntry] = []
        let pending = store.pending
        for path in try FileSystem.files(under: folder) {
            guard let now = Self.entry(kind: kind.rawValue, path: path) else { continue }
            if let seen = try pending.inboxEntry(kind: kind.rawValue, path: path), seen.isSameFile(as: now) { continue }
            out.append(now)
        }
        return out
    }

    static func entry(kind: String, path: String) -> InboxEntry? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        let mtime = Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec)
        return InboxEntry(kind: kind, path: path, bytes: Int64(st.st_size), modifiedNanoseconds: mtime)
    }
}
