import ArgumentParser
import SettleCore
import SettleJobs

struct AggregateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "aggregate",
        abstract: "Sum and price usage per customer and billing period.",
        discussion: """
        Every customer's billing periods that overlap the days --from through --to are rebuilt from the days' daily rows. Each ingest keeps those rows up to date as it stores events (late events count, nothing twice); a day whose rows are not current (a price change inside it, an older store) is summed from its events first, and --rebuild sums every day of the range from its events again. The periods get lines per provider, model, tier, token type and unit price, with customer charges (markup, marketplace services, free trial tokens), request and error counts, and the run rate projected to the period's end. Exit 3 when usage has no price in force or belongs to a customer missing from customers.csv.

        Examples:
          settle aggregate --from 2026-10-25 --to 2026-10-25
          settle aggregate --from 2026-10-01 --to 2026-10-31
          settle aggregate --from 2026-10-01 --to 2026-10-31 --rebuild
        """
    )

    @OptionGroup(title: "Global options") var global: GlobalOptions
    @Option(help: "First UTC day, YYYY-MM-DD.") var from: UTCDay
    @Option(help: "Last UTC day (inclusive), YYYY-MM-DD.") var to: UTCDay
    @Flag(help: "Sum every day of the range from its stored events again, even where its daily rows are current (repair).")
    var rebuild = false

    func validate() throws {
        guard from <= to else { throw ValidationError("--from \(from) is after --to \(to)") }
    }

    func run() throws {
        let console = global.console
        try withExitStatus(console) {
            let env = try global.environment()
            let store = try env.openStore()
            var job = Aggregate(from: from, to: to)
            job.rebuild = rebuild
            let result = try job.execute(store: store, env: env)
            console.say("aggregated \(result.days.count) days into \(result.periodCount) customer periods: "
                + "\(grouped(result.tokens)) tokens, charges \(result.cost.formatted(places: 2)) \(env.config.currency) before discounts and tax")
            if result.unpriced > 0 {
                let who = result.unpricedCustomers
                console.warn("\(grouped(result.unpriced)) tokens have no price in force (customers \(who.prefix(5).joined(separator: ", "))\(who.count > 5 ? ", …" : "")); add their prices to prices.csv, then aggregate again")
            }
            if !result.unknownCustomers.isEmpty {
                let ids = result.unknownCustomers.keys.sorted()
                console.warn("usage of \(ids.count) customers not in customers.csv (\(ids.prefix(5).joined(separator: ", "))\(ids.count > 5 ? ", …" : "")) is not billed; add them, then aggregate again")
            }
            return result.status
        }
    }
}
