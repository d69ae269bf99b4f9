import ArgumentParser
import SettleCore
import SettleFormats
import SettleJobs

struct CloseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "close",
        abstract: "Close a month: issue invoices, settle earlier months, write payouts, the finance workbook and the PDFs.",
        discussion: """
        Under one lock: usage not yet aggregated is aggregated, and so are the days a change of prices.csv touched since they were summed; every earlier month's invoices are settled (a credit note or supplementary invoice where late data changed an issued one, and an invoice for any period that has ended since); the invoices of the billing periods that start in P are issued, in customer_id order; then payouts/P/ and reports/P/; last, the PDFs of every document issued (invoices/MONTH/NUMBER.pdf, earlier months included) and the seller statements (payouts/P/SELLER.pdf).

        A customer whose period has not ended on the issue date stays a draft, and a later close issues it. Usage without a price keeps an invoice a draft (exit 3); add the price and close again. Issued periods keep the terms they were issued on: editing the catalog never re-prices them. The issue date may not be before the latest one already used, nor after today (exit 64). Issued documents never change, so running close again issues only what is still due.

        Examples:
          settle close --period 2026-10
          settle close --period 2026-10 --issue-date 2026-11-28
        """
    )

    @OptionGroup(title: "Global options") var global: GlobalOptions
    @Option(help: "The period, YYYY-MM.") var period: PeriodMonth
    @Option(help: "Issue date, YYYY-MM-DD (default: today, UTC); fix it for identical files on a rerun.") var issueDate: UTCDay?

    func validate() throws {
    }

    func run() throws {
        let console = global.console
        try runJob(global, job: "close") { facts in
            let env = try global.environment()
            let store = try env.openStore()
            let result = try Close(month: period, issueDate: issueDate).execute(store: store, env: env)
            facts.findings = Int64(result.findings.count)
            for e in result.earlier where e.issuedCount + e.adjustmentCount > 0 {
                console.say("\(e.folder): \(e.issuedCount) invoices issued for periods that have ended since, \(e.adjustmentCount) adjustments for late data")
            }
            let inv = result.invoices
            console.say("\(period): \(inv.issuedCount) invoices and \(inv.adjustmentCount) adjustments issued (total \(inv.issuedTotal.formatted(places: 2)) \(env.config.currency)), \(inv.draftCount) drafts")
            if inv.openPeriodCount > 0 {
                console.say("\(inv.openPeriodCount) customers' billing periods had not ended on the issue date; they stay drafts until a later close")
            }
            console.say("invoices in \(inv.folder)/, payouts in \(result.payouts.folder)/, finance workbook in \(result.finance.folder)/")
            for d in result.documents {
                console.say("PDFs: \(d.documents) documents in \(d.folder)/\(d.statements > 0 ? ", \(d.statements) seller statements" : "")")
            }
            if let j = result.journal { for line in JournalLines.summary(j, month: period) { console.say(line) } }
            if let s = result.site { console.say(SiteLines.summary(s)) }
            for f in result.findings { console.warn(f) }
            return result.status
        }
    }
}

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write a month's finance workbook and usage summary.",
        discussion: """
        Writes OUT/reports/P/usage-summary.csv (every priced usage line of the billing periods that start in P) and OUT/reports/P/finance-P.xlsx: Summary (with a chart of daily usage and one of revenue and cost by provider), Customers, Models, Providers, Margin, Reconciliation, Alerts, Service quality, Projections, Daily usage. Reads the store; changes nothing in it.

        Example:
          settle report --period 2026-10
        """
    )

    @OptionGroup(title: "Global options") var global: GlobalOptions
    @Option(help: "The period, YYYY-MM.") var period: PeriodMonth

    func validate() throws {
    }

    func run() throws {
        let console = global.console
        try runJob(global, job: "report") { _ in
            let env = try global.environment()
            let store = try env.openStore()
            let result = try FinanceReport(month: period).execute(store: store, env: env)
            console.say("wrote \(result.folder)/usage-summary.csv and \(result.folder)/finance-\(period).xlsx")
            return .ok
        }
    }
}
