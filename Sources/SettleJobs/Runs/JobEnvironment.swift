import Logging
import SettleCore
import SettleFormats
import SettleStore

/// What every job is given: the validated configuration, the store, where outputs go, and how
/// to talk to the person (or cron) running it.
public struct JobEnvironment {
    public var config: SettleConfig
    public var databaseURL: String
    public var outDir: String
    public var progress: any ProgressSink
    public var clock: @Sendable () -> Timestamp
    /// Where a job says why it did what it did (which days it rebuilt, which report replaced
    /// which, which customers stayed drafts), at debug level; the caller owns the handler, as
    /// swift-log has it: a library never builds its own. Silent unless given one.
    public var logger: Logger

    public init(config: SettleConfig, databaseURL: String, outDir: String, progress: any ProgressSink = SilentProgress(),
                clock: @escaping @Sendable () -> Timestamp = { WallClock.now() },
                logger: Logger = Logger(label: "settle", factory: { _ in SwiftLogNoOpLogHandler() })) {
        self.config = config
        self.databaseURL = databaseURL
        self.outDir = outDir
        self.progress = progress
        self.clock = clock
        self.logger = logger
    }

    /// Opens the store and brings its schema up to date ("run automatically when needed").
    public func openStore() throws -> any SettleStore {
        let store = try StoreOpener.open(url: databaseURL)
        try store.migrate()
        return store
    }
}

/// Progress of long work. A terminal shows it; cron and pipes get nothing.
public protocol ProgressSink {
    func update(_ label: String, done: Int64, total: Int64?, unit: String)
    func finish()
}

public struct SilentProgress: ProgressSink {
    public init() {}
    public func update(_ label: String, done: Int64, total: Int64?, unit: String) {}
    public func finish() {}
}
