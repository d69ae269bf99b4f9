import ArgumentParser
import SettleCore
import SettleFormats
import SettleJobs
import SettleStore

struct IngestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Load gateway usage events, provider bills or payments.",
        discussion: """
        usage takes the gateway's events (JSON Lines, CSV, LiteLLM spend logs, or the gateway's own PostgreSQL table); bills takes the providers' bills (usage and cost reports), their format read from their content; payments takes Stripe's payments export and camt.053 bank statements. Nothing is counted twice: the same file, event or payment again is a duplicate.

        Examples:
          settle ingest usage inbox/usage/
          settle ingest usage --source postgres --from 2026-10-25 --to 2026-10-25
          settle ingest bills inbox/bills/openai-costs-2026-10.json
          settle ingest payments inbox/payments/
        """,
        subcommands: [IngestUsageCommand.self, IngestBillsCommand.self, IngestPaymentsCommand.self]
    )
}

struct IngestUsageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "usage",
        abstract: "Ingest gateway usage events from JSON Lines or CSV files or folders.",
        discussion: """
        Each file is one transaction. A request_id already stored is a duplicate and changes nothing; a row that breaks the rules is quarantined to out/quarantine/ with its line and reason. For every file: read = accepted + duplicates + quarantined, in the run record out/runs/RUN_ID.json. Exit 3 when any row was quarantined.

        On PostgreSQL several ingests may run at once, on one machine or several (one per inbox shard or gateway region): they share the settle lock, the database's set of request ids decides which of them stores an event seen by two, and a file the database rolls back because another load crossed it is loaded again. Any other job started while they run exits 75, as does an ingest started while another job runs. SQLite has one writer: a second ingest exits 75.

        With --source postgres, events are read from the gateway's own PostgreSQL table for the UTC days --from through --to, mapped by a preset (usage_logs: the gateway's seed schema; litellm: LiteLLM_SpendLogs) and settle.toml's [gateway_db.columns].

        Examples:
          settle --config settle.toml ingest usage inbox/usage/2026-10-25.jsonl inbox/usage/late/
          settle --config settle.toml ingest usage --source postgres --from 2026-10-25 --to 2026-10-25
          settle ingest usage --source postgres --url postgresql://ro@gw-db/litellm --preset litellm --from 2026-10-25 --to 2026-10-31
        """
    )

    @OptionGroup(title: "Global options") var global: GlobalOptions

    @Option(help: "Input format, when the file name and content do not say: jsonl, csv or litellm-csv.")
    var format: UsageFileFormat?

    @Option(help: "Where events come from: files (the paths given) or postgres (the gateway's own database).")
    var source: Source = .files

    @Option(help: "With --source postgres: the gateway database's libpq URL (else [gateway_db] url).")
    var url: String?

    @Option(help: "With --source postgres: the table's layout, usage_logs or litellm (else [gateway_db] preset).")
    var preset: String?

    @Option(help: "With --source postgres: first UTC day to read, YYYY-MM-DD.")
    var from: UTCDay?

    @Option(help: "With --source postgres: last UTC day to read (inclusive), YYYY-MM-DD.")
    var to: UTCDay?

    @Argument(help: "Files or folders (folders are read recursively, hidden files skipped).")
    var paths: [String] = []

    enum Source: String, ExpressibleByArgument, CaseIterable { case files, postgres }

    func validate() throws {
        switch source {
        case .files:
            guard !paths.isEmpty else { throw ValidationError("name at least one file or folder, or use --source postgres") }
            guard from == nil, to == nil, url == nil, preset == nil else {
                throw ValidationError("--from, --to, --url and --preset go with --source postgres")
            }
        case .postgres:
            guard paths.isEmpty else { throw ValidationError("--source postgres reads the database; name no files") }
            guard let from, let to else { throw ValidationError("--source postgres needs --from and --to, as YYYY-MM-DD") }
            guard from <= to else { throw ValidationError("--from \(from) is after --to \(to)") }
            if let preset, !GatewayTable.presets.contains(preset) {
                throw ValidationError("--preset must be one of \(GatewayTable.presets.joined(separator: ", "))")
            }
        }
    }

    func run() throws {
        let console = global.console
        try withExitStatus(console) {
            // No catalog: a load needs only its files (a million customers took seconds to read).
            let env = try global.environment()
            let store = try env.openStore()
            let litellm = LiteLLMOptions(customerField: env.config.litellmCustomerField)
            var job = IngestUsage(paths: paths, format: format, litellm: litellm)
            if source == .postgres {
                job = IngestUsage(sources: [try gatewaySource(env.config, litellm: litellm)])
            }
            let result = try job.execute(store: store, env: env)
            printResult(result, record: result.runRecord!, console: console, outDir: env.outDir)
            return result.status
        }
    }

    private func gatewaySource(_ config: SettleConfig, litellm: LiteLLMOptions) throws -> GatewayDatabaseSource {
        let file = config.sourcePath ?? "settle.toml"
        guard let url = url ?? config.gatewayDB.url else {
            throw ConfigError(file: file, key: "gateway_db.url", "is needed for --source postgres (or pass --url)")
        }
        var table = GatewayTable.preset(preset ?? config.gatewayDB.preset, litellm: litellm)!
        if let name = config.gatewayDB.table { table.table = name }
        if let column = config.gatewayDB.timeColumn { table.timeColumn = column }
        if let order = config.gatewayDB.orderBy { table.orderBy = order }
        table.columns.merge(config.gatewayDB.columns) { _, configured in configured }
        guard let from, let to else { throw ValidationError("--source postgres needs --from and --to, as YYYY-MM-DD") }
        return GatewayDatabaseSource(url: url, table: table, from: from, to: to)
    }

    private func printResult(_ result: IngestUsage.Result, record: RunRecord, console: Console, outDir: String) {
        for input in result.inputs {
            console.say("\(input.path): read \(grouped(input.read)), accepted \(grouped(input.accepted)), "
                + "duplicates \(grouped(input.duplicates)), quarantined \(grouped(input.quarantined))")
        }
        console.say("run \(record.runID): \(result.inputs.count) files, read \(grouped(result.read)), accepted \(grouped(result.accepted)), "
            + "duplicates \(grouped(result.duplicates)), quarantined \(grouped(result.quarantined)); record \(outDir)/runs/\(record.runID).json")
        if result.quarantined > 0 {
            let reasons = result.quarantineReasons.sorted { ($1.value, $0.key) < ($0.value, $1.key) }
                .map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            let files = result.inputs.filter { $0.quarantined > 0 }.count
            console.warn("\(grouped(result.quarantined)) rows quarantined in \(files) of \(result.inputs.count) files (\(reasons)); "
                + "the rows and reasons are in \(outDir)/quarantine/")
        }
    }
}

extension UsageFileFormat: ExpressibleByArgument {}
extension BillFileFormat: ExpressibleByArgument {}
