#if canImport(Glibc)
import Glibc
#endif

/// Records of bytes kept in the order appended: in memory up to a few megabytes, then in a
/// temporary file. A month-end at a million customers makes millions of rows for its
/// workbooks and thousands of drafts; held as Swift values they would take gigabytes.
///
/// The file is unlinked as soon as it is made ($TMPDIR, else /tmp), so a run that is killed
/// leaves nothing behind. A file that cannot be made or written (a full disk) keeps the records
/// in memory: slower to hold, never lost; a file that cannot be read back is an error.
public final class SpillFile: @unchecked Sendable {
    public private(set) var count = 0
    private var buffer: [UInt8] = []
    private var fd: Int32 = -1
    /// The file's name when it was made (it is unlinked at once), for messages.
    private var path = ""
    /// Bytes in the file, all of them whole records.
    private var fileBytes = 0
    private var spillFailed = false
    /// Beyond this many bytes in memory, records go to the file; tests lower it.
    public let spillBytes: Int
    /// Where the file goes: nil for $TMPDIR, else /tmp.
    let directory: String?

    public init(spillBytes: Int = 4 << 20, directory: String? = nil) {
        self.spillBytes = spillBytes
        self.directory = directory
    }

    deinit { if fd >= 0 { close(fd) } }

    /// Appends one record, written by `body` into the buffer it is given (appended to).
    public func append(_ body: (inout [UInt8]) -> Void) {
        let start = buffer.count
        buffer.append(contentsOf: [0, 0, 0, 0])
        body(&buffer)
        let length = UInt32(buffer.count - start - 4).littleEndian
        withUnsafeBytes(of: length) { for (i, b) in $0.enumerated() { buffer[start + i] = b } }
        count += 1
        if buffer.count >= spillBytes { spill() }
    }

    /// Appends a text as one record.
    public func append(_ text: String) {
        var text = text
        text.withUTF8 { bytes in append { $0.append(contentsOf: bytes) } }
    }

    /// Every record in order: those in the file, then those in memory.
    public func forEach(_ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        if fd >= 0 {
            var chunk = [UInt8](repeating: 0, count: 1 << 20)
            var pending: [UInt8] = []
            var offset = 0
            while offset < fileBytes {
                let n = chunk.withUnsafeMutableBytes { pread(fd, $0.baseAddress, min($0.count, fileBytes - offset), off_t(offset)) }
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { throw unreadable(n < 0 ? String(cString: strerror(errno)) : "it ends early") }
                offset += n
                pending += chunk[0..<n]
                var at = 0
                while pending.count - at >= 4 {
                    let length = Int(UInt32(pending[at]) | UInt32(pending[at + 1]) << 8 | UInt32(pending[at + 2]) << 16 | UInt32(pending[at + 3]) << 24)
                    guard pending.count - at - 4 >= length else { break }
                    try pending.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[(at + 4)..<(at + 4 + length)])) }
                    at += 4 + length
                }
                pending.removeFirst(at)
            }
            guard pending.isEmpty else { throw unreadable("it ends in the middle of a row") }
        }
        try buffer.withUnsafeBytes { all in
            var at = 0
            while at < all.count {
                let length = Int(UInt32(littleEndian: all.loadUnaligned(fromByteOffset: at, as: UInt32.self)))
                try body(UnsafeRawBufferPointer(rebasing: all[(at + 4)..<(at + 4 + length)]))
                at += 4 + length
            }
        }
    }

    /// Every record in order, as text.
    public func forEachText(_ body: (String) throws -> Void) throws {
        try forEach { try body(String(decoding: $0, as: UTF8.self)) }
    }

    /// Appends a list of texts as one record (each with its length).
    public func append(fields: [String]) {
        append { buffer in
            for field in fields {
                var field = field
                field.withUTF8 { bytes in
                    withUnsafeBytes(of: UInt32(bytes.count).littleEndian) { buffer.append(contentsOf: $0) }
                    buffer.append(contentsOf: bytes)
                }
            }
        }
    }

    /// Every record appended with `append(fields:)`, in order.
    public func forEachFields(_ body: ([String]) throws -> Void) throws {
        try forEach { record in
            var fields: [String] = []
            var at = 0
            while at + 4 <= record.count {
                let n = Int(UInt32(littleEndian: record.loadUnaligned(fromByteOffset: at, as: UInt32.self)))
                fields.append(String(decoding: UnsafeRawBufferPointer(rebasing: record[(at + 4)..<(at + 4 + n)]), as: UTF8.self))
                at += 4 + n
            }
            try body(fields)
        }
    }

    private func unreadable(_ why: String) -> FileSystemError {
        FileSystemError(path: path, "a temporary file (already unlinked) holding rows set aside for an output cannot be read back: \(why). Check the disk that holds $TMPDIR (else /tmp) and run the job again: it writes its outputs whole again.")
    }

    /// Moves the buffered records to the end of the file, all or none: a write that fails
    /// (a full disk) is cut off again and the records stay in memory.
    private func spill() {
        guard !spillFailed else { return }
        if fd < 0 {
            let dir = directory ?? getenv("TMPDIR").map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
            var template = Array("\(dir)/settle-spill-XXXXXX".utf8CString)
            fd = mkstemp(&template)
            guard fd >= 0 else { spillFailed = true; return }
            path = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            unlink(path)
        }
        var written = 0
        while written < buffer.count {
            let n = buffer.withUnsafeBytes { raw -> Int in
                guard let base = raw.baseAddress else { return 0 }
                return pwrite(fd, base + written, raw.count - written, off_t(fileBytes + written))
            }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                ftruncate(fd, off_t(fileBytes))
                spillFailed = true
                return
            }
            written += n
        }
        fileBytes += written
        buffer.removeAll(keepingCapacity: true)
    }
}
