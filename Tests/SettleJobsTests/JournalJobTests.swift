import Foundation
import Testing
import SettleCore
import SettleFormats
import SettleStore
import SettleTestSupport
@testable import SettleJobs
@testable import SettleGenerate

/// The journal of the fixture months on each store (issue 34): every tie-out holds, every entry
/// balances, a month written is read back byte for byte and never changes, what comes late is
/// booked in the next month, and the Xero and QuickBooks files read back to the same books.
@Suite struct JournalJobTests {
    static let fixtures = CloseAndReportTests.fixtures

    /// The fixture week, October closed twice, November's payments taken in, the back-dated
    /// downgrade's credit note issued: the demo's two months.
    static func demoMonths(_ kind: StoreKind) throws -> (site: NightlyTests.Site, env: (String) -> JobEnvironment) {
        let site = try CloseAndReportTests.fixtureWeek(kind)
        let config = try ConfigLoader.load(path: "\(site.root)/settle.toml", explicit: true)
        func env(_ now: String) -> JobEnvironment {
            var env = JobEnvironment(config: config, databaseURL: site.url, outDir: "\(site.root)/out")
            let time = Timestamp(rfc3339: now)!
            env.clock = { time }
            return env
        }
        let first = try site.settle(["close", "--period", "2026-10", "--issue-date", "2026-11-01"], at: "2026-11-01T06:00:00Z")
        #expect(first.status == 3, "\(first.stderr)")
        #expect(first.stdout.contains("journal 2026-10:"), "close writes the month's journal once it is over: \(first.stdout)")
        let second = try site.settle(["close", "--period", "2026-10", "--issue-date", "2026-11-28"], at: "2026-11-28T06:00:00Z")
        #expect(second.status == 3 || second.status == 0, "\(second.stderr)")
        let payments = try IngestPayments(paths: ["\(fixtures)/payments"]).execute(store: site.store, env: env("2026-11-30T06:00:00Z"))
        #expect(payments.posted.count == 9 && payments.unmatched.count == 1)
        var customers = try String(contentsOfFile: "\(site.root)/customers.csv", encoding: .utf8)
        customers += #"cus_0016,Pinecrest Analytics,billing@pinecrest-analytics.example,starter,1,0,,2026-10-01,"25 Quay Street, Austin, TX 78701, United States",,US,,cii,,"# + "\n"
        try customers.write(toFile: "\(site.root)/customers.csv", atomically: false, encoding: .utf8)
        let adjust = try site.settle(["invoice", "--period", "2026-10", "--finalize", "--adjust", "--catalog", "--issue-date", "2026-11-30"],
                                     at: "2026-11-30T08:00:00Z")
        #expect(adjust.status == 0 || adjust.status == 3, "\(adjust.stderr)")
        return (site, env)
    }

    static func files(_ site: NightlyTests.Site, _ month: String) -> [String: Data] {
        site.files.filter { $0.key.hasPrefix("ledger/\(month)/") }
    }

