import ArgumentParser
import Foundation
import Logging
import SettleCore
import SettleFormats
import SettleJobs
import SettleStore

/// The options every command takes (PRODUCT.md, "Global options").
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "settle.toml to read (else $SETTLE_CONFIG, else ./settle.toml).")
    var config: String?

    @Option(name: .long, help: "Database URL: sqlite:PATH (else $SETTLE_DATABASE_URL, the config's database, sqlite:var/settle.sqlite).")
    var database: String?

    @Option(name: .long, help: "Folder for output files (else the config's out_dir, else ./out).")
    var out: String?

    @Option(name: .long, help: "Messages as text or json lines.")
    var logFormat: LogFormat = .text

    @Flag(name: .long, help: "Print nothing but errors and findings.")
    var quiet = false

    @Option(name: .long, help: "How much the jobs say about why they did what they did: debug names the days rebuilt and why, the provider bills that replaced others, the customers left as drafts, and a database's full error; notice (the default) only what needs a human.")
    var logLevel: Logger.Level = .notice

    @Option(name: .long, help: "Progress display: auto (on a terminal only), always or never.")
    var progress: ProgressMode = .auto

    @Option(name: .long, help: "Prometheus textfile to record this job's last run in (else $SETTLE_METRICS_FILE).")
    var metricsFile: String?

    enum LogFormat: String, ExpressibleByArgument, CaseIterable { case text, json }
    enum ProgressMode: String, ExpressibleByArgument, CaseIterable { case auto, always, never }

    var console: Console { Console(format: logFormat, quiet: quiet, logLevel: logLevel) }

    /// Loads the configuration and works out the database and output folder, in the order of
    /// precedence PRODUCT.md gives.
    func environment() throws -> JobEnvironment {
        let env = ProcessInfo.processInfo.environment
        let explicitPath = config ?? env["SETTLE_CONFIG"].flatMap { $0.isEmpty ? nil : $0 }
        let cfg = try ConfigLoader.load(path: explicitPath, explicit: explicitPath != nil)
        let url = database ?? env["SETTLE_DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 } ?? cfg.database ?? StoreOpener.defaultURL
        let outDir = out ?? cfg.outDir ?? "out"
        // A terminal gets a line redrawn in place; cron and pipes get nothing unless asked
        // (`always`), and then plain lines.
        let terminal = isatty(STDERR_FILENO) == 1
        let sink: any ProgressSink
        switch progress {
        case .always: sink = terminal ? TerminalProgress() : PlainProgress()
        case .never: sink = SilentProgress()
        case .auto: sink = !quiet && terminal ? TerminalProgress() : SilentProgress()
        }
        return JobEnvironment(config: cfg, databaseURL: url, outDir: outDir, progress: sink, logger: logger)
    }

    /// The jobs' logger: to stderr through the console, at `--log-level`.
    var logger: Logger {
        let console = self.console
        let level = logLevel
        return Logger(label: "settle") { _ in ConsoleLogHandler(console: console, level: level) }
    }
}

/// Runs a command body, turning settle's typed errors into a clear message and the exit
/// status PRODUCT.md gives them.
func withExitStatus(_ console: Console, _ body: () throws -> ExitStatus) throws {
    let status: ExitStatus
    do {
        status = try body()
    } catch let e as ValidationError {
        throw e
    } catch {
        status = ExitStatus(failure: error)
        switch error {
        case let e as ConfigError: console.error("bad configuration: \(e)")
        case let e as InputFileError: console.error("unreadable input: \(e)")
        case let e as StoreError:
            console.error("store: \(e)" + (e.detail != nil && console.logLevel > .debug ? " (--log-level debug shows what the database said)" : ""))
            if let detail = e.detail, console.logLevel <= .debug { console.log(level: "debug", message: "the database said: \(detail)", fields: []) }
        default: console.error("\(error)")
        }
    }
    if status != .ok { throw ExitCode(status.rawValue) }
}

/// What a job tells the metrics file beyond its exit code.
final class RunFacts {
    var rows: Int64 = 0
    var findings: Int64 = 0
}

/// `withExitStatus` for the scheduled jobs, which also record their last run in the
/// Prometheus textfile (`--metrics-file`), whatever the outcome: a failed or locked run is
/// exactly what a dashboard must show.
func runJob(_ global: GlobalOptions, job: String, _ body: (RunFacts) throws -> ExitStatus) throws {
    let facts = RunFacts()
    let started = WallClock.monotonic()
    var code: Int32 = 0
    defer {
        let path = global.metricsFile ?? ProcessInfo.processInfo.environment["SETTLE_METRICS_FILE"]
        if let path, !path.isEmpty {
            let run = MetricsFile.LastRun(job: job, finishedAt: WallClock.now(), durationMilliseconds: Int64((WallClock.monotonic() - started) * 1000),
                                          rows: facts.rows, findings: facts.findings, exitCode: code)
            do { try MetricsFile(path: path).record(run) } catch { global.console.warn("cannot write the metrics file: \(error)") }
        }
    }
    do {
        try withExitStatus(global.console) { try body(facts) }
    } catch let e as ExitCode {
        code = e.rawValue
        throw e
    } catch {
        code = 64
        throw error
    }
}

