import CZstd
import Crypto
#if canImport(Glibc)
import Glibc
#endif

/// A zstd stream written to a file, its compressed bytes hashed (SHA-256) as they go out, so
/// the checksum an archive record keeps is that of the file exactly as it lies on disk.
///
/// Written under a temporary name and synced before the caller renames it into place: a
/// half-written archive never carries the final name.
public final class ZstdFileWriter {
    public let path: String
    private var fd: Int32
    private let cctx: OpaquePointer
    private var out: [UInt8]
    private var pending: [UInt8] = []
    private var hasher = SHA256()
    public private(set) var compressedBytes: Int64 = 0
    static let flushAt = 1 << 20

    public init(path: String, level: Int32 = 3) throws(FileSystemError) {
        self.path = path
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw FileSystemError(path: path, "cannot create: \(String(cString: strerror(errno)))") }
        guard let ctx = ZSTD_createCCtx() else {
            close(fd)
            throw FileSystemError(path: path, "zstd: out of memory")
        }
        cctx = ctx
        ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, level)
        // zstd's own frame checksum too: `zstd -t` can check a file without settle.
        ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, 1)
        // Compression on a worker thread of libzstd's, beside the thread that reads the store
        // (a libzstd built without threads refuses the parameter and compresses inline).
        ZSTD_CCtx_setParameter(cctx, ZSTD_c_nbWorkers, 1)
        out = [UInt8](repeating: 0, count: ZSTD_CStreamOutSize())
        pending.reserveCapacity(Self.flushAt + 4096)
    }

    deinit {
        ZSTD_freeCCtx(cctx)
        if fd >= 0 { close(fd) }
    }

    public func write(_ bytes: [UInt8]) throws(FileSystemError) {
        pending.append(contentsOf: bytes)
        if pending.count >= Self.flushAt {
            try compress(end: false)
        }
    }

    /// Ends the stream, syncs the file and returns the SHA-256 (hex) and size of what was written.
    public func finish() throws(FileSystemError) -> (sha256: String, bytes: Int64) {
        try compress(end: true)
        guard fsync(fd) == 0 else { throw FileSystemError(path: path, "cannot sync: \(String(cString: strerror(errno)))") }
        close(fd)
        fd = -1
        return (hexString(hasher.finalize()), compressedBytes)
    }

    /// Closes and removes the file.
    public func discard() {
        if fd >= 0 { close(fd) }
        fd = -1
        unlink(path)
    }

    private func compress(end: Bool) throws(FileSystemError) {
        let failure: String? = pending.withUnsafeBytes { input in
            out.withUnsafeMutableBytes { output in
                var source = ZSTD_inBuffer(src: input.baseAddress, size: input.count, pos: 0)
                while true {
                    var sink = ZSTD_outBuffer(dst: output.baseAddress, size: output.count, pos: 0)
                    let rc = ZSTD_compressStream2(cctx, &sink, &source, end ? ZSTD_e_end : ZSTD_e_continue)
                    if ZSTD_isError(rc) != 0 { return "zstd: \(String(cString: ZSTD_getErrorName(rc)))" }
                    if sink.pos > 0, let start = output.baseAddress {
                        let chunk = UnsafeRawBufferPointer(start: start, count: sink.pos)
                        var written = 0
                        while written < chunk.count {
                            let n = Glibc.write(fd, start + written, chunk.count - written)
                            if n < 0 {
                                if errno == EINTR { continue }
                                return "cannot write: \(String(cString: strerror(errno)))"
                            }
                            written += n
                        }
                        hasher.update(bufferPointer: chunk)
                        compressedBytes += Int64(chunk.count)
                    }
                    if end ? rc == 0 : source.pos == source.size { return nil }
                }
            }
        }
        pending.removeAll(keepingCapacity: true)
        if let failure { throw FileSystemError(path: path, failure) }
    }
}