    @Test(arguments: StoreKind.all)
    func theDemoMonthsTieOutBalanceAndNeverChangeOnceWritten(kind: StoreKind) throws {
        let (site, env) = try Self.demoMonths(kind)
        let catalog = try CatalogLoader.load(config: env("2026-12-02T06:00:00Z").config)

        // October, written by the first close: read back the same.
        let october = try WriteJournal(month: PeriodMonth("2026-10")!).execute(store: site.store, env: env("2026-12-02T06:00:00Z"))
        #expect(!october.written)
        #expect(october.tieOuts.count == 5 && october.tieOuts.allSatisfy(\.holds), "\(october.tieOuts.filter { !$0.holds }.map(\.line))")

        // November: every invoice issued in it, the payments, the credit note's settlement, payouts.
        let november = try WriteJournal(month: PeriodMonth("2026-11")!, format: .xero).execute(store: site.store, env: env("2026-12-02T06:00:00Z"))
        #expect(november.written && november.notBooked.isEmpty, "\(november.notBooked)")
        #expect(november.tieOuts.count == 5)
        for t in november.tieOuts { #expect(t.holds, "\(t.line)") }
        let tie = Dictionary(uniqueKeysWithValues: november.tieOuts.map { (String($0.name.prefix(while: { $0 != " " })), $0.journal) })
        #expect(tie["receivable"] == "0.05 EUR, 14.18 GBP, 12425 JPY, 839.99 USD")
        #expect(tie["seller_payable"] == "codewell-health 2.42, lexica-labs 7.00, querysmith 0.62")
        for stored in november.entries { #expect(stored.entry.isBalanced, "\(stored.entry.source)") }
        let debits = november.trialBalance.reduce(ExactDecimal.zero) { $0 + $1.debit }
        let credits = november.trialBalance.reduce(ExactDecimal.zero) { $0 + $1.credit }
        #expect(debits == credits && november.trialBalance.reduce(ExactDecimal.zero) { $0 + $1.closing }.isZero)
        // Each event once: the invoice, its payment, the refund that reopened it.
        let sources = november.entries.map(\.entry.source)
        #expect(Set(sources).count == sources.count)
        #expect(sources.contains("doc:INV-2026-000007") && sources.contains("payment:ch_3QHa5dLkdIwHu7ix0Lp7Xr1s")
                && sources.contains("payment:ch_3QHa5dLkdIwHu7ix0Lp7Xr1s/refund") && sources.contains("settled:CN-2026-000001:INV-2026-000008"))
        #expect(!sources.contains("payment:20261130-USD-01/BUKB2611240001902"), "an unmatched payment is not booked")
        // The EUR invoice's payment: booked at the invoice's rate against receivable, with its own amount beside.
        let eur = november.entries.first { $0.entry.source == "payment:ch_3QIx4tLkdIwHu7ix1kC8Nd5v" }?.entry
        let onReceivable = eur?.lines.first { $0.account == .receivable }
        #expect(onReceivable?.credit == ExactDecimal("100.55") && onReceivable?.original?.amount == ExactDecimal("-90.00")
                && onReceivable?.original?.currency == "EUR")

        // Rerun: the same bytes; a month before it: read back, the same bytes too.
        let written = Self.files(site, "2026-11")
        #expect(written.keys.sorted() == ["ledger/2026-11/journal.csv", "ledger/2026-11/trial-balance.csv", "ledger/2026-11/xero-manual-journals.csv"])
        let again = try WriteJournal(month: PeriodMonth("2026-11")!, format: .xero).execute(store: site.store, env: env("2026-12-20T06:00:00Z"))
        #expect(!again.written && Self.files(site, "2026-11") == written)

        // December is not over on the 2nd; a payment dated in November taken in now goes to December.
        #expect(throws: JournalMonthError.self) {
            _ = try WriteJournal(month: PeriodMonth("2026-12")!).execute(store: site.store, env: env("2026-12-02T06:00:00Z"))
        }
        let late = site.holder.write("late.csv", """
            id,Created date (UTC),Amount,Amount Refunded,Currency,Fee,Status,Customer ID,Description,invoice_number (metadata),customer_id (metadata),kind (metadata)
            ch_late,2026-11-29 16:02:10,20.93,0.00,usd,0.91,Paid,,Invoice,INV-2026-000034,,

            """)
        _ = try IngestPayments(paths: [late]).execute(store: site.store, env: env("2026-12-03T06:00:00Z"))
        let december = try WriteJournal(month: PeriodMonth("2026-12")!).execute(store: site.store, env: env("2027-01-02T06:00:00Z"))
        let booked = december.entries.first { $0.entry.source == "payment:ch_late" }?.entry
        #expect(booked?.date == UTCDay("2026-12-01") && booked?.memo.contains("dated 2026-11-29, taken in after that month's journal was written") == true)
        #expect(Self.files(site, "2026-11") == written, "a written month never changes")
        for t in december.tieOuts where !t.name.hasPrefix("receivable") { #expect(t.holds, "\(t.line)") }
        // Receivables on 2026-12-31 count the late payment; so does the journal through December.
        #expect(december.tieOuts.first { $0.name.hasPrefix("receivable") }?.holds == true)
        // November may not be written after December, but it was: read back. October the same.
        #expect(try !WriteJournal(month: PeriodMonth("2026-10")!).execute(store: site.store, env: env("2027-01-02T06:00:00Z")).written)
        _ = catalog
    }

