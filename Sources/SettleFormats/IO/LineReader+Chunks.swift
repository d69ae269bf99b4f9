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
            try body(chunk)
        }
        return Summary(sha256: hasher?.finish() ?? "", bytes: bytes, lines: 0)
    }
}
