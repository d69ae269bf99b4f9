#if canImport(Glibc)
import Glibc
#endif
import SettleCore

/// The SQLite store's job lock: an exclusive `flock` on a file beside the database. The
/// kernel drops it when the process dies, so a `kill -9` never leaves a stale lock; the file's
/// text names the holder for the message a second run prints.
final class FileLock: StoreLock {
    private var fd: Int32

    static func acquire(path: String, holder: String) throws -> FileLock {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw StoreError("cannot open the lock file \(path): \(String(cString: strerror(errno)))") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let held = errno == EWOULDBLOCK
            let text = readAll(fd)
            close(fd)
            if held { throw LockHeld(holder: text.isEmpty ? "lock file \(path)" : "\(text), lock file \(path)") }
            throw StoreError("cannot lock \(path): \(String(cString: strerror(errno)))")
        }
        _ = ftruncate(fd, 0)
        let bytes = Array(holder.utf8)
        _ = bytes.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        return FileLock(fd: fd)
    }

    private init(fd: Int32) { self.fd = fd }

    func release() {
        guard fd >= 0 else { return }
        _ = ftruncate(fd, 0)
        flock(fd, LOCK_UN)
        close(fd)
        fd = -1
    }

    deinit { release() }

    private static func readAll(_ fd: Int32) -> String {
        var buf = [UInt8](repeating: 0, count: 512)
        let n = buf.withUnsafeMutableBytes { pread(fd, $0.baseAddress, 512, 0) }
        guard n > 0 else { return "" }
        return String(decoding: buf[0..<n], as: UTF8.self).trimmingCharacters(in: "\n ")
    }
}

extension String {
    func trimmingCharacters(in set: String) -> String {
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s = s.dropFirst() }
        while let l = s.last, set.contains(l) { s = s.dropLast() }
        return String(s)
    }
}
