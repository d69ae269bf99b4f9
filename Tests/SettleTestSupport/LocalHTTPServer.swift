import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A tiny HTTP/1.1 server on 127.0.0.1 for webhook tests: it records every request and answers
/// with the status codes it is given, in turn (200 once they run out).
public final class LocalHTTPServer: @unchecked Sendable {
    public struct Request: Sendable {
        public var method: String
        public var path: String
        public var headers: [String: String]
        public var body: String
    }

    public let port: Int
    private let fd: Int32
    private let lock = NSLock()
    private var statuses: [Int]
    private var received: [Request] = []
    private var stopped = false

    public var url: String { "http://127.0.0.1:\(port)/hooks" }

    public init(statuses: [Int] = []) throws {
        self.statuses = statuses
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.fd = fd
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = 0
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard bound == 0, listen(fd, 16) == 0 else {
            close(fd)
            throw TestSetupError("cannot listen on 127.0.0.1")
        }
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        port = Int(UInt16(bigEndian: addr.sin_port))
        let thread = Thread { [weak self] in self?.serve() }
        thread.start()
    }

    deinit { stop() }

    public func stop() {
        lock.lock()
        let was = stopped
        stopped = true
        lock.unlock()
        if !was {
            shutdown(fd, Int32(SHUT_RDWR))
            close(fd)
        }
    }

    public var requests: [Request] {
        lock.lock()
        defer { lock.unlock() }
        return received
    }

    public func respond(with statuses: [Int]) {
        lock.lock()
        self.statuses = statuses
        lock.unlock()
    }

    private func serve() {
        while true {
            let client = accept(fd, nil, nil)
            if client < 0 { return }
            handle(client)
            close(client)
        }
    }

    private func handle(_ client: Int32) {
        var data = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 65536)
        var headerEnd: Int?
        var contentLength = 0
        while true {
            let n = read(client, &buffer, buffer.count)
            if n <= 0 { break }
            data += buffer[0..<n]
            if headerEnd == nil, let r = findHeaderEnd(data) {
                headerEnd = r
                let head = String(decoding: data[0..<r], as: UTF8.self)
                for line in head.split(separator: "\r\n") where line.lowercased().hasPrefix("content-length:") {
                    contentLength = Int(line.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) ?? 0
                }
            }
            if let h = headerEnd, data.count >= h + 4 + contentLength { break }
        }
        guard let h = headerEnd else { return }
        let head = String(decoding: data[0..<h], as: UTF8.self).split(separator: "\r\n").map(String.init)
        let first = head.first?.split(separator: " ").map(String.init) ?? []
        var headers: [String: String] = [:]
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let body = String(decoding: data[(h + 4)...].prefix(contentLength), as: UTF8.self)
        lock.lock()
        received.append(Request(method: first.first ?? "", path: first.count > 1 ? first[1] : "", headers: headers, body: body))
        let status = statuses.isEmpty ? 200 : statuses.removeFirst()
        lock.unlock()
        let reply = "HTTP/1.1 \(status) X\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
        _ = reply.withCString { write(client, $0, strlen($0)) }
    }

    private func findHeaderEnd(_ d: [UInt8]) -> Int? {
        guard d.count >= 4 else { return nil }
        for i in 0...(d.count - 4) where d[i] == 13 && d[i + 1] == 10 && d[i + 2] == 13 && d[i + 3] == 10 { return i }
        return nil
    }
}
