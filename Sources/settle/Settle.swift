import ArgumentParser

@main
struct Settle: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "settle",
        abstract: "Closes the books of an LLM API gateway: ingest, reconcile, aggregate, alert, invoice, report.",
        discussion: """
        Exit status: 0 done; 1 failed (nothing half-written); 3 done with findings to read;
        64 bad command line; 65 unreadable input file; 75 another run holds the lock; 78 bad configuration.

        Example:
          settle --config settle.toml ingest usage inbox/usage/
        """,
        subcommands: [InitCommand.self, IngestCommand.self, RunsCommand.self, GenerateCommand.self]
    )
}
