#if canImport(Glibc)
import Glibc
#endif

/// Streams quarantined rows of one input to `quarantine/NAME-SHA12.jsonl` as JSON Lines with
/// the fields `source,line,reason,raw`. Rows go to a temporary file first; `finish` renames it
/// once the input's digest is known, so the name is the same for the same file every time and
/// no half-written file is ever visible.
public final class QuarantineFile {
    private let dir: String
    private let tmpPath: String
    private var handle: UnsafeMutablePointer<FILE>?
    public private(set) var count = 0

    public init(outDir: String, sourcePath: String) {
        dir = "\(outDir)/quarantine"
        tmpPath = "\(dir)/.\(QuarantineFile.safeName(sourcePath)).\(getpid()).tmp"
    }

    public func append(source: String, line: Int, reason: String, raw: String) throws {
        if handle == nil {
            try FileSystem.createDirectory(dir)
            handle = fopen(tmpPath, "w")
            guard handle != nil else { throw FileSystemError(path: tmpPath, "cannot create: \(String(cString: strerror(errno)))") }
        }
        let text = JSONText.object([("source", .string(source)), ("line", .int(Int64(line))),
                                    ("reason", .string(reason)), ("raw", .string(raw))]).rendered() + "\n"
        fputs(text, handle)
        count += 1
    }

    /// Where `finish` publishes the rows of `sourcePath` with digest `sha256`.
    public static func path(outDir: String, sourcePath: String, sha256: String) -> String {
        var name = QuarantineFile.safeName(sourcePath)
        for ext in [".jsonl", ".ndjson", ".json", ".csv"] where name.hasSuffix(ext) { name = String(name.dropLast(ext.count)) }
        return "\(outDir)/quarantine/\(name)-\(sha256.prefix(12)).jsonl"
    }

    /// Publishes the file under its final name; returns that path, or nil when nothing was quarantined.
    public func finish(sourcePath: String, sha256: String) throws -> String? {
        guard let h = handle else { return nil }
        fflush(h)
        fsync(fileno(h))
        fclose(h)
        handle = nil
        let path = "\(dir)/\(QuarantineFile.path(outDir: "", sourcePath: sourcePath, sha256: sha256).split(separator: "/").last!)"
        guard rename(tmpPath, path) == 0 else { throw FileSystemError(path: path, "cannot write: \(String(cString: strerror(errno)))") }
        return path
    }

    /// The last path component, with anything but letters, digits, `.`, `_` and `-` made `_`
    /// (a database source is named like `postgres:usage_logs 2026-10-25..2026-10-26`).
    /// The input file's own name through the one safe encoding (`SafeFileName`): a leading
    /// dot, a space or a 300-byte name never makes a hidden, odd or impossible file.
    static func safeName(_ source: String) -> String {
        SafeFileName.encode(source.split(separator: "/").last.map(String.init) ?? "input")
    }

    /// Drops the temporary file (the load was rolled back).
    public func discard() {
        if let h = handle { fclose(h); handle = nil }
        unlink(tmpPath)
    }

    deinit { discard() }
}
