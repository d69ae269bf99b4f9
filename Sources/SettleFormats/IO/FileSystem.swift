import Foundation

/// The few file-system operations settle needs, with the one rule that matters for outputs:
/// a file is written to a temporary name in its folder and renamed, so nobody ever sees half
/// of it, even after `kill -9`.
public enum FileSystem {
    public static func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }

    public static func isDirectory(_ path: String) -> Bool {
        var dir: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &dir) && dir.boolValue
    }

    public static func readText(_ path: String) throws -> String {
        try String(contentsOfFile: path, encoding: .utf8)
    }

    public static func directory(of path: String) -> String {
        let dir = (path as NSString).deletingLastPathComponent
        return dir.isEmpty ? "." : dir
    }

    /// `path` if absolute, else `base/path`, tidied (`./a/../b` becomes `b`).
    public static func resolve(_ path: String, against base: String) -> String {
        if path.hasPrefix("/") { return path }
        if base == "." || base.isEmpty { return path }
        return ((base as NSString).appendingPathComponent(path) as NSString).standardizingPath
    }

    public static func createDirectory(_ path: String) throws {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// Writes `data` to `path` atomically: temp file in the same folder, fsync, rename.
    /// With `durable: false` the fsync is left to one `syncFileSystem(of:)` after a batch of
    /// files: still atomic for a killed process (the rename comes after the whole write).
    public static func writeAtomically(_ data: [UInt8], to path: String, durable: Bool = true) throws {
        // Split by hand and the folder made only when the open says it is missing: a close
        // writes two hundred thousand files, and Foundation's path calls cost more than a write.
        let slash = path.utf8.lastIndex(of: UInt8(ascii: "/"))
        let dir = slash.map { String(path[..<$0]) } ?? "."
        let name = slash.map { String(path[path.utf8.index(after: $0)...]) } ?? path
        let tmp = "\(dir.isEmpty ? "" : dir)/.\(name).tmp-\(getpid())"
        let fd = try create(tmp, in: dir, flags: O_TRUNC)
        var ok = writeAll(data, to: fd)
        if durable { ok = ok && fsync(fd) == 0 }
        close(fd)
        guard ok, rename(tmp, path) == 0 else {
            let why = String(cString: strerror(errno))
            unlink(tmp)
            throw FileSystemError(path: path, "cannot write: \(why)")
        }
    }

    public static func writeAtomically(_ text: String, to path: String) throws {
        try writeAtomically(Array(text.utf8), to: path)
    }

    /// Writes `text` unless the file already holds exactly it: reruns that give the same output
    /// touch nothing. Returns whether it wrote.
    @discardableResult
    public static func writeIfChanged(_ text: String, to path: String, durable: Bool = true) throws -> Bool {
        try writeIfChanged(Array(text.utf8), to: path, durable: durable)
    }

    @discardableResult
    public static func writeIfChanged(_ data: [UInt8], to path: String, durable: Bool = true) throws -> Bool {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd >= 0 {
            defer { close(fd) }
            var st = stat()
            if fstat(fd, &st) == 0 && Int(st.st_size) == data.count {
                var existing = [UInt8](repeating: 0, count: data.count)
                var got = 0
                while got < data.count {
                    let n = existing.withUnsafeMutableBytes { read(fd, $0.baseAddress! + got, data.count - got) }
                    if n <= 0 { break }
                    got += n
                }
                if got == data.count && existing == data { return false }
            }
        }
        try writeAtomically(data, to: path, durable: durable)
        return true
    }

    /// Flushes written files to disk: the end of a batch of non-durable writes. (Glibc's module
    /// does not export syncfs, so this is sync(2): one call per batch.)
    public static func syncFileSystem(of path: String) {
        sync()
    }

    /// Removes temporary files and staging folders a killed run left in `dir` (hidden `*.tmp*`
    /// names). Call only while holding the job lock, which proves that no other run is writing
    /// them.
    @discardableResult
    public static func removeStaleTemporaries(under dir: String) -> Int {
        guard isDirectory(dir), let walker = FileManager.default.enumerator(atPath: dir) else { return 0 }
        var removed = 0
        while let rel = walker.nextObject() as? String {
            let name = (rel as NSString).lastPathComponent
            guard name.hasPrefix("."), name.contains(".tmp") else { continue }
            let path = (dir as NSString).appendingPathComponent(rel)
            if unlink(path) == 0 {
                removed += 1
            } else if isDirectory(path), (try? FileManager.default.removeItem(atPath: path)) != nil {
                walker.skipDescendants()
                removed += 1
            }
        }
        return removed
    }

    /// Writes a file that is not there yet, under its final name: for a staging folder
    /// (`StagedFolder`) that nobody reads until it is renamed into place whole.
    public static func writeNew(_ data: [UInt8], to path: String) throws {
        let fd = try create(path, in: directory(of: path), flags: O_EXCL)
        defer { close(fd) }
        guard writeAll(data, to: fd) else { throw FileSystemError(path: path, "cannot write: \(String(cString: strerror(errno)))") }
    }

    /// Opens `path` for writing, created with `flags`; its folder is worked out and made only
    /// when the open says it is missing.
    private static func create(_ path: String, in dir: @autoclosure () -> String, flags: Int32) throws -> Int32 {
        var fd = open(path, O_WRONLY | O_CREAT | flags | O_CLOEXEC, 0o644)
        if fd < 0 && errno == ENOENT {
            try createDirectory(dir())
            fd = open(path, O_WRONLY | O_CREAT | flags | O_CLOEXEC, 0o644)
        }
        guard fd >= 0 else { throw FileSystemError(path: path, "cannot create: \(String(cString: strerror(errno)))") }
        return fd
    }

    /// Writes all of `data`, retrying short and interrupted writes; false on an error (errno set).
    private static func writeAll(_ data: [UInt8], to fd: Int32) -> Bool {
        data.withUnsafeBytes { buf -> Bool in
            var offset = 0
            while offset < buf.count {
                let n = write(fd, buf.baseAddress! + offset, buf.count - offset)
                if n < 0 { if errno == EINTR { continue }; return false }
                offset += n
            }
            return true
        }
    }

    /// Removes a file, or a folder and what it holds, if it is there.
    public static func remove(_ path: String) {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// The files named on a command line, folders expanded (see `files(under:)`); a path that
    /// does not exist stops the run before anything is read (65).
    public static func inputFiles(_ paths: [String]) throws -> [String] {
        var files: [String] = []
        for path in paths {
            guard exists(path) else { throw InputFileError(path: path, "no such file or folder") }
            files += try self.files(under: path)
        }
        return files
    }

    /// The regular files under `path` (itself, if it is a file), sorted by path; hidden files
    /// and folders are skipped, so an editor's swap file is never ingested.
    /// The names of the entries of one folder (none if it does not exist), read in one pass.
    public static func names(in dir: String) -> Set<String> {
        guard let d = opendir(dir) else { return [] }
        defer { closedir(d) }
        var names = Set<String>()
        while let entry = readdir(d) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.insert(name) }
        }
        return names
    }

    public static func files(under path: String) throws -> [String] {
        guard isDirectory(path) else { return [path] }
        guard let walker = FileManager.default.enumerator(atPath: path) else { return [] }
        var found: [String] = []
        while let rel = walker.nextObject() as? String {
            let name = (rel as NSString).lastPathComponent
            if name.hasPrefix(".") {
                walker.skipDescendants()
                continue
            }
            let full = (path as NSString).appendingPathComponent(rel)
            if !isDirectory(full) { found.append(full) }
        }
        return found.sorted()
    }
}

/// A file settle writes or reads back that fails (exit 1): the message names the file and
/// what went wrong.
public struct FileSystemError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var problem: String
    public init(path: String, _ problem: String) {
        self.path = path
        self.problem = problem
    }
    public var description: String { "\(path): \(problem)" }
}
