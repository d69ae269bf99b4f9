import Foundation
import Testing
import SettleCore
import SettleFormats
import SettleStore
import SettleTestSupport
@testable import SettleJobs

/// Billing that survives real life, on each store: an upgrade mid-period, a catalog edited
/// after a close, a back-dated version applied on purpose, prepaid credit used once whatever
/// order periods are finalized in, refunds, a store from before the ledger, and the charge audit.
@Suite struct BillingOverTimeTests {
    static let customers = """
        customer_id,name,email,plan,billing_day,tax_rate_pct,alert_webhook,effective_from,address,tax_id
        cus_a,Alpha,a@example.com,starter,1,20,,,"1 Harbour Rd, Leith",GB100000034
        cus_a,Alpha,a@example.com,pro,1,20,,2026-10-20,"1 Harbour Rd, Leith",GB100000034
        cus_b,Beta,b@example.com,pro,1,0,,,,

        """

    static func setUp(_ kind: StoreKind, credits: String = "reference,customer_id,date,amount,kind,expires\ntop-1,cus_b,2026-10-05,100.00,,\n")
        throws -> (TempFolder, any SettleStore, JobEnvironment) {
        let dir = TempFolder()
        dir.write("settle.toml", """
            [catalog]
            customers = "customers.csv"
            prices = "prices.csv"
            credits = "credits.csv"
            [markup]
            default_pct = "20"
            [plans.starter]
            monthly_fee = "19.00"
            limits = { tokens = 1_000 }
            [plans.pro]
            monthly_fee = "79.00"
            limits = { tokens = 100_000 }
            [audit]
            tolerance = "0.01"
            [invoices]
            payment_terms_days = 14
            """)
        dir.write("customers.csv", customers)
        dir.write("prices.csv", "provider,model,token_type,tier,price,per,effective_from\nopenai,gpt-4o,input,,2.50,1M,2026-01-01\nopenai,gpt-4o,output,,10.00,1M,2026-01-01\n")
        dir.write("credits.csv", credits)
        let (store, url) = try kind.makeStore(in: dir)
        let config = try ConfigLoader.load(path: "\(dir.path)/settle.toml", explicit: true)
        return (dir, store, JobEnvironment(config: config, databaseURL: url, outDir: "\(dir.path)/out",
                                          clock: { Timestamp(rfc3339: "2026-12-06T06:00:00Z")! }))
    }

    static func ingest(_ dir: TempFolder, _ store: any SettleStore, _ env: JobEnvironment, _ name: String, _ lines: [String]) throws {
        _ = try IngestUsage(paths: [dir.write("in/\(name)", UsageLines.file(lines))]).execute(store: store, env: env)
    }

    func money(_ s: String) -> ExactDecimal { ExactDecimal(s)! }
    func day(_ s: String) -> UTCDay { UTCDay(s)! }

    /// Every row of a credits.csv ties out: opening + topups − refunds + adjustments − applied
    /// + credit_notes − expired = closing.
    func tiesOut(_ csv: String) -> Bool {
        csv.split(separator: "\r\n").dropFirst().allSatisfy { line in
            // customer_id, nine amounts, the currency.
            let v = line.split(separator: ",").dropFirst().dropLast().map { ExactDecimal(String($0))! }
            return line.hasSuffix(",USD") && v.count == 9 && v[0] + v[1] - v[2] + v[3] - v[4] + v[5] - v[6] == v[7]
        }
    }

