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
    public static func writeAtomically(_ data: [UInt8], to path: String) throws {
        let dir = directory(of: path)
        try createDirectory(dir)
        let tmp = "\(dir)/.\((path as NSString).lastPathComponent).tmp-\(getpid())"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw FileSystemError(path: tmp, "cannot create: \(String(cString: strerror(errno)))") }
        var ok = true
        data.withUnsafeBytes { buf in
            var offset = 0
            while offset < buf.count {
                let n = write(fd, buf.baseAddress! + offset, buf.count - offset)
                if n < 0 { if errno == EINTR { continue }; ok = false; return }
                offset += n
            }
        }
        ok = ok && fsync(fd) == 0
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

    /// Removes temporary files a killed run left in `dir` (hidden `*.tmp*` files). Call only
    /// while holding the job lock, which proves that no other run is writing them.
    @discardableResult
    public static func removeStaleTemporaries(under dir: String) -> Int {
        guard isDirectory(dir), let walker = FileManager.default.enumerator(atPath: dir) else { return 0 }
        var removed = 0
        while let rel = walker.nextObject() as? String {
            let name = (rel as NSString).lastPathComponent
            guard name.hasPrefix("."), name.contains(".tmp") else { continue }
            if unlink((dir as NSString).appendingPathComponent(rel)) == 0 { removed += 1 }
        }
        return removed
    }

    /// Removes a file if it is there.
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

public struct FileSystemError: Error, CustomStringConvertible {
    public var path: String
    public var problem: String
    public init(path: String, _ problem: String) {
        self.path = path
        self.problem = problem
    }
    public var description: String { "\(path): \(problem)" }
}
