import ArgumentParser
import SettleCore
import SettleGenerate
import SettleJobs

struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write deterministic synthetic gateway data and its catalog (demo, tests, benchmarks).",
        discussion: """
        The same options always write the same bytes. Files: settle.toml, customers.csv, prices.csv, services.csv, credits.csv and usage/DAY.jsonl (or .csv) per day.

        Examples:
          settle generate --out-dir fixtures --csv-days 3 --bills
          settle generate --out-dir bench-data --customers 5000 --days 1 --events-per-day 1000000 --bad-rows 0
        """
    )

    @OptionGroup(title: "Global options") var global: GlobalOptions

    @Option(help: "Folder to write into.") var outDir: String
    @Option(help: "Random seed.") var seed: UInt64 = 42
    @Option(help: "Number of customers.") var customers = 50
    @Option(help: "First day, YYYY-MM-DD (default: 2026-10-25).") var start: UTCDay?
    @Option(help: "Number of days.") var days = 7
    @Option(help: "Events per day.") var eventsPerDay = 700
    @Option(help: "Share of lines written twice within a file.") var duplicateRate = 0.003
    @Option(help: "Lines of each day's file repeated at the start of the next.") var overlap = 5
    @Option(help: "Broken rows planted per file.") var badRows = 2
    @Option(help: "Comma-separated day indexes (0-based) to write as CSV.") var csvDays = ""
    @Flag(help: "Write only the usage files, no catalog.") var usageOnly = false
    @Flag(help: "Also write provider bills for the generated usage (bills/, and a late restatement in bills-late/), with one planted discrepancy of each reconciliation status.") var bills = false

    func run() throws {
        guard customers > 0, days > 0, eventsPerDay > 0 else { throw ValidationError("--customers, --days and --events-per-day must be positive") }
        var gen = SyntheticData()
        gen.seed = seed
        gen.customers = customers
        if let start { gen.start = start }
        gen.days = days
        gen.eventsPerDay = eventsPerDay
        gen.duplicateRate = duplicateRate
        gen.overlap = overlap
        gen.badRowsPerFile = badRows
        gen.csvDays = Set(csvDays.split(separator: ",").compactMap { Int($0) })
        gen.writeCatalog = !usageOnly
        guard !(bills && usageOnly) else { throw ValidationError("--bills needs the catalog's prices; drop --usage-only") }
        let written = try gen.write(to: outDir)
        let console = global.console
        console.say("wrote \(written.files.count) files to \(outDir): \(written.events) events in \(written.lines) lines")
        if bills {
            let bills = try SyntheticBills(usageDir: "\(outDir)/usage", pricesPath: "\(outDir)/prices.csv")
                .write(billsDir: "\(outDir)/bills", lateDir: "\(outDir)/bills-late")
            console.say("wrote \(bills.count) provider bills to \(outDir)/bills and \(outDir)/bills-late")
        }
    }
}
