import Foundation
import Logging
import SettleFormats
import SettleJobs

/// Where messages go: results to stdout, errors and findings to stderr, as text or JSON lines.
struct Console {
    var format: GlobalOptions.LogFormat
    var quiet: Bool
    var logLevel: Logger.Level = .notice

    /// A result line; suppressed by --quiet.
    func say(_ text: String) {
        guard !quiet else { return }
        if format == .json {
            emit(.object([("level", .string("info")), ("message", .string(text))]), to: STDOUT_FILENO)
        } else {
            // One write per message: ordered with stderr in a log file or cron mail.
            writeAll(STDOUT_FILENO, text + "\n")
        }
    }

    /// A finding a human should read: printed even with --quiet.
    func warn(_ text: String) {
        if format == .json {
            emit(.object([("level", .string("warning")), ("message", .string(text))]), to: STDERR_FILENO)
        } else {
            FileHandle.standardError.write(Data("settle: \(text)\n".utf8))
        }
    }

    /// A log line of the jobs' (`ConsoleLogHandler`): `settle: debug: message key=value` or a
    /// JSON line with the fields beside the message.
    func log(level: String, message: String, fields: [(String, String)]) {
        if format == .json {
            emit(.object([("level", .string(level)), ("message", .string(message))] + fields.map { ($0.0, .string($0.1)) }), to: STDERR_FILENO)
        } else {
            let suffix = fields.map { " \($0.0)=\($0.1)" }.joined()
            FileHandle.standardError.write(Data("settle: \(level): \(message)\(suffix)\n".utf8))
        }
    }

    func error(_ text: String) {
        if format == .json {
            emit(.object([("level", .string("error")), ("message", .string(text))]), to: STDERR_FILENO)
        } else {
            FileHandle.standardError.write(Data("settle: error: \(text)\n".utf8))
        }
    }

    private func emit(_ json: JSONText, to fd: Int32) {
        writeAll(fd, json.rendered() + "\n")
    }

    private func writeAll(_ fd: Int32, _ text: String) {
        let bytes = Array(text.utf8)
        bytes.withUnsafeBytes { buf in
            var offset = 0
            while offset < buf.count {
                let n = write(fd, buf.baseAddress! + offset, buf.count - offset)
                if n <= 0 { if errno == EINTR { continue }; return }
                offset += n
            }
        }
    }
}

/// A one-line progress display on stderr, redrawn at most ten times a second.
final class TerminalProgress: ProgressSink {
    private var last = 0.0
    private var shown = false

    func update(_ label: String, done: Int64, total: Int64?, unit: String) {
        let now = WallClock.monotonic()
        guard now - last >= 0.1 else { return }
        last = now
        var line = "\(label): \(grouped(done)) \(unit)"
        if let total, total > 0 { line += " of \(grouped(total)) (\(done * 100 / total)%)" }
        FileHandle.standardError.write(Data("\r\u{1B}[K\(line)".utf8))
        shown = true
    }

    func finish() {
        if shown { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        shown = false
    }
}

func grouped(_ n: Int64) -> String {
    let s = String(n.magnitude)
    var out = ""
    for (i, c) in s.enumerated() {
        if i > 0 && (s.count - i) % 3 == 0 { out.append(",") }
        out.append(c)
    }
    return n < 0 ? "-" + out : out
}

func grouped(_ n: Int) -> String { grouped(Int64(n)) }

/// Progress as plain lines, for `--progress always` when stderr is a file or a pipe (an
/// operator's `2>run.log`, or `tee`): no escape codes, at most four lines a second, and the
/// last state of a step written when the step finishes.
final class PlainProgress: ProgressSink {
    private var last = 0.0
    private var pending: String?

    func update(_ label: String, done: Int64, total: Int64?, unit: String) {
        var line = "\(label): \(grouped(done)) \(unit)"
        if let total, total > 0 { line += " of \(grouped(total)) (\(done * 100 / total)%)" }
        let now = WallClock.monotonic()
        guard now - last >= 0.25 else { pending = line; return }
        last = now
        pending = nil
        FileHandle.standardError.write(Data("settle: \(line)\n".utf8))
    }

    func finish() {
        if let pending { FileHandle.standardError.write(Data("settle: \(pending)\n".utf8)) }
        pending = nil
    }
}
