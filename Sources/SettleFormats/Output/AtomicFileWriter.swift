#if canImport(Glibc)
import Glibc
#endif

/// Streams a large output file through a buffer into a temporary name, and renames it into
/// place on `commit()`: memory stays at the buffer, and nobody ever sees half a file.
public final class AtomicFileWriter {
    public let path: String
    private let tmpPath: String
    private var fd: Int32
    private var buffer: [UInt8] = []
    private let capacity = 1 << 20

    public init(path: String) throws {
        self.path = path
        let dir = FileSystem.directory(of: path)
        try FileSystem.createDirectory(dir)
        let name = path.split(separator: "/").last.map(String.init) ?? "out"
        tmpPath = "\(dir)/.\(name).tmp-\(getpid())"
        fd = open(tmpPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw FileSystemError(path: tmpPath, "cannot create: \(String(cString: strerror(errno)))") }
        buffer.reserveCapacity(capacity)
    }

    public func write(_ text: String) throws {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= capacity { try drain() }
    }

    private func drain() throws {
        try buffer.withUnsafeBytes { buf in
            var offset = 0
            while offset < buf.count {
                let n = Glibc.write(fd, buf.baseAddress! + offset, buf.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw FileSystemError(path: tmpPath, "cannot write: \(String(cString: strerror(errno)))")
                }
                offset += n
            }
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes, syncs and renames the file into place.
    public func commit() throws {
        try drain()
        fsync(fd)
        close(fd)
        fd = -1
        guard rename(tmpPath, path) == 0 else { throw FileSystemError(path: path, "cannot write: \(String(cString: strerror(errno)))") }
    }

    deinit {
        if fd >= 0 {
            close(fd)
            unlink(tmpPath)
        }
    }
}
