#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension LineReader {
    /// Calls `body` with each chunk of the file as read, hashing on the way: for formats whose
    /// records are not lines (a JSON document that may sit on one line).
    @discardableResult
    public func forEachChunk(_ body: (UnsafeRawBufferPointer) throws -> Void) throws -> Summary {
        try readChunks { chunk in
            try body(chunk)
            return true
        }
    }

    /// The one read loop: chunks in order, each hashed on the way; `body` returns false to stop.
    func readChunks(_ body: (UnsafeRawBufferPointer) throws -> Bool) throws -> Summary {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw InputFileError(path: path, "cannot open: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        let hasher = hashing ? ChunkHasher() : nil
        var bytes: Int64 = 0
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let n = read(fd, buffer.baseAddress, chunkSize)
            if n < 0 {
                if errno == EINTR { continue }
                throw InputFileError(path: path, "read failed: \(String(cString: strerror(errno)))")
            }
            if n == 0 { break }
            let chunk = UnsafeRawBufferPointer(rebasing: buffer[0..<n])
            hasher?.update(chunk)
            bytes += Int64(n)
            if try !body(chunk) { break }
        }
        return Summary(sha256: hasher?.finish() ?? "", bytes: bytes, lines: 0)
    }

    /// The first `count` bytes of a file (fewer if it is shorter): a look at its format.
    public static func head(path: String, count: Int = 4096) throws -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw InputFileError(path: path, "cannot open: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress! + filled, count - filled) }
            if n < 0 && errno == EINTR { continue }
            guard n >= 0 else { throw InputFileError(path: path, "read failed: \(String(cString: strerror(errno)))") }
            if n == 0 { break }
            filled += n
        }
        return Array(buffer.prefix(filled))
    }
}
