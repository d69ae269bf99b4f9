import Foundation

/// A folder that does not exist yet, written whole under a hidden name beside it and renamed
/// into place once every file in it is on disk.
///
/// A month-end close creates two files per invoice in one new folder; written one by one,
/// each would need a temporary name and a rename to be atomic, which is a third of the
/// kernel's work. In a staging folder nobody reads, each file goes straight to its name, and
/// the one rename at the end makes the month appear complete or not at all. A killed run
/// leaves only the hidden folder, which the next run sweeps (`removeStaleTemporaries`). A
/// folder that already exists is written in place, file by file, as before.
public struct StagedFolder: Sendable {
    /// Where the folder ends up.
    public let final: String
    /// Where to write now: the hidden staging folder, or `final` when it already existed.
    public let path: String
    public var isStaged: Bool { path != final }

    public init(_ final: String) throws {
        self.final = final
        if FileSystem.isDirectory(final) {
            path = final
            return
        }
        let parent = FileSystem.directory(of: final)
        let name = (final as NSString).lastPathComponent
        path = "\(parent)/.\(name).tmp-\(getpid())"
        // Left by a killed run with this pid: nothing in it was ever in place.
        FileSystem.remove(path)
        try FileSystem.createDirectory(path)
    }

    /// Flushes what was written and renames the staging folder to its final name.
    public func commit() throws {
        guard isStaged else { return }
        FileSystem.syncFileSystem(of: path)
        guard rename(path, final) == 0 else {
            throw FileSystemError(path: final, "cannot move the finished folder \(path) into place: \(String(cString: strerror(errno))); "
                                  + "the documents are stored, so running the close again writes the folder anew")
        }
        let parent = open(FileSystem.directory(of: final), O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if parent >= 0 {
            fsync(parent)
            close(parent)
        }
    }

    /// Removes the staging folder of a run that failed before `commit`.
    public func discard() {
        if isStaged { FileSystem.remove(path) }
    }
}
