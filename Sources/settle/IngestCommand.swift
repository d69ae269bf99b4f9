import ArgumentParser
import SettleCore
import SettleFormats
import SettleJobs
import SettleStore

struct IngestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Load gateway usage events (and, later, provider reports).",
        subcommands: [IngestUsageCommand.self]
    )
}

struct IngestUsageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "usage",
        abstract: "Ingest gateway usage events from JSON Lines or CSV files or folders.",
        discussion: """
        Each file is one transaction. A request_id already stored is a duplicate and changes
        nothing; a row that breaks the rules is quarantined to out/quarantine/ with its line and
        reason. For every file: read = accepted + duplicates + quarantined, in the run record
        out/runs/RUN_ID.json. Exit 3 when any row was quarantined.

        Example:
          settle --config settle.toml ingest usage inbox/usage/2026-10-25.jsonl inbox/usage/late/
        """
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: "Input format, when the file name and content do not say: jsonl or csv.")
    var format: UsageFileFormat?

    @Argument(help: "Files or folders (folders are read recursively, hidden files skipped).")
    var paths: [String]

    func run() throws {
        let console = global.console
        try withExitStatus(console) {
            let env = try global.environment()
            _ = try CatalogLoader.load(config: env.config)
            let store = try env.openStore()
            let report = try IngestUsage(paths: paths, format: format).execute(store: store, env: env)
            printReport(report, record: report.runRecord!, console: console, outDir: env.outDir)
            return report.status
        }
    }

    private func printReport(_ report: IngestUsage.Report, record: RunRecord, console: Console, outDir: String) {
        for input in report.inputs {
            console.say("\(input.path): read \(grouped(input.read)), accepted \(grouped(input.accepted)), "
                + "duplicates \(grouped(input.duplicates)), quarantined \(grouped(input.quarantined))")
        }
        console.say("run \(record.runID): \(report.inputs.count) files, read \(grouped(report.read)), accepted \(grouped(report.accepted)), "
            + "duplicates \(grouped(report.duplicates)), quarantined \(grouped(report.quarantined)); record \(outDir)/runs/\(record.runID).json")
        if report.quarantined > 0 {
            let reasons = report.quarantineReasons.sorted { ($1.value, $0.key) < ($0.value, $1.key) }
                .map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            let files = report.inputs.filter { $0.quarantined > 0 }.count
            console.warn("\(grouped(report.quarantined)) rows quarantined in \(files) of \(report.inputs.count) files (\(reasons)); "
                + "the rows and reasons are in \(outDir)/quarantine/")
        }
    }
}

extension UsageFileFormat: ExpressibleByArgument {}
