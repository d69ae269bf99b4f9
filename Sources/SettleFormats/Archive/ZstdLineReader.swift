import CZstd
import Crypto
#if canImport(Glibc)
import Glibc
#endif

/// Reads a zstd-compressed file of lines back, hashing its compressed bytes (SHA-256) on the
/// way, so one pass both checks an archive against its record and yields its lines.
public enum ZstdLineReader {
    /// Calls `body` with each line (without its newline) and its number; returns the file's
    /// SHA-256 (hex) and size. A stream cut short, or not zstd at all, is an error.
    @discardableResult
    public static func forEachLine(path: String, _ body: (UnsafeRawBufferPointer, Int) throws -> Void) throws -> (sha256: String, bytes: Int64) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FileSystemError(path: path, "cannot open: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        guard let dctx = ZSTD_createDCtx() else { throw FileSystemError(path: path, "zstd: out of memory") }
        defer { ZSTD_freeDCtx(dctx) }
        var hasher = SHA256()
        var input = [UInt8](repeating: 0, count: ZSTD_DStreamInSize())
        var output = [UInt8](repeating: 0, count: ZSTD_DStreamOutSize())
        var line: [UInt8] = []
        var lineNumber = 0
        var total: Int64 = 0
        var lastResult = 0
        while true {
            let n = input.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw FileSystemError(path: path, "cannot read: \(String(cString: strerror(errno)))")
            }
            if n == 0 { break }
            total += Int64(n)
            input.withUnsafeBytes { hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
            var source = ZSTD_inBuffer(src: nil, size: n, pos: 0)
            try input.withUnsafeBytes { inBytes in
                source.src = inBytes.baseAddress
                // Until the chunk is used up and the decoder has nothing more to give (a full
                // output buffer may leave output inside it).
                var full = true
                while source.pos < source.size || full {
                    let (rc, produced) = output.withUnsafeMutableBytes { outBytes -> (Int, Int) in
                        var sink = ZSTD_outBuffer(dst: outBytes.baseAddress, size: outBytes.count, pos: 0)
                        let rc = ZSTD_decompressStream(dctx, &sink, &source)
                        return (rc, sink.pos)
                    }
                    if ZSTD_isError(rc) != 0 {
                        throw FileSystemError(path: path, "not a readable zstd stream: \(String(cString: ZSTD_getErrorName(rc)))")
                    }
                    lastResult = rc
                    full = produced == output.count
                    try output.withUnsafeBytes { outBytes in
                        var start = 0
                        for i in 0..<produced where outBytes[i] == 0x0A {
                            lineNumber += 1
                            if line.isEmpty {
                                try body(UnsafeRawBufferPointer(rebasing: outBytes[start..<i]), lineNumber)
                            } else {
                                line.append(contentsOf: outBytes[start..<i])
                                try line.withUnsafeBytes { try body($0, lineNumber) }
                                line.removeAll(keepingCapacity: true)
                            }
                            start = i + 1
                        }
                        if start < produced { line.append(contentsOf: outBytes[start..<produced]) }
                    }
                }
            }
        }
        guard lastResult == 0, line.isEmpty else { throw FileSystemError(path: path, "the file ends in the middle of its zstd stream or a line") }
        return (hexString(hasher.finalize()), total)
    }
}

/// The SHA-256 of a file's bytes as they lie on disk (hex), read in chunks.
public enum FileSHA256 {
    public static func of(path: String) throws(FileSystemError) -> String {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FileSystemError(path: path, "cannot open: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var hasher = SHA256()
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw FileSystemError(path: path, "cannot read: \(String(cString: strerror(errno)))")
            }
            if n == 0 { break }
            chunk.withUnsafeBytes { hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
        }
        return hexString(hasher.finalize())
    }
}
