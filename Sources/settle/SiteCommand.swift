import ArgumentParser
import SettleCore
import SettleJobs

struct SiteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "site",
        abstract: "Write the static site: the operator's night, finance's month, each customer's usage.",
        discussion: """
        Writes OUT/site/index.html (the last runs and their findings, reconciliation per provider with money at risk and its 30-day trend, the charge audit, alerts, quarantined rows), OUT/site/finance/P.html (what was invoiced, margin by model and by customer, receivables aging, payouts) and OUT/site/customers/ID.html for every customer with usage, invoices or credit in P (their usage by day and model against their plan's limits, their invoices with status, their credit balance; nothing about anyone else, so a page can be published to its customer).

        Charts are SVG drawn by settle with their tables on the page; no JavaScript, nothing fetched, pages open from file:// and print. A page is written only when its bytes change. Nightly refreshes the site for the month of its date, close for the month it closes.

        Examples:
          settle site --period 2026-11
          settle site --period 2026-10 --as-of 2026-11-30
        """
    )

    @OptionGroup(title: "Global options") var global: GlobalOptions
    @Option(help: "The month, YYYY-MM: the billing periods that start in it.") var period: PeriodMonth
    @Option(name: .customLong("as-of"), help: "The day the pages speak of, YYYY-MM-DD (default: today, UTC).") var asOf: UTCDay?

    func run() throws {
        let console = global.console
        try withExitStatus(console) {
            let env = try global.environment()
            let store = try env.openStore()
            let result = try WriteSite(month: period, asOf: asOf).execute(store: store, env: env)
            console.say(SiteLines.summary(result))
            return .ok
        }
    }
}

enum SiteLines {
    static func summary(_ r: WriteSite.Result) -> String {
        "site: \(r.pages) pages (\(r.written) changed) in \(r.folder)/: index.html, finance/, \(r.customerPages) pages in customers/"
    }
}
