import Foundation
import Testing
import SettleCore
import SettleFormats
import SettleStore
import SettleTestSupport
@testable import SettleJobs

/// What a finance review found in billing over time (issue 28), each on both stores: an
/// in-place edit never re-prices an issued period, only a back-dated version is applied by
/// `--adjust --catalog` and only to its customer, issue dates never go back nor into the future,
/// a drafts-only run states the month's credit, a price fix lets close issue its drafts, close
/// renders the PDFs of every document it issued, and a store of the previous release keeps working.
@Suite struct IssuedMeansIssuedTests {
    static func toml(proFee: String = "79.00", claudeEnterprisePct: String = "12") -> String {
        """
        [catalog]
        customers = "customers.csv"
        prices = "prices.csv"
        credits = "credits.csv"
        [markup]
        default_pct = "20"
        [[markup.rules]]
        pattern = "claude*"
        plan = "enterprise"
        pct = "\(claudeEnterprisePct)"
        [plans.pro]
        monthly_fee = "\(proFee)"
        [plans.enterprise]
        monthly_fee = "500.00"
        [invoices]
        payment_terms_days = 14
        """
    }

    static let customers = """
        customer_id,name,email,plan,billing_day,tax_rate_pct,alert_webhook,effective_from,address,tax_id
        cus_e,Epsilon,e@example.com,enterprise,1,20,,,,
        cus_p1,Pi One,p1@example.com,pro,1,20,,,,
        cus_p2,Pi Two,p2@example.com,pro,1,20,,,,

        """

    static let prices = """
        provider,model,token_type,tier,price,per,effective_from
        anthropic,claude-sonnet-4-5,input,,0.80,1M,2026-01-01
        anthropic,claude-sonnet-4-5,output,,4.00,1M,2026-01-01

        """

    static func setUp(_ kind: StoreKind, credits: String = "reference,customer_id,date,amount,kind,expires\n")
        throws -> (TempFolder, any SettleStore, JobEnvironment) {
        let dir = TempFolder()
        dir.write("settle.toml", toml())
        dir.write("customers.csv", customers)
        dir.write("prices.csv", prices)
        dir.write("credits.csv", credits)
        let (store, url) = try kind.makeStore(in: dir)
        return (dir, store, try env(dir, url))
    }

    /// The environment as a run reads it now (settle.toml may have been edited).
    static func env(_ dir: TempFolder, _ url: String, today: String = "2026-12-06") throws -> JobEnvironment {
        let config = try ConfigLoader.load(path: "\(dir.path)/settle.toml", explicit: true)
        return JobEnvironment(config: config, databaseURL: url, outDir: "\(dir.path)/out", clock: { Timestamp(rfc3339: "\(today)T06:00:00Z")! })
    }

    static func ingest(_ dir: TempFolder, _ store: any SettleStore, _ env: JobEnvironment, _ name: String, _ lines: [String],
                       from: String, to: String) throws {
        _ = try IngestUsage(paths: [dir.write("in/\(name)", UsageLines.file(lines))]).execute(store: store, env: env)
        _ = try Aggregate(from: UTCDay(from)!, to: UTCDay(to)!).execute(store: store, env: env)
    }

    static func claude(_ id: String, _ customer: String, _ ts: String, input: Int, output: Int) -> String {
        UsageLines.json(id, customer: customer, ts: ts, provider: "anthropic", model: "claude-sonnet-4-5", input: input, output: output)
    }

    func money(_ s: String) -> ExactDecimal { ExactDecimal(s)! }
    func day(_ s: String) -> UTCDay { UTCDay(s)! }
    let oct = PeriodMonth("2026-10")!

