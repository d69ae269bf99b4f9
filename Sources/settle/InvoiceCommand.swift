import ArgumentParser
import SettleCore
import SettleFormats
import SettleJobs

struct InvoiceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "invoice",
        abstract: "Invoice customers for a billing period: drafts, or issued with --finalize.",
        discussion: """
        Period P names, for each customer, the billing period that starts in month P on their billing_day. Lines: plan fee, usage at cost × markup, marketplace services and free trial tokens, volume discount, tax, prepaid credits. Built from the period summaries of settle aggregate (run it over the period first; settle close does).

        Drafts go to OUT/invoices/P/drafts/. --finalize issues INV-YYYY-NNNNNN numbers, gapless, in customer_id order, in one transaction; an issued invoice never changes. A customer with usage that has no price stays a draft (exit 3). Plan fees are prorated by day over the customer versions in force (customers.csv effective_from); prepaid credit is used in the order documents are issued, and OUT/invoices/P/credits.csv states each customer's credit for calendar month P.

        --adjust issues a credit note (CN-…) or a supplementary invoice for what late usage changed on issued invoices, once, with one line per line that changed. An issued period keeps the terms it was issued on (plan fees, tax rate, unit prices, markup, services, the price book): editing the catalog never re-prices it. --adjust --catalog applies back-dated customer versions (a new effective_from inside an issued period), only to the customers that have one. --issue-date fixes the date so that reruns write identical files; it may not be before the latest issue date already used, nor after today (exit 64).

        Examples:
          settle invoice --period 2026-10
          settle invoice --period 2026-10 --finalize --issue-date 2026-11-01
          settle invoice --period 2026-10 --adjust --issue-date 2026-11-15
          settle invoice --period 2026-10 --adjust --catalog --customer cus_0042
        """
    )

    @OptionGroup(title: "Global options") var global: GlobalOptions
    @Option(help: "The period, YYYY-MM.") var period: PeriodMonth
    @Option(help: "Only this customer.") var customer: String?
    @Flag(help: "Issue numbered invoices.") var finalize = false
    @Flag(help: "Issue credit notes or supplementary invoices for late changes to issued invoices.") var adjust = false
    @Flag(help: "With --adjust: also apply back-dated customer versions (an effective_from inside an issued period) to the customers that have one.") var catalog = false
    @Option(help: "Issue date, YYYY-MM-DD (default: today, UTC).") var issueDate: UTCDay?
    @Flag(help: "Show the invoices; write and issue nothing.") var dryRun = false

    func validate() throws {
        if catalog && !adjust { throw ValidationError("--catalog goes with --adjust: it says what an adjustment of issued invoices applies") }
    }

    func run() throws {
        let console = global.console
        try withExitStatus(console) {
            let env = try global.environment()
            if let customer, try !CatalogLoader.load(config: env.config).customers.contains(customer) {
                throw ValidationError("--customer \(customer) is not in customers.csv")
            }
            let store = try env.openStore()
            let month = period
            let job = IssueInvoices(month: month, customer: customer, finalize: finalize, adjust: adjust, applyCatalog: catalog,
                                    issueDate: issueDate, dryRun: dryRun)
            let result = try job.execute(store: store, env: env)
            let documents = result.issued + result.adjustments
            // A terminal or a cron mail needs the count and where the files are, not 100,000 lines.
            for i in documents.prefix(10) {
                console.say("\(dryRun ? "would issue" : "issued") \(i.number ?? i.kind.rawValue) \(i.customerID): total \(i.total.formatted(places: 2)), due \(i.amountDue.formatted(places: 2))")
            }
            if documents.count > 10 { console.say("… and \(documents.count - 10) more (see index.csv)") }
            let total = (result.issued + result.adjustments).reduce(ExactDecimal.zero) { $0 + $1.total }
            console.say("\(result.issued.count) invoices and \(result.adjustments.count) adjustments \(dryRun ? "would be issued" : "issued") (total \(total.formatted(places: 2)) \(env.config.currency)), \(result.drafts.count) drafts"
                + (dryRun ? "" : "; files in \(result.folder)/"))
            if !result.openPeriods.isEmpty {
                console.say("\(result.openPeriods.count) customers' billing periods had not ended on the issue date; they stay drafts (issue them after their period ends)")
            }
            if !result.unpricedCustomers.isEmpty {
                console.warn("\(result.unpricedCustomers.count) invoices stay drafts because usage has no price (\(result.unpricedCustomers.prefix(5).joined(separator: ", "))\(result.unpricedCustomers.count > 5 ? ", …" : "")); add the prices to prices.csv, then run settle close or settle invoice again (the periods are summed again with the new prices)")
            }
            return result.status
        }
    }
}

