import ArgumentParser

@main
struct Settle: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "settle",
        abstract: "Close the books of an LLM API gateway: ingest, reconcile, aggregate, alert, invoice, collect, journal, report.",
        discussion: """
        Global options (--config, --database, --out, --log-format, --log-level, --quiet, --progress, --metrics-file) may come before or after the subcommand.

        Exit status: 0 done; 1 failed (nothing half-written); 3 done with findings to read; 64 bad command line; 65 unreadable input file; 75 try later (another run holds the lock, or a PostgreSQL server could not be reached); 78 bad configuration.

        Example:
          settle --config settle.toml ingest usage inbox/usage/
        """,
        version: Settle.version,
        subcommands: [InitCommand.self, IngestCommand.self, ReconcileCommand.self, AggregateCommand.self, AlertsCommand.self, InvoiceCommand.self, PayoutsCommand.self, DocumentsCommand.self, ReceivablesCommand.self, JournalCommand.self, SiteCommand.self, ReportCommand.self, NightlyCommand.self, CloseCommand.self, RerunCommand.self, RunsCommand.self, ArchiveCommand.self, PricesCommand.self, GenerateCommand.self]
    )

    /// The release, as `settle --version` prints it: the year and month of the release, then a
    /// counter (raised with every change of the store's schema or of an output's format).
    static let version = "2026.12.2 (schema 19)"

    static func main() {
        main(GlobalOptionPlacement.movingLeadingGlobals(Array(CommandLine.arguments.dropFirst())))
    }
}

/// swift-argument-parser reads a subcommand's options only after the subcommand's name, while
/// operators write `settle --config /etc/settle.toml nightly`. Global options found before the
/// subcommand are moved after it (before any `--`), so both orders work.
enum GlobalOptionPlacement {
    static let withValue: Set<String> = ["--config", "--database", "--out", "--log-format", "--log-level", "--progress", "--metrics-file"]
    static let flags: Set<String> = ["--quiet"]

    static func movingLeadingGlobals(_ args: [String]) -> [String] {
        var leading: [String] = []
        var i = 0
        while i < args.count {
            let a = args[i]
            let name = a.split(separator: "=", maxSplits: 1).first.map(String.init) ?? a
            if flags.contains(a) {
                leading.append(a)
                i += 1
            } else if withValue.contains(name) {
                leading.append(a)
                if !a.contains("="), i + 1 < args.count {
                    leading.append(args[i + 1])
                    i += 1
                }
                i += 1
            } else {
                break
            }
        }
        guard !leading.isEmpty else { return args }
        var rest = Array(args[i...])
        let insertAt = rest.firstIndex(of: "--") ?? rest.count
        rest.insert(contentsOf: leading, at: insertAt)
        return rest
    }
}