    /// Finding 1: cus_e on enterprise (12 % on Claude) is issued; its row is edited in place to
    /// pro, the plan fee and the markup rule are edited too, and a million late tokens arrive.
    /// The supplementary invoice bills the late tokens alone, at the frozen 0.896, with the
    /// frozen 20 % tax; the 110M tokens already invoiced are not re-priced.
    @Test(arguments: StoreKind.all)
    func anInPlaceEditNeverRepricesIssuedUsage(kind: StoreKind) throws {
        let (dir, store, env) = try Self.setUp(kind)
        try Self.ingest(dir, store, env, "oct.jsonl", [Self.claude("e1", "cus_e", "2026-10-05T10:00:00Z", input: 100_000_000, output: 10_000_000)],
                        from: "2026-10-01", to: "2026-10-31")
        let issued = try IssueInvoices(month: oct, customer: "cus_e", finalize: true, issueDate: day("2026-11-02")).execute(store: store, env: env)
        let original = try #require(issued.issued.first)
        #expect(original.lines.filter { $0.kind == .usage }.map { "\($0.quantity) \($0.unitPrice) \($0.amount)" }
                == ["100000000 0.896 89.60", "10000000 4.48 44.80"])

        dir.write("customers.csv", Self.customers.replacingOccurrences(of: "cus_e,Epsilon,e@example.com,enterprise,1,20", with: "cus_e,Epsilon,e@example.com,pro,1,0"))
        dir.write("settle.toml", Self.toml(proFee: "99.00", claudeEnterprisePct: "30"))
        let edited = try Self.env(dir, env.databaseURL)
        try Self.ingest(dir, store, edited, "late.jsonl", [Self.claude("e2", "cus_e", "2026-10-20T10:00:00Z", input: 1_000_000, output: 0)],
                        from: "2026-10-20", to: "2026-10-20")
        // The period's summary is still priced with its frozen terms.
        let lines = try store.periods.lines(customer: "cus_e", period: BillingPeriod(month: oct, billingDay: 1))
        #expect(lines.filter { $0.quantity > 0 && $0.tokenType != .request }.map { "\($0.tokenType) \($0.quantity) \($0.unitPrice.map { ($0 * ExactDecimal(1_000_000)).normalized.description } ?? "none")" }.sorted()
                == ["input 101000000 0.896", "output 10000000 4.48"])

        let adjusted = try IssueInvoices(month: oct, adjust: true, issueDate: day("2026-11-05")).execute(store: store, env: edited)
        let supplementary = try #require(adjusted.adjustments.first)
        #expect(adjusted.adjustments.count == 1 && adjusted.issued.isEmpty)
        #expect(supplementary.kind == .supplementary && supplementary.adjusts == original.number)
        #expect(supplementary.lines.map { "\($0.description) \($0.quantity) \($0.unitPrice) \($0.amount)" }
                == ["anthropic claude-sonnet-4-5 input 1000000 0.896 0.90"])
        #expect(supplementary.subtotal == money("0.90") && supplementary.tax == money("0.18") && supplementary.total == money("1.08"))
        // Nothing further to settle on another run.
        #expect(try IssueInvoices(month: oct, adjust: true, issueDate: day("2026-11-05")).execute(store: store, env: edited).adjustments.isEmpty)
    }

    /// Finding 3: pro's fee is raised for future periods, cus_p1's tax rate is edited in place,
    /// and cus_p2 gets a back-dated enterprise version from 2026-10-16. `--adjust --catalog`
    /// corrects cus_p2 alone, with the fees the period was issued with (pro at 79.00).
    @Test(arguments: StoreKind.all)
    func onlyABackdatedVersionIsAppliedAndOnlyToItsCustomer(kind: StoreKind) throws {
        let (dir, store, env) = try Self.setUp(kind)
        let issued = try IssueInvoices(month: oct, finalize: true, issueDate: day("2026-11-02")).execute(store: store, env: env)
        #expect(issued.issued.map { "\($0.customerID) \($0.total)" } == ["cus_e 600.00", "cus_p1 94.80", "cus_p2 94.80"])
        let p2 = try #require(issued.issued.first { $0.customerID == "cus_p2" })

        dir.write("settle.toml", Self.toml(proFee: "99.00"))
        dir.write("customers.csv", Self.customers.replacingOccurrences(of: "cus_p1,Pi One,p1@example.com,pro,1,20", with: "cus_p1,Pi One,p1@example.com,pro,1,0")
                  + "cus_p2,Pi Two,p2@example.com,enterprise,1,20,,2026-10-16,,\n")
        let edited = try Self.env(dir, env.databaseURL)
        #expect(try IssueInvoices(month: oct, adjust: true, issueDate: day("2026-11-05")).execute(store: store, env: edited).adjustments.isEmpty)
        let applied = try IssueInvoices(month: oct, adjust: true, applyCatalog: true, issueDate: day("2026-11-05")).execute(store: store, env: edited)
        #expect(applied.adjustments.map(\.customerID) == ["cus_p2"])
        let doc = try #require(applied.adjustments.first)
        #expect(doc.kind == .supplementary && doc.adjusts == p2.number)
        #expect(doc.lines.map { "\($0.description) \($0.amount)" } == [
            "pro plan, 2026-10-01 to 2026-10-15 (15/31 days) 38.23",
            "enterprise plan, 2026-10-16 to 2026-10-31 (16/31 days) 258.06",
            "pro plan, 2026-10-01 to 2026-10-31 -79.00",
        ])
        #expect(doc.subtotal == money("217.29") && doc.tax == money("43.46") && doc.total == money("260.75"))
        // Applied once: the period now stands on its corrected terms.
        #expect(try IssueInvoices(month: oct, adjust: true, applyCatalog: true, issueDate: day("2026-11-05"))
            .execute(store: store, env: edited).adjustments.isEmpty)
    }

    /// A markup edited in place after the period was summed and before it is issued: the
    /// invoice is priced with the catalog it is frozen with (the summary is summed again first),
    /// so a late event afterwards is billed alone, never a reversal of every line.
    @Test(arguments: StoreKind.all)
    func aCatalogEditBeforeTheCloseIsWhatTheInvoiceIsFrozenWith(kind: StoreKind) throws {
        let (dir, store, env) = try Self.setUp(kind)
        try Self.ingest(dir, store, env, "oct.jsonl", [Self.claude("e1", "cus_e", "2026-10-05T10:00:00Z", input: 100_000_000, output: 0)],
                        from: "2026-10-01", to: "2026-10-31")
        dir.write("settle.toml", Self.toml(claudeEnterprisePct: "30"))
        let edited = try Self.env(dir, env.databaseURL)
        let close = try Close(month: oct, issueDate: day("2026-11-02")).execute(store: store, env: edited)
        #expect(close.invoices.issuedCount == 3)
        let e = try #require(try store.invoiceLedger.documents(period: oct, customers: ["cus_e"])["cus_e"]?.first.flatMap { try? InvoiceDocument.read($0.document) })
        #expect(e.lines.filter { $0.kind == .usage }.map { "\($0.quantity) \($0.unitPrice) \($0.amount)" } == ["100000000 1.04 104.00"])
        try Self.ingest(dir, store, edited, "late.jsonl", [Self.claude("e2", "cus_e", "2026-10-20T10:00:00Z", input: 1_000_000, output: 0)],
                        from: "2026-10-20", to: "2026-10-20")
        let nov = try Close(month: PeriodMonth("2026-11")!, issueDate: day("2026-12-02")).execute(store: store, env: edited)
        let late = try #require(try store.invoiceLedger.documents(period: oct, customers: ["cus_e"])["cus_e"]?.last.flatMap { try? InvoiceDocument.read($0.document) })
        #expect(nov.earlier.first?.adjustmentCount == 1)
        #expect(late.kind == .supplementary && late.lines.map { "\($0.quantity) \($0.unitPrice) \($0.amount)" } == ["1000000 1.04 1.04"])
    }

    /// A back-dated version applied by `--adjust --catalog` to a customer with usage, on a plan
    /// a markup rule names: the correction re-prices the usage once, and the next close finds
    /// nothing more to settle (it does not undo the correction from an older summary).
    @Test(arguments: StoreKind.all)
    func aBackdatedCorrectionStaysCorrected(kind: StoreKind) throws {
        let (dir, store, env) = try Self.setUp(kind)
        try Self.ingest(dir, store, env, "oct.jsonl", [Self.claude("p1", "cus_p2", "2026-10-20T10:00:00Z", input: 100_000_000, output: 0)],
                        from: "2026-10-01", to: "2026-10-31")
        _ = try IssueInvoices(month: oct, finalize: true, issueDate: day("2026-11-02")).execute(store: store, env: env)
        dir.write("customers.csv", Self.customers + "cus_p2,Pi Two,p2@example.com,enterprise,1,20,,2026-10-16,,\n")
        let applied = try IssueInvoices(month: oct, customer: "cus_p2", adjust: true, applyCatalog: true, issueDate: day("2026-11-05"))
            .execute(store: store, env: env)
        let doc = try #require(applied.adjustments.first)
        // Usage on 10-20, under enterprise now: 0.896 instead of pro's (default 20 %) 0.96.
        #expect(doc.lines.filter { $0.kind == .usage }.map { "\($0.quantity) \($0.unitPrice) \($0.amount)" }
                == ["100000000 0.896 89.60", "-100000000 0.96 -96.00"])
        let close = try Close(month: oct, issueDate: day("2026-11-05")).execute(store: store, env: env)
        #expect(close.invoices.adjustmentCount == 0 && close.invoices.issuedCount == 0)
        let lines = try store.periods.lines(customer: "cus_p2", period: BillingPeriod(month: oct, billingDay: 1))
        #expect(lines.filter { $0.quantity > 0 && $0.tokenType == .input }.map { ($0.unitPrice! * ExactDecimal(1_000_000)).normalized.description } == ["0.896"])
    }

    /// Finding 2: an issue date in the future, or before the latest one used, is refused (64)
    /// naming the latest date; so documents are issued, and use credit, in date order.
    @Test(arguments: StoreKind.all)
    func issueDatesNeverGoBackNorIntoTheFuture(kind: StoreKind) throws {
        let (dir, store, env) = try Self.setUp(kind)
        defer { withExtendedLifetime(dir) {} }
        let future = #expect(throws: IssueDateError.self) {
            _ = try IssueInvoices(month: oct, customer: "cus_e", finalize: true, issueDate: day("2026-12-25")).execute(store: store, env: env)
        }
        #expect(future?.message.contains("after today (2026-12-06") == true)
        #expect(ExitStatus(failure: try #require(future)) == .usage)
        #expect(try store.invoiceLedger.latestIssueDate() == nil)

        let nov = try IssueInvoices(month: PeriodMonth("2026-11")!, customer: "cus_e", finalize: true, issueDate: day("2026-12-05"))
            .execute(store: store, env: env)
        #expect(nov.issued.map { $0.number! } == ["INV-2026-000001"])
        let back = #expect(throws: IssueDateError.self) {
            _ = try IssueInvoices(month: oct, customer: "cus_e", finalize: true, issueDate: day("2026-12-01")).execute(store: store, env: env)
        }
        #expect(back?.message.contains("before 2026-12-05, the latest issue date already used") == true)
        #expect(try store.invoiceLedger.latestIssueDate() == day("2026-12-05"))
        // The same day, or today, is in order; a draft run is not an issue and is never refused.
        _ = try IssueInvoices(month: oct, customer: "cus_p1", issueDate: day("2026-12-01")).execute(store: store, env: env)
        let same = try IssueInvoices(month: oct, customer: "cus_e", finalize: true, issueDate: day("2026-12-05")).execute(store: store, env: env)
        #expect(same.issued.map { $0.number! } == ["INV-2026-000002"])
        // A later issue today; a rerun of an earlier run with its own date finds nothing due and
        // is not refused (its files are written again, the same).
        _ = try IssueInvoices(month: oct, customer: "cus_p1", finalize: true).execute(store: store, env: env)
        #expect(try store.invoiceLedger.latestIssueDate() == day("2026-12-06"))
        let rerun = try IssueInvoices(month: PeriodMonth("2026-11")!, customer: "cus_e", finalize: true, issueDate: day("2026-12-05"))
            .execute(store: store, env: env)
        #expect(rerun.issuedCount == 0 && rerun.adjustmentCount == 0)
    }

    /// A run that only makes drafts: the statement still shows the month's top-up, and the
    /// credit the draft would use as `pending`, outside the closing balance; the stored ledger
    /// is left for the documents that will be issued.
    @Test(arguments: StoreKind.all)
    func aDraftsOnlyRunStatesTheMonthsCredit(kind: StoreKind) throws {
        let (dir, store, env) = try Self.setUp(kind, credits: "reference,customer_id,date,amount,kind,expires\ntop-1,cus_p1,2026-10-02,100.00,,\n")
        _ = try IssueInvoices(month: oct, customer: "cus_p1").execute(store: store, env: env)
        #expect(dir.read("out/invoices/2026-10/credits.csv") == """
            customer_id,opening_balance,topups,refunds,adjustments,applied,credit_notes,expired,closing_balance,pending,currency\r
            cus_p1,0.00,100.00,0.00,0.00,0.00,0.00,0.00,100.00,94.80,USD\r

            """)
        #expect(try store.creditLedger.entries().isEmpty)
        let issued = try IssueInvoices(month: oct, customer: "cus_p1", finalize: true, issueDate: day("2026-11-02")).execute(store: store, env: env)
        #expect(issued.issued.first?.creditsApplied == money("94.80"))
        // Issued on 2026-11-02: the credit it applied is November's movement; October's pending is gone.
        #expect(dir.read("out/invoices/2026-10/credits.csv").contains("cus_p1,0.00,100.00,0.00,0.00,0.00,0.00,0.00,100.00,0.00,USD\r\n"))
        #expect(try store.creditLedger.uses().map { "\($0.day) \($0.amount)" } == ["2026-11-02 94.80"])
    }

    /// A price added for usage that had none: the next close sums the day again and issues the
    /// draft it left (only `aggregate` noticed before). Close renders the PDFs of what it
    /// issued, and November's close renders October's late supplementary invoice too.
    @Test(arguments: StoreKind.all)
    func aPriceFixIsIssuedByTheNextCloseAndCloseRendersWhatItIssued(kind: StoreKind) throws {
        let (dir, store, env) = try Self.setUp(kind)
        try Self.ingest(dir, store, env, "oct.jsonl", [
            UsageLines.json("u1", customer: "cus_p1", ts: "2026-10-06T10:00:00Z", provider: "openai", model: "gpt-5-preview", input: 1_000_000, output: 0),
        ], from: "2026-10-01", to: "2026-10-31")
        let first = try Close(month: oct, issueDate: day("2026-11-02")).execute(store: store, env: env)
        #expect(first.invoices.draftCount == 1 && first.invoices.issuedCount == 2)
        let folder = "\(dir.path)/out/invoices/2026-10"
        #expect(FileManager.default.fileExists(atPath: "\(folder)/INV-2026-000001.pdf"))
        #expect(FileManager.default.fileExists(atPath: "\(folder)/INV-2026-000002.pdf"))

        dir.write("prices.csv", Self.prices + "openai,gpt-5-preview,input,,1.00,1M,2026-01-01\n")
        let second = try Close(month: oct, issueDate: day("2026-11-03")).execute(store: store, env: env)
        #expect(second.invoices.issuedCount == 1 && second.invoices.draftCount == 0)
        #expect(second.status == .ok)
        let p1 = try #require(try store.invoiceLedger.documents(period: oct, customers: ["cus_p1"])["cus_p1"]?.first.flatMap { try? InvoiceDocument.read($0.document) })
        #expect(p1.number == "INV-2026-000003" && p1.subtotal == money("80.20"))   // 79.00 + 1M × 1.20
        #expect(FileManager.default.fileExists(atPath: "\(folder)/INV-2026-000003.pdf"))

        // Late October usage, settled by November's close: its PDF is October's.
        try Self.ingest(dir, store, env, "late.jsonl", [
            UsageLines.json("u2", customer: "cus_p1", ts: "2026-10-20T10:00:00Z", provider: "openai", model: "gpt-5-preview", input: 1_000_000, output: 0),
        ], from: "2026-10-20", to: "2026-10-20")
        let nov = try Close(month: PeriodMonth("2026-11")!, issueDate: day("2026-12-02")).execute(store: store, env: env)
        #expect(nov.earlier.first?.adjustmentCount == 1)
        #expect(FileManager.default.fileExists(atPath: "\(folder)/INV-2026-000004.pdf"))
        #expect(nov.documents.count == 2)
    }

    /// A store of the previous release (schema 15: no issue_date column, no stored terms) keeps
    /// working: migration 16 reads each document's issue date, the first invoice run freezes
    /// the issued periods with the catalog as it is then, and from then on edits do not reach them.
    @Test(arguments: StoreKind.all)
    func aStoreOfThePreviousReleaseKeepsWorking(kind: StoreKind) throws {
        let (dir, store, env) = try Self.setUp(kind)
        try Self.ingest(dir, store, env, "oct.jsonl", [Self.claude("e1", "cus_e", "2026-10-05T10:00:00Z", input: 100_000_000, output: 0)],
                        from: "2026-10-01", to: "2026-10-31")
        _ = try IssueInvoices(month: oct, finalize: true, issueDate: day("2026-11-02")).execute(store: store, env: env)
        // What the previous release left: schema 15.
        try StoreKind.tamper(env.databaseURL, """
            DROP TABLE issued_terms; DROP TABLE catalog_terms; DROP TABLE charge_audit_days; DROP INDEX invoices_issue_date; ALTER TABLE period_totals DROP COLUMN priced_with;
            ALTER TABLE invoices DROP COLUMN issue_date;
            ALTER TABLE usage_summaries DROP COLUMN from_day; ALTER TABLE usage_summaries DROP COLUMN through_day;
            DROP TABLE period_calls; ALTER TABLE usage_daily_days DROP COLUMN complete;
            ALTER TABLE period_totals ADD COLUMN calls_by_provider TEXT NOT NULL DEFAULT '';
            ALTER TABLE bill_lines DROP COLUMN exchange_rate; ALTER TABLE reconciliation_cells DROP COLUMN exchange_rates; DROP TABLE payments; DROP TABLE reminders; DROP TABLE journal_lines; DROP TABLE journal_months;
            ALTER TABLE invoices DROP COLUMN currency; ALTER TABLE invoices DROP COLUMN due_date; ALTER TABLE invoices DROP COLUMN amount_due; ALTER TABLE invoices DROP COLUMN adjusts;
            DELETE FROM schema_migrations WHERE version >= 16;
            """)
        let reopened = try StoreOpener.open(url: env.databaseURL)
        #expect(try reopened.migrate() == [16, 17, 18, 19])
        // Migration 19 read each document's currency, due date and amount due for receivables.
        let receivable = try reopened.payments.receivables(base: "USD")
        #expect(receivable.map { "\($0.number) \($0.currency) \($0.issueDate) \($0.dueDate) \($0.total)" } == ["INV-2026-000001 USD 2026-11-02 2026-11-16 707.52", "INV-2026-000002 USD 2026-11-02 2026-11-16 94.80", "INV-2026-000003 USD 2026-11-02 2026-11-16 94.80"])
        #expect(try reopened.invoiceLedger.latestIssueDate() == day("2026-11-02"))
        // The first run freezes October with today's catalog; an in-place edit after it is not
        // applied, and neither is it by --catalog (no customer has a back-dated version).
        #expect(try IssueInvoices(month: oct, adjust: true, issueDate: day("2026-11-05")).execute(store: reopened, env: env).adjustments.isEmpty)
        dir.write("settle.toml", Self.toml(proFee: "99.00", claudeEnterprisePct: "30"))
        let edited = try Self.env(dir, env.databaseURL)
        #expect(try IssueInvoices(month: oct, adjust: true, applyCatalog: true, issueDate: day("2026-11-05"))
            .execute(store: reopened, env: edited).adjustments.isEmpty)
        try Self.ingest(dir, reopened, edited, "late.jsonl", [Self.claude("e2", "cus_e", "2026-10-20T10:00:00Z", input: 1_000_000, output: 0)],
                        from: "2026-10-20", to: "2026-10-20")
        let refused = #expect(throws: IssueDateError.self) {
            _ = try IssueInvoices(month: oct, adjust: true, issueDate: day("2026-11-01")).execute(store: reopened, env: edited)
        }
        #expect(refused?.message.contains("2026-11-02") == true)
        let adjusted = try IssueInvoices(month: oct, adjust: true, issueDate: day("2026-11-05")).execute(store: reopened, env: edited)
        #expect(adjusted.adjustments.map { "\($0.customerID) \($0.subtotal)" } == ["cus_e 0.90"])
    }
}
