import Foundation

/// Runs the real `settle` executable, as cron would: for exit codes, messages, and for
/// killing a run in the middle.
public final class SettleProcess: @unchecked Sendable {
    /// The built executable: beside the test bundle (where `swift build` puts it), or $SETTLE_BIN.
    public static var executable: String {
        if let bin = ProcessInfo.processInfo.environment["SETTLE_BIN"], !bin.isEmpty { return bin }
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<3 {
            let candidate = dir.appendingPathComponent("settle").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(".build/debug/settle").path
    }

    public struct Result: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    public let process = Process()
    private let errPipe = Pipe()
    private let outPipe = Pipe()
    private let lock = NSLock()
    private var errText = ""

    public init(_ args: [String], in folder: String, environment extra: [String: String] = [:]) throws {
        process.executableURL = URL(fileURLWithPath: Self.executable)
        process.arguments = args
        process.currentDirectoryURL = URL(fileURLWithPath: folder)
        process.standardError = errPipe
        process.standardOutput = outPipe
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "SETTLE_CONFIG")
        env.removeValue(forKey: "SETTLE_DATABASE_URL")
        env.merge(extra) { _, new in new }
        process.environment = env
        try process.run()
        // stderr is read by a thread of our own with blocking reads: FileHandle's
        // readabilityHandler rides on a libdispatch source that now and then crashed the test
        // process when it was torn down (SIGILL in _dispatch_source_refs_finalize_unregistration).
        let fd = errPipe.fileHandleForReading.fileDescriptor
        let reader = Thread { [self] in
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while true {
                let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { break }
                lock.lock()
                errText += String(decoding: buffer[0..<n], as: UTF8.self)
                lock.unlock()
            }
            stderrDone.signal()
        }
        reader.start()
    }

    private let stderrDone = DispatchSemaphore(value: 0)

    public var pid: Int32 { process.processIdentifier }

    public var stderrSoFar: String {
        lock.lock()
        defer { lock.unlock() }
        return errText
    }

    /// Waits until stderr satisfies `condition` (true) or the process ends (false).
    public func wait(forStderr condition: (String) -> Bool, timeout: TimeInterval = 120) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if condition(stderrSoFar) { return true }
            if !process.isRunning { return condition(stderrSoFar) }
            usleep(5_000)
        }
        return false
    }

    public func kill9() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    public func finish() -> Result {
        let out = outPipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        stderrDone.wait()
        lock.lock()
        let err = errText
        lock.unlock()
        return Result(status: process.terminationStatus, stdout: String(decoding: out, as: UTF8.self), stderr: err)
    }

    /// Runs to the end.
    public static func run(_ args: [String], in folder: String, environment: [String: String] = [:]) throws -> Result {
        try SettleProcess(args, in: folder, environment: environment).finish()
    }
}