struct PayoutsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "payouts",
        abstract: "Work out what each marketplace seller is owed from a period's issued invoices.",
        discussion: """
        Per seller and service: gross (service and trial lines on the period's issued invoices), platform fee (gross × platform_fee_pct, rounded) and net, in OUT/payouts/P/payouts.csv, and a statement per seller.

        Example:
          settle payouts --period 2026-10
        """
    )

    @OptionGroup(title: "Global options") var global: GlobalOptions
    @Option(help: "The period, YYYY-MM.") var period: PeriodMonth

    func validate() throws {
    }

    func run() throws {
        let console = global.console
        try withExitStatus(console) {
            let env = try global.environment()
            let store = try env.openStore()
            let result = try ComputePayouts(month: period).execute(store: store, env: env)
            for p in result.payouts {
                console.say("\(p.seller) \(p.serviceID): gross \(p.gross.formatted(places: 2)), fee \(p.platformFee.formatted(places: 2)), net \(p.net.formatted(places: 2))")
            }
            console.say("payouts written to \(result.folder)/payouts.csv")
            if let f = result.findings { console.warn(f) }
            return result.status
        }
    }
}

struct DocumentsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "documents",
        abstract: "Render the PDFs and e-invoices customers and sellers receive for a period's issued documents.",
        discussion: """
        One PDF per issued invoice, credit note and supplementary invoice of P, in OUT/invoices/P/NUMBER.pdf, and one statement per seller in OUT/payouts/P/SELLER.pdf: the issuer ([invoices] issuer, and [invoices] logo, a PNG), the customer's name, address and tax id, dates, period, the lines with page breaks and the header repeated, totals, credits applied, amount due, payment terms and page N of M, on [invoices] paper (A4 or Letter).

        A customer whose einvoice column is set gets its EN 16931 e-invoice too: OUT/invoices/P/NUMBER.xml in UBL 2.1 (peppol: Peppol BIS Billing 3.0; xrechnung: XRechnung 3.0) or UN/CEFACT CII D16B (cii), or, for facturx, the PDF itself as a Factur-X PDF/A-3b carrying its CII as factur-x.xml. A seller with self_billing = yes in sellers.csv gets OUT/payouts/P/SELLER.xml, the self-billed invoice (type 389) the platform issues on its behalf.

        The same documents give the same bytes, and a file that has not changed is not rewritten. settle close renders what it issues; run this after settle invoice --finalize or --adjust, which do not.

        Example:
          settle documents --period 2026-10
        """
    )

    @OptionGroup(title: "Global options") var global: GlobalOptions
    @Option(help: "The period, YYYY-MM.") var period: PeriodMonth

    func validate() throws {
    }

    func run() throws {
        let console = global.console
        try withExitStatus(console) {
            let env = try global.environment()
            let store = try env.openStore()
            let month = period
            let result = try RenderDocuments(month: month).execute(store: store, env: env)
            console.say("\(result.documents) PDFs in \(result.folder)/, \(result.statements) seller statements in \(env.outDir)/payouts/\(period)/")
            if result.einvoices + result.facturX + result.selfBilled > 0 {
                console.say("e-invoices: \(result.einvoices) XML (UBL or CII) and \(result.facturX) Factur-X PDFs in \(result.folder)/, \(result.selfBilled) self-billed seller invoices in \(env.outDir)/payouts/\(period)/")
            }
            return .ok
        }
    }
}
