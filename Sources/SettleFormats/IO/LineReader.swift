#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Crypto
import Foundation
import SettleThreads

/// Streams a file line by line in fixed-size chunks, hashing every byte on the way.
///
/// Memory stays at one chunk plus the longest line, whatever the file's size, and the SHA-256
/// for the run record costs no second pass (this machine has no SHA instructions, so a second
/// pass over a 250 MB file would cost more than a second).
public struct LineReader: Sendable {
    public let path: String
    public var chunkSize: Int
    /// False for a quick look at a file (format sniffing, small catalogs): no digest is made.
    public var hashing: Bool

    public init(path: String, chunkSize: Int = 1 << 20, hashing: Bool = true) {
        self.path = path
        self.chunkSize = chunkSize
        self.hashing = hashing
    }

    /// What the whole file was, once read to the end.
    public struct Summary: Sendable {
        public var sha256: String
        public var bytes: Int64
        public var lines: Int

        public init(sha256: String, bytes: Int64, lines: Int) {
            self.sha256 = sha256
            self.bytes = bytes
            self.lines = lines
        }
    }

    /// Calls `body` with each line (without its `\n` or `\r\n`) and its 1-based number.
    /// Returning false stops early; the summary then covers what was read.
    @discardableResult
    public func forEachLine(
        _ body: (UnsafeRawBufferPointer, Int) throws -> Bool
    ) throws -> Summary {
        var lineNumber = 0
        var carry: [UInt8] = []
        var stopped = false

        func emit(_ line: UnsafeRawBufferPointer) throws -> Bool {
            lineNumber += 1
            var line = line
            if let last = line.last, last == UInt8(ascii: "\r") {
                line = UnsafeRawBufferPointer(rebasing: line.dropLast())
            }
            return try body(line, lineNumber)
        }

        var summary = try readChunks { chunk in
            let n = chunk.count
            var start = 0
            while start < n {
                guard let nl = memchr(chunk.baseAddress! + start, 0x0A, n - start) else {
                    carry.append(contentsOf: chunk[start..<n])
                    break
                }
                let end = chunk.baseAddress!.distance(to: UnsafeRawPointer(nl))
                let keepGoing: Bool
                if carry.isEmpty {
                    keepGoing = try emit(UnsafeRawBufferPointer(rebasing: chunk[start..<end]))
                } else {
                    carry.append(contentsOf: chunk[start..<end])
                    keepGoing = try carry.withUnsafeBytes { try emit($0) }
                    carry.removeAll(keepingCapacity: true)
                }
                if !keepGoing {
                    stopped = true
                    return false
                }
                start = end + 1
            }
            return true
        }
        if !carry.isEmpty && !stopped {
            _ = try carry.withUnsafeBytes { try emit($0) }
        }
        summary.lines = lineNumber
        return summary
    }
}

/// SHA-256 on a thread of its own, fed copies of the chunks as they are read: on a machine
/// without SHA instructions hashing costs as much as decoding, and this way it overlaps.
final class ChunkHasher: @unchecked Sendable {
    private let chunks = BoundedChannel<[UInt8]>(capacity: 4)
    private let digest = Handoff<String>()
    private let done = DispatchSemaphore(value: 0)
    private var finished = false

    init() {
        let chunks = self.chunks, digest = self.digest, done = self.done
        let thread = Thread {
            var sha = SHA256()
            while let chunk = chunks.receive() { sha.update(data: chunk) }
            digest.set(hexString(sha.finalize()))
            done.signal()
        }
        thread.start()
    }

    func update(_ bytes: UnsafeRawBufferPointer) {
        _ = chunks.send(Array(bytes))
    }

    func finish() -> String {
        finished = true
        chunks.close()
        done.wait()
        return digest.value ?? ""
    }

    /// A reader that stopped early (an error, or a caller that asked to stop) still ends the thread.
    deinit {
        if !finished {
            chunks.close()
            done.wait()
        }
    }
}

/// Lower-case hex of a digest, as sha256sum prints it.
public func hexString<S: Sequence>(_ bytes: S) -> String where S.Element == UInt8 {
    let digits = Array("0123456789abcdef")
    var out = ""
    for b in bytes {
        out.append(digits[Int(b >> 4)])
        out.append(digits[Int(b & 15)])
    }
    return out
}

extension UnsafeRawBufferPointer {
    /// The bytes as text, invalid UTF-8 replaced: for quarantine records and messages only.
    public var lossyString: String { String(decoding: self, as: UTF8.self) }

    /// True when the line holds only spaces and tabs.
    public var isBlank: Bool {
        for b in self where b != 0x20 && b != 0x09 { return false }
        return true
    }
}