    @Test(arguments: StoreKind.all)
    func anUpgradeMidPeriodTwoFeesReArmedAlertsAndIssuedInvoicesThatStayIssued(kind: StoreKind) throws {
        let (dir, store, env) = try Self.setUp(kind)
        let oct = PeriodMonth("2026-10")!
        try Self.ingest(dir, store, env, "early.jsonl", [
            UsageLines.json("a1", customer: "cus_a", ts: "2026-10-03T10:00:00Z", input: 500, output: 400),
            UsageLines.json("b1", customer: "cus_b", ts: "2026-10-05T10:00:00Z", input: 1_000_000, output: 100_000),
        ])
        _ = try Aggregate(from: day("2026-10-01"), to: day("2026-10-10")).execute(store: store, env: env)
        let early = try EvaluateAlerts().execute(store: store, env: env)
        // 900 tokens of the starter plan's 1,000.
        #expect(early.fired.filter { $0.customerID == "cus_a" }.map { "\($0.customerID) \($0.threshold) \($0.limit)" } == ["cus_a 80 1000", "cus_a 90 1000"])

        try Self.ingest(dir, store, env, "late.jsonl", [UsageLines.json("a2", customer: "cus_a", ts: "2026-10-25T10:00:00Z", input: 90_000, output: 1_000)])
        _ = try Aggregate(from: day("2026-10-25"), to: day("2026-10-25")).execute(store: store, env: env)
        let upgraded = try EvaluateAlerts().execute(store: store, env: env)
        // On pro since the 20th: 91,900 of 100,000 re-arms 80 and 90 with the new limit.
        #expect(upgraded.fired.map { "\($0.customerID) \($0.threshold) \($0.limit)" } == ["cus_a 80 100000", "cus_a 90 100000"])
        #expect(try EvaluateAlerts().execute(store: store, env: env).fired.isEmpty)

        let issued = try IssueInvoices(month: oct, finalize: true, issueDate: day("2026-11-02")).execute(store: store, env: env)
        let a = try #require(issued.issued.first { $0.customerID == "cus_a" })
        #expect(a.lines.map(\.description) == ["starter plan, 2026-10-01 to 2026-10-19 (19/31 days)", "pro plan, 2026-10-20 to 2026-10-31 (12/31 days)",
                                               "openai gpt-4o input", "openai gpt-4o output"])
        // 19 × 19/31 = 11.645… and 79 × 12/31 = 30.580…; input 90,500 × $3/1M = 0.2715; output 1,400 × $12/1M = 0.0168.
        #expect(a.lines.map(\.amount) == [money("11.65"), money("30.58"), money("0.27"), money("0.02")])
        #expect(a.subtotal == money("42.52") && a.tax == money("8.50") && a.total == money("51.02"))
        #expect(a.customerAddress == "1 Harbour Rd, Leith" && a.customerTaxID == "GB100000034")
        let b = try #require(issued.issued.first { $0.customerID == "cus_b" })
        #expect(b.total == money("83.20") && b.creditsApplied == money("83.20") && b.amountDue == .zero)
        let folder = "\(dir.path)/out/invoices/2026-10"
        let documents = try FileManager.default.contentsOfDirectory(atPath: folder).filter { !$0.hasSuffix(".pdf") }.sorted()

        // Plans and tax rates edited in place after the close: the next close issues nothing.
        dir.write("customers.csv", Self.customers.replacingOccurrences(of: "cus_b,Beta,b@example.com,pro,1,0", with: "cus_b,Beta,b@example.com,starter,1,25")
            .replacingOccurrences(of: "pro,1,20,,2026-10-20", with: "starter,1,10,,2026-10-20"))
        let close = try Close(month: oct, issueDate: day("2026-11-20")).execute(store: store, env: env)
        #expect(close.invoices.issued.isEmpty && close.invoices.adjustments.isEmpty && close.earlier.isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).filter { !$0.hasSuffix(".pdf") }.sorted() == documents)

        // A back-dated downgrade of cus_b, applied on purpose: a credit note, line by line.
        dir.write("customers.csv", Self.customers + "cus_b,Beta,b@example.com,starter,1,0,,2026-10-17,,\n")
        #expect(try IssueInvoices(month: oct, adjust: true, issueDate: day("2026-11-21")).execute(store: store, env: env).adjustments.isEmpty)
        let applied = try IssueInvoices(month: oct, adjust: true, applyCatalog: true, issueDate: day("2026-11-21")).execute(store: store, env: env)
        let note = try #require(applied.adjustments.first)
        #expect(applied.adjustments.count == 1 && note.kind == .creditNote && note.customerID == "cus_b" && note.adjusts == b.number)
        #expect(note.lines.map(\.description) == ["pro plan, 2026-10-01 to 2026-10-16 (16/31 days)", "starter plan, 2026-10-17 to 2026-10-31 (15/31 days)",
                                                  "pro plan, 2026-10-01 to 2026-10-31"])
        #expect(note.lines.map(\.amount) == [money("40.77"), money("9.19"), money("-79.00")])
        #expect(note.total == money("-29.04") && note.creditsApplied == money("-29.04") && note.amountDue == .zero)
        let json = dir.read("\(folder)/\(note.number!).json")
        #expect(json.contains(#""adjusts": "\#(b.number!)""#) && json.contains(#""credits_applied": "-29.04""#))

        // The credit note went on account: November's statement of cus_b.
        let november = CreditStatement.rows(entries: try store.creditLedger.entries(), uses: try store.creditLedger.uses(), month: PeriodMonth("2026-11")!)
        #expect(november.map { "\($0.customerID) \($0.cells.map { $0.formatted(places: 2) })" }
                == [#"cus_b ["100.00", "0.00", "0.00", "0.00", "83.20", "29.04", "0.00", "45.84", "0.00"]"#])
        #expect(tiesOut(dir.read("\(folder)/credits.csv")))
    }

    /// October stays a draft (a model with no price), November is issued and uses the top-up,
    /// October is finalized later: the top-up is used once. Then a refund beyond the balance.
    @Test(arguments: StoreKind.all)
    func creditIsUsedOnceWhateverOrderPeriodsAreFinalizedIn(kind: StoreKind) throws {
        let (dir, store, env) = try Self.setUp(kind)
        try Self.ingest(dir, store, env, "usage.jsonl", [
            UsageLines.json("b1", customer: "cus_b", ts: "2026-10-05T10:00:00Z", model: "gpt-5-preview", input: 1_000_000, output: 0),
            UsageLines.json("b2", customer: "cus_b", ts: "2026-11-05T10:00:00Z", input: 1_000_000, output: 0),
        ])
        _ = try Aggregate(from: day("2026-10-01"), to: day("2026-11-30")).execute(store: store, env: env)
        let oct = try IssueInvoices(month: PeriodMonth("2026-10")!, finalize: true, issueDate: day("2026-11-02")).execute(store: store, env: env)
        #expect(oct.issued.map(\.customerID) == ["cus_a"] && oct.drafts.map(\.customerID) == ["cus_b"])
        // The draft shows the credit it would use, and uses none.
        #expect(oct.drafts[0].creditsApplied == money("79.00"))
        let nov = try IssueInvoices(month: PeriodMonth("2026-11")!, finalize: true, issueDate: day("2026-12-01")).execute(store: store, env: env)
        let bNov = try #require(nov.issued.first { $0.customerID == "cus_b" })
        #expect(bNov.total == money("82.00") && bNov.creditsApplied == money("82.00"))

        dir.write("prices.csv", dir.read("prices.csv") + "openai,gpt-5-preview,input,,1.00,1M,2026-01-01\n")
        _ = try Aggregate(from: day("2026-10-01"), to: day("2026-10-31")).execute(store: store, env: env)
        let late = try IssueInvoices(month: PeriodMonth("2026-10")!, finalize: true, issueDate: day("2026-12-03")).execute(store: store, env: env)
        let bOct = try #require(late.issued.first)
        #expect(bOct.total == money("80.20") && bOct.creditsApplied == money("18.00") && bOct.amountDue == money("62.20"))
        let uses = try store.creditLedger.uses()
        #expect(uses.map { "\($0.source) \($0.entryReference) \($0.amount.formatted(places: 2))" }.sorted()
                == ["\(bNov.number!) top-1 82.00", "\(bOct.number!) top-1 18.00"])
        #expect(try store.creditLedger.entries().map(\.reference) == ["top-1"])
        let december = CreditStatement.rows(entries: try store.creditLedger.entries(), uses: uses, month: PeriodMonth("2026-12")!)
        #expect(december.map { "\($0.customerID) \($0.opening) \($0.applied) \($0.closing)" } == ["cus_b 100.00 100.00 0.00"])
        #expect(tiesOut(dir.read("out/invoices/2026-10/credits.csv")) && tiesOut(dir.read("out/invoices/2026-11/credits.csv")))

        // Nothing left: a refund is refused, naming its line; nothing is written.
        dir.write("credits.csv", dir.read("credits.csv") + "ref-1,cus_b,2026-12-04,5.00,refund,\n")
        let refused = #expect(throws: ConfigError.self) {
            _ = try IssueInvoices(month: PeriodMonth("2026-11")!, finalize: true, issueDate: day("2026-12-05")).execute(store: store, env: env)
        }
        #expect(refused?.line == 3 && refused?.file.hasSuffix("credits.csv") == true)
        #expect(refused?.problem.contains("more than the balance then (0.00") == true)
        #expect(try store.creditLedger.entries().count == 1)
    }

    /// A store whose invoices applied credit before the ledger existed: the first run replays
    /// what they applied, so the balance is what it was.
    @Test(arguments: StoreKind.all)
    func aStoreFromBeforeTheLedgerKeepsItsAppliedCredit(kind: StoreKind) throws {
        let (dir, store, env) = try Self.setUp(kind)
        try Self.ingest(dir, store, env, "usage.jsonl", [UsageLines.json("b1", customer: "cus_b", ts: "2026-10-05T10:00:00Z", input: 1_000, output: 0)])
        _ = try Aggregate(from: day("2026-10-01"), to: day("2026-10-31")).execute(store: store, env: env)
        let oct = try IssueInvoices(month: PeriodMonth("2026-10")!, finalize: true, issueDate: day("2026-11-02")).execute(store: store, env: env)
        let b = try #require(oct.issued.first { $0.customerID == "cus_b" })
        #expect(b.creditsApplied == money("79.00"))
        // What migration 11 finds: documents with credit applied, no ledger.
        try StoreKind.tamper(env.databaseURL, "DELETE FROM credit_entries; DELETE FROM credit_uses; UPDATE invoices SET credit_recorded = 0")
        let nov = try IssueInvoices(month: PeriodMonth("2026-11")!, finalize: true, issueDate: day("2026-12-01")).execute(store: store, env: env)
        #expect(nov.uncoveredCredit == .zero)
        let novB = try #require(nov.issued.first { $0.customerID == "cus_b" })
        #expect(novB.creditsApplied == money("21.00"))   // 100 − 79 replayed
        #expect(try store.creditLedger.uses().map { "\($0.source) \($0.day) \($0.amount.formatted(places: 2))" }.sorted()
                == ["\(b.number!) 2026-11-02 79.00", "\(novB.number!) 2026-12-01 21.00"])
    }

    /// The audit's message to the operator never says "undercharged by 0.00": under a cent it
    /// gives six decimals, as the files do.
    @Test func auditAmountsUnderACentKeepTheirDigits() {
        #expect(ChargeAuditDays.Result.amount(money("0.004198")) == "0.004198")
        #expect(ChargeAuditDays.Result.amount(money("0.3")) == "0.30" && ChargeAuditDays.Result.amount(.zero) == "0.00")
    }

    /// The gateway's own charges against settle's: one model undercharged (an old price), a
    /// day partly without reported costs, a CSV file with the column; exit 3 and the file.
    @Test(arguments: StoreKind.all)
    func theChargeAuditFindsAnUndercharge(kind: StoreKind) throws {
        let (dir, store, env) = try Self.setUp(kind)
        try Self.ingest(dir, store, env, "usage.jsonl", [
            // settle: 1M input × $3.00/1M + 100k output × $12.00/1M = 4.20 each.
            UsageLines.json("b1", customer: "cus_b", ts: "2026-10-25T10:00:00Z", input: 1_000_000, output: 100_000, extra: #","reported_cost":4.2"#),
            UsageLines.json("b2", customer: "cus_b", ts: "2026-10-25T11:00:00Z", input: 1_000_000, output: 100_000, extra: #","reported_cost":"4.2000000001""#),
            UsageLines.json("b3", customer: "cus_b", ts: "2026-10-25T12:00:00Z", model: "gpt-4o-mini", input: 10, output: 0, extra: #","reported_cost":-1"#),
            UsageLines.json("a1", customer: "cus_a", ts: "2026-10-25T10:00:00Z", input: 1_000_000, output: 0, extra: #","reported_cost":"2.70""#),
            UsageLines.json("a2", customer: "cus_a", ts: "2026-10-25T11:00:00Z", input: 1_000_000, output: 0),
        ])
        dir.write("in/day.csv", "request_id,ts,customer_id,provider,model,input_tokens,output_tokens,reported_cost\r\nc1,2026-10-25T13:00:00Z,cus_b,openai,gpt-4o,0,1000000,12.000000\r\n")
        let csv = try IngestUsage(paths: ["\(dir.path)/in/day.csv"]).execute(store: store, env: env)
        #expect(csv.accepted == 1)
        let rerun = try Rerun(from: day("2026-10-25"), to: day("2026-10-25"), steps: [.aggregate]).execute(store: store, env: env)
        #expect(rerun.status == .findings)
        #expect(rerun.findings.contains("the gateway undercharged 0.30 in 1 charge-audit cells (openai gpt-4o); over the month: openai gpt-4o "
                                        + "standard undercharged by 0.30 (1.28 %) in 2026-10; see audit/DAY/charge-audit.csv and "
                                        + "audit/YYYY-MM/charge-audit-summary.csv"), "\(rerun.findings)")
        // cus_a: 0.30 under 3.00 is beyond 1 % of it (0.03), and a2 carries no reported cost.
        #expect(dir.read("out/audit/2026-10-25/charge-audit.csv") == """
            day,customer_id,provider,model,tier,events,reported,computed,difference,status,events_reported\r
            2026-10-25,cus_a,openai,gpt-4o,standard,2,2.700000,3.000000,-0.300000,undercharged,1\r
            2026-10-25,cus_b,openai,gpt-4o,standard,3,20.400000,20.400000,0.000000,matched,3\r

            """)
        // Over the month: 0.30 under 23.40 is beyond 1 % of it (0.234).
        #expect(dir.read("out/audit/2026-10/charge-audit-summary.csv") == """
            provider,model,tier,days,events,reported,computed,difference,difference_pct,status,events_reported\r
            openai,gpt-4o,standard,1,5,23.100000,23.400000,-0.300000,-1.28,undercharged,4\r

            """)
        // The negative reported cost was quarantined, not dropped in silence.
        #expect(try store.quarantineCount() == 1)
        // The same day again: the same file, nothing counted twice.
        let again = try Rerun(from: day("2026-10-25"), to: day("2026-10-25"), steps: [.aggregate]).execute(store: store, env: env)
        #expect(again.audit?.cells.map(\.status) == [.undercharged, .matched])
    }

    /// A stale price in cells too small for the day's tolerance (0.01 here): every cell
    /// matched or partial, and the month's summary, recomputed from the store's daily rows
    /// whichever days a run audits, finds gpt-4o charged at half price; a model with no price
    /// is said, not dropped.
    @Test(arguments: StoreKind.all)
    func theMonthSummaryFindsWhatSmallCellsHide(kind: StoreKind) throws {
        let (dir, store, env) = try Self.setUp(kind)
        // settle: 4,000 input × $3.00/1M = 0.012 a call; the gateway charged 0.006.
        try Self.ingest(dir, store, env, "usage.jsonl", [
            UsageLines.json("b1", customer: "cus_b", ts: "2026-10-25T10:00:00Z", input: 4_000, output: 0, extra: #","reported_cost":"0.006""#),
            UsageLines.json("b2", customer: "cus_b", ts: "2026-10-26T10:00:00Z", input: 4_000, output: 0, extra: #","reported_cost":"0.006""#),
            UsageLines.json("a1", customer: "cus_a", ts: "2026-10-26T11:00:00Z", input: 4_000, output: 0, extra: #","reported_cost":"0.006""#),
            UsageLines.json("b3", customer: "cus_b", ts: "2026-10-27T10:00:00Z", input: 4_000, output: 0, extra: #","reported_cost":"0.006""#),
            UsageLines.json("b4", customer: "cus_b", ts: "2026-10-27T11:00:00Z", input: 4_000, output: 0),
            UsageLines.json("a2", customer: "cus_a", ts: "2026-10-27T12:00:00Z", model: "gpt-5-preview", input: 100, output: 0,
                            extra: #","reported_cost":"0.5""#),
        ])
        let rerun = try Rerun(from: day("2026-10-25"), to: day("2026-10-27"), steps: [.aggregate]).execute(store: store, env: env)
        #expect(rerun.status == .findings)
        #expect(rerun.audit?.cells.map(\.status) == [.matched, .matched, .matched, .unpriced, .partial])
        #expect(rerun.findings.contains("over the month: openai gpt-4o standard undercharged by 0.02 (50.00 %) in 2026-10; "
                                        + "see audit/YYYY-MM/charge-audit-summary.csv"), "\(rerun.findings)")
        #expect(dir.read("out/audit/2026-10-27/charge-audit.csv") == """
            day,customer_id,provider,model,tier,events,reported,computed,difference,status,events_reported\r
            2026-10-27,cus_a,openai,gpt-5-preview,standard,1,0.500000,,,unpriced,1\r
            2026-10-27,cus_b,openai,gpt-4o,standard,2,0.006000,0.012000,-0.006000,partial,1\r

            """)
        let summary = """
            provider,model,tier,days,events,reported,computed,difference,difference_pct,status,events_reported\r
            openai,gpt-4o,standard,3,5,0.024000,0.048000,-0.024000,-50.00,undercharged,4\r
            openai,gpt-5-preview,standard,1,1,0.500000,,,,unpriced,1\r

            """
        #expect(dir.read("out/audit/2026-10/charge-audit-summary.csv") == summary)
        #expect(rerun.outputs.contains("\(dir.path)/out/audit/2026-10/charge-audit-summary.csv"))

        // A run that audits one day rewrites the whole month's summary, from the store: not
        // from the day files, which may be gone.
        try FileManager.default.removeItem(atPath: "\(dir.path)/out/audit")
        let one = try Rerun(from: day("2026-10-26"), to: day("2026-10-26"), steps: [.aggregate]).execute(store: store, env: env)
        #expect(one.status == .findings)
        #expect(one.audit?.months.map(\.month.description) == ["2026-10"])
        #expect(dir.read("out/audit/2026-10/charge-audit-summary.csv") == summary)
        #expect(!FileManager.default.fileExists(atPath: "\(dir.path)/out/audit/2026-10-25/charge-audit.csv"))
        #expect(try store.audits.totals(from: day("2026-10-01"), to: day("2026-10-31")).map { "\($0.key.day) \($0.key.model)" }.first
                == "2026-10-25 gpt-4o")

        // A store of an earlier release kept no totals per day: a day without them is audited
        // once, from its daily rows, and the month's summary is whole again.
        try StoreKind.tamper(env.databaseURL, "DELETE FROM charge_audit_days WHERE day = '2026-10-25'")
        let again = try Rerun(from: day("2026-10-26"), to: day("2026-10-26"), steps: [.aggregate]).execute(store: store, env: env)
        #expect(again.audit?.cells.allSatisfy { $0.day == day("2026-10-26") } == true)
        #expect(dir.read("out/audit/2026-10/charge-audit-summary.csv") == summary)
        #expect(FileManager.default.fileExists(atPath: "\(dir.path)/out/audit/2026-10-25/charge-audit.csv"))
    }
}
