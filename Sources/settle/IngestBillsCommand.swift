import ArgumentParser
import SettleCore
import SettleFormats
import SettleJobs

struct IngestBillsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bills",
        abstract: "Ingest provider bills: usage and cost reports (format detected from content, or --format).",
        discussion: """
        Reads OpenAI Usage and Costs API exports (one page, an array of pages, an array of buckets as OpenAI's cookbook saves them, or JSON Lines of either), Anthropic usage and cost reports (cost in cents), OpenRouter activity, FOCUS 1.0–1.3 CSV (a whole cloud bill: rows that are not token usage are counted as skipped per ServiceName), AWS CUR 2.0 (Bedrock rows) and the plain CSV provider,date,model,token_type,tier,quantity,cost.

        Each file is one transaction. The same file again changes nothing (its records count as duplicates); a newer bill for the same provider and charge period (a day, or a FOCUS month) replaces the older one when reconciling, and both stay stored. Records that cannot be used are quarantined to out/quarantine/ (exit 3). A file that is no bill of its format, or from which nothing can be read, stops the run with exit 65 before anything is stored.

        Examples:
          settle ingest bills inbox/bills/
          settle ingest bills --format openai-costs costs-2026-10.json
        """
    )

    @OptionGroup(title: "Global options") var global: GlobalOptions

    @Option(help: "Bill format, when the content does not say: \(BillFileFormat.allCases.map(\.rawValue).joined(separator: ", ")).")
    var format: BillFileFormat?

    @Argument(help: "Files or folders (folders are read recursively, hidden files skipped).")
    var paths: [String]

    func run() throws {
        let console = global.console
        try withExitStatus(console) {
            let env = try global.environment()
            let store = try env.openStore()
            let options = try BillReadOptions(config: env.config)
            let result = try IngestBills(paths: paths, format: format, options: options).execute(store: store, env: env)
            for input in result.inputs {
                let covers = result.coverage[input.path].map { " (\($0))" } ?? ""
                console.say(InputLines.tally(input, label: input.format + covers, skipped: "not token usage"))
            }
            let record = result.runRecord!
            console.say("run \(record.runID): \(result.inputs.count) provider bills; record \(env.outDir)/runs/\(record.runID).json")
            if result.quarantined > 0 {
                let reasons = result.quarantineReasons.sorted { ($1.value, $0.key) < ($0.value, $1.key) }
                    .map { "\($0.key) \($0.value)" }.joined(separator: ", ")
                console.warn("\(grouped(result.quarantined)) provider-bill records quarantined (\(reasons)); the records and reasons are in \(env.outDir)/quarantine/")
            }
            return result.status
        }
    }
}
