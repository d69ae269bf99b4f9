import ArgumentParser
import Logging

/// swift-log's handler for the command line: the jobs' log lines, at `--log-level` and above,
/// on stderr in the console's format (text, or JSON lines with the metadata as fields), so a
/// cron mail or a log shipper reads them the same way as settle's other messages.
struct ConsoleLogHandler: LogHandler {
    var console: Console
    var logLevel: Logger.Level
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?

    init(console: Console, level: Logger.Level) {
        self.console = console
        self.logLevel = level
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var fields = metadata
        if let provided = metadataProvider?.get() { fields.merge(provided) { _, new in new } }
        if let own = event.metadata { fields.merge(own) { _, new in new } }
        console.log(level: event.level.rawValue, message: event.message.description,
                    fields: fields.sorted { $0.key < $1.key }.map { ($0.key, "\($0.value)") })
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