    @Test(arguments: StoreKind.all)
    func xeroAndQuickBooksFilesReadBackToTheSameBooks(kind: StoreKind) throws {
        let (site, env) = try Self.demoMonths(kind)
        let result = try WriteJournal(month: PeriodMonth("2026-11")!, format: .quickbooks).execute(store: site.store, env: env("2026-12-02T06:00:00Z"))
        _ = try WriteJournal(month: PeriodMonth("2026-11")!, format: .xero).execute(store: site.store, env: env("2026-12-02T06:00:00Z"))
        let folder = "\(site.root)/out/ledger/2026-11"
        // settle's own journal: per account code, debit minus credit.
        var byCode: [String: ExactDecimal] = [:]
        for row in try Self.rows("\(folder)/journal.csv") {
            byCode[row["account"]!, default: .zero] += (ExactDecimal(row["debit"]!) ?? .zero) - (ExactDecimal(row["credit"]!) ?? .zero)
        }
        // Xero: a journal per narration and date, each summing to zero; the same per account.
        let xero = try Self.rows("\(folder)/xero-manual-journals.csv")
        #expect(Array(xero.first!.keys).sorted() == JournalCSV.xeroColumns.sorted())
        var xeroByCode: [String: ExactDecimal] = [:]
        var journals: [String: ExactDecimal] = [:]
        for row in xero {
            let amount = ExactDecimal(row["*Amount"]!)!
            xeroByCode[row["*AccountCode"]!, default: .zero] += amount
            journals[row["*Narration"]! + "|" + row["*Date"]!, default: .zero] += amount
            #expect(row["*TaxRate"] == "No VAT" && row["*Date"]!.hasSuffix("/11/2026"))
        }
        #expect(journals.count == result.entries.count && journals.values.allSatisfy(\.isZero))
        #expect(xeroByCode.filter { !$0.value.isZero } == byCode.filter { !$0.value.isZero })
        // QuickBooks Online: per Journal No. debits equal credits; accounts by name; A/R lines name the customer.
        let qbo = try Self.rows("\(folder)/quickbooks-journal-entries.csv")
        #expect(Array(qbo.first!.keys).sorted() == JournalCSV.quickbooksColumns.sorted())
        var entries: [String: ExactDecimal] = [:]
        var qboByName: [String: ExactDecimal] = [:]
        for row in qbo {
            let amount = (ExactDecimal(row["Debits"]!) ?? .zero) - (ExactDecimal(row["Credits"]!) ?? .zero)
            entries[row["Journal No."]!, default: .zero] += amount
            qboByName[row["Account Name"]!, default: .zero] += amount
            #expect(row["Journal Date"]!.hasPrefix("11/"))
            if row["Account Name"] == "Accounts Receivable" { #expect(!row["Name"]!.isEmpty) }
        }
        #expect(entries.count == result.entries.count && entries.values.allSatisfy(\.isZero))
        let chart = ChartOfAccounts()
        let byName = Dictionary(uniqueKeysWithValues: byCode.compactMap { code, v -> (String, ExactDecimal)? in
            JournalAccount.allCases.first { chart.code($0) == code }.map { (chart.name($0), v) }
        })
        #expect(qboByName.filter { !$0.value.isZero } == byName.filter { !$0.value.isZero })
    }

    /// A generated month of 1,000 customers (`settle generate`), closed, two thirds of its
    /// invoices paid through Stripe (some in part, some twice over, a few refunded), and its
    /// journals: every tie-out holds.
    @Test(arguments: StoreKind.all)
    func aGeneratedThousandCustomerMonthTiesOut(kind: StoreKind) throws {
        let dir = TempFolder()
        var gen = SyntheticData()
        gen.customers = 1_000
        gen.days = 3
        gen.eventsPerDay = 4_000
        gen.badRowsPerFile = 0
        gen.overlap = 0
        _ = try gen.write(to: dir.path)
        let (store, url) = try kind.makeStore(in: dir)
        let config = try ConfigLoader.load(path: "\(dir.path)/settle.toml", explicit: true)
        func env(_ now: String) -> JobEnvironment {
            var env = JobEnvironment(config: config, databaseURL: url, outDir: "\(dir.path)/out")
            let time = Timestamp(rfc3339: now)!
            env.clock = { time }
            return env
        }
        _ = try IngestUsage(paths: ["\(dir.path)/usage"]).execute(store: store, env: env("2026-10-28T03:00:00Z"))
        _ = try Aggregate(from: UTCDay("2026-10-25")!, to: UTCDay("2026-10-27")!).execute(store: store, env: env("2026-10-28T04:00:00Z"))
        let close = try Close(month: PeriodMonth("2026-10")!, issueDate: UTCDay("2026-11-28")!).execute(store: store, env: env("2026-11-28T06:00:00Z"))
        #expect(close.invoices.issuedCount > 900, "\(close.invoices.issuedCount) issued")
        #expect(close.journal?.tieOuts.allSatisfy(\.holds) == true, "\(close.journal?.tieOuts.filter { !$0.holds }.map(\.line) ?? [])")

        // Stripe pays two invoices in three: whole, in part (every fifth), twice over (every seventh).
        var csv = "id,Created date (UTC),Amount,Amount Refunded,Currency,Fee,Status,Customer ID,Description,invoice_number (metadata),customer_id (metadata),kind (metadata)\n"
        let open = try store.payments.receivables(base: "USD").filter { $0.total > .zero }
        var charges = 0, refunds = 0
        for (i, r) in open.enumerated() where i % 3 != 2 {
            let amount = i % 5 == 0 ? (r.total * ExactDecimal("0.5")!).rounded(places: 2) : i % 7 == 0 ? r.total + ExactDecimal("10.00")! : r.total
            let refunded = i % 11 == 0 && amount > ExactDecimal("1.00")! ? ExactDecimal("1.00")! : .zero
            charges += 1
            if !refunded.isZero { refunds += 1 }
            csv += "ch_\(i),2026-11-29 10:00:00,\(amount.formatted(places: 2)),\(refunded.formatted(places: 2)),usd,0.30,Paid,,Invoice,\(r.number),,\n"
        }
        let file = dir.write("stripe.csv", csv)
        let paid = try IngestPayments(paths: [file]).execute(store: store, env: env("2026-11-30T06:00:00Z"))
        #expect(open.count > 300 && paid.unmatched.isEmpty && paid.posted.count == charges + refunds, "\(open.count) open, \(paid.posted.count) posted")
        let november = try WriteJournal(month: PeriodMonth("2026-11")!).execute(store: store, env: env("2026-12-01T06:00:00Z"))
        #expect(november.written && november.notBooked.isEmpty)
        for t in november.tieOuts { #expect(t.holds, "\(t.line)") }
        #expect(november.entries.allSatisfy { $0.entry.isBalanced })
        #expect(november.entries.count > charges + refunds)
    }

    /// The rows of a CSV file by column name.
    static func rows(_ path: String) throws -> [[String: String]] {
        let table = try CSVTable(path: path, required: [])
        return table.rows.map { row in Dictionary(uniqueKeysWithValues: table.header.map { ($0, row[$0]) }) }
    }
}
