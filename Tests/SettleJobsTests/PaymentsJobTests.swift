import Foundation
import Testing
import SettleCore
import SettleFormats
import SettleStore
import SettleTestSupport
@testable import SettleJobs

/// `settle ingest payments` and `settle receivables` on each store: every matching rule and
/// status from real-shaped files, the input ledger, a file taken in twice, a kill mid-ingest,
/// credit notes settling what they correct, and reminders sent once each.
@Suite struct PaymentsJobTests {
    final class Books {
        let dir = TempFolder()
        let store: any SettleStore
        let url: String
        var env: JobEnvironment

        init(_ kind: StoreKind, webhook: String = "") throws {
            dir.write("settle.toml", """
                currency = "USD"
                [catalog]
                customers = "customers.csv"
                prices = "prices.csv"
                [plans.pro]
                monthly_fee = "10.00"
                [alerts]
                webhook_url = "\(webhook)"
                webhook_secret_env = "TEST_WEBHOOK_SECRET"
                [reminders]
                days = [7, 14]
                """)
            dir.write("customers.csv", """
                customer_id,name,email,plan,billing_day,tax_rate_pct,alert_webhook,currency,stripe_customer
                cus_a,Alpha,a@example.com,pro,1,0,,,cus_StripeA
                cus_b,Beta,b@example.com,pro,1,0,,EUR,
                cus_c,Gamma,c@example.com,pro,1,0,,,

                """)
            dir.write("prices.csv", "provider,model,token_type,tier,price,per,effective_from\nopenai,gpt-4o,input,,40,1M,2026-01-01\n")
            (store, url) = try kind.makeStore(in: dir)
            let config = try ConfigLoader.load(path: "\(dir.path)/settle.toml", explicit: true)
            env = JobEnvironment(config: config, databaseURL: url, outDir: "\(dir.path)/out")
            env.clock = { Timestamp(rfc3339: "2026-12-01T06:00:00Z")! }
        }

        static func invoice(_ customer: String, _ total: String, currency: String = "USD", kind: Invoice.Kind = .invoice,
                            month: String = "2026-10", issued: String = "2026-11-01", adjusts: String? = nil) -> Invoice {
            let amount = ExactDecimal(total)!
            var inv = Invoice(kind: kind, customerID: customer, customerName: customer, period: BillingPeriod(month: PeriodMonth(month)!, billingDay: 1),
                              issueDate: UTCDay(issued)!, dueDate: UTCDay(issued)!.adding(days: kind == .creditNote ? 0 : 14), currency: currency,
                              lines: [InvoiceLine(kind: .planFee, description: "fee", quantity: 1, unitPrice: amount, amount: amount)],
                              subtotal: amount, tax: .zero, total: amount, creditsApplied: .zero, amountDue: amount, taxRatePct: .zero,
                              adjusts: adjusts)
            if kind == .creditNote {
                inv.creditsApplied = amount
                inv.amountDue = .zero
            }
            return inv
        }

        /// INV-2026-000001 cus_a 94.80 USD, …02 cus_b 90.00 EUR, …03 cus_c 20.00 USD, …04 cus_a 30.00 USD.
        func issue(_ docs: [Invoice], at: String = "2026-11-01T06:00:00Z") throws {
            _ = try store.invoiceLedger.issue(docs.map { InvoiceLedger.Issue(invoice: $0, series: $0.kind == .creditNote ? "CN" : "INV",
                                                                             render: { _ in "{}" }) },
                                              runID: "r-issue", at: Timestamp(rfc3339: at)!)
        }

        func write(_ name: String, _ text: String) -> String { dir.write(name, text) }
    }

    static let stripe = """
        id,Created date (UTC),Amount,Amount Refunded,Currency,Captured,Converted Amount,Converted Amount Refunded,Converted Currency,Decline Reason,Description,Fee,Refunded date (UTC),Statement Descriptor,Status,Seller Message,Taxes On Fee,Card ID,Customer ID,Customer Description,Customer Email,Invoice ID,Transfer,invoice_number (metadata),customer_id (metadata),kind (metadata)
        ch_5,2026-11-14 07:40:18,30.00,0.00,usd,true,30.00,0.00,usd,,Subscription,1.17,,GW,Paid,Payment complete.,0.00,card_5,cus_StripeA,Alpha,a@example.com,,,,,
        ch_4,2026-11-13 07:38:02,30.00,0.00,usd,false,30.00,0.00,usd,card_declined,Subscription,0.00,,GW,Failed,The bank did not approve the payment.,0.00,card_4,cus_StripeA,Alpha,a@example.com,,,,,
        ch_3,2026-11-12 14:55:31,100.00,20.00,eur,true,116.28,23.26,usd,,"Invoice INV-2026-000002, thanks",3.67,2026-11-21 09:00:00,GW,Partially refunded,Payment complete.,0.00,card_3,cus_StripeB,Beta,b@example.com,,,INV-2026-000002,cus_b,
        ch_2,2026-11-10 11:30:45,50.00,0.00,usd,true,50.00,0.00,usd,,Prepaid credit,1.75,,GW,Paid,Payment complete.,0.00,card_2,,Gamma,c@example.com,,,,cus_c,topup
        ch_1,2026-11-08 16:02:10,40.00,0.00,usd,true,40.00,0.00,usd,,Invoice inv-2026-000001,1.46,,GW,Paid,Payment complete.,0.00,card_1,cus_StripeA,Alpha,a@example.com,,,,cus_a,

        """

    static func camt(reference: String) -> String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">
          <BkToCstmrStmt>
            <GrpHdr><MsgId>M-1</MsgId><CreDtTm>2026-12-01T05:00:00+00:00</CreDtTm></GrpHdr>
            <Stmt><Id>S-11</Id><Acct><Id><IBAN>GB33BUKB20201555555555</IBAN></Id><Ccy>USD</Ccy></Acct>
              <Ntry><Amt Ccy="USD">54.80</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>2026-11-20</Dt></BookgDt>
                <AcctSvcrRef>B-1</AcctSvcrRef><NtryDtls><TxDtls><RmtInf><Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry></Tp>
                <Ref>\(reference)</Ref></CdtrRefInf></Strd></RmtInf></TxDtls></NtryDtls></Ntry>
              <Ntry><Amt Ccy="USD">250.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>2026-11-24</Dt></BookgDt>
                <AcctSvcrRef>B-2</AcctSvcrRef><NtryDtls><TxDtls><RmtInf><Ustrd>CONSULTING Q4 PO 4471</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>
              <Ntry><Amt Ccy="USD">12.50</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>2026-11-30</Dt></BookgDt>
                <AcctSvcrRef>B-3</AcctSvcrRef></Ntry>
            </Stmt>
          </BkToCstmrStmt>
        </Document>

        """
    }

    static func d(_ s: String) -> ExactDecimal { ExactDecimal(s)! }
    /// A CSV file's text with its CRLF record ends as \n, to compare with a literal.
    static func text(_ path: String) throws -> String {
        try String(contentsOfFile: path, encoding: .utf8).replacingOccurrences(of: "\r\n", with: "\n")
    }

    @Test(arguments: StoreKind.all)
    func everyRuleAndStatusFromAStripeExportAndABankStatement(kind: StoreKind) throws {
        let books = try Books(kind)
        try books.issue([Books.invoice("cus_a", "94.80"), Books.invoice("cus_b", "90.00", currency: "EUR"), Books.invoice("cus_c", "20.00"),
                         Books.invoice("cus_a", "30.00", month: "2026-09")])
        let stripe = books.write("in/unified_payments.csv", Self.stripe)
        let bank = books.write("in/camt053.xml", Self.camt(reference: CreditorReference.of(invoiceNumber: "INV-2026-000001")!))
        let result = try IngestPayments(paths: [bank, stripe]).execute(store: books.store, env: books.env)

        // The input ledger: read = accepted + duplicates + quarantined + skipped, per file.
        #expect(result.inputs.map { "\($0.format) \($0.read) \($0.accepted) \($0.duplicates) \($0.quarantined) \($0.skipped)" }
                == ["camt.053 3 2 0 0 1", "stripe-payments 6 5 0 0 1"])
        #expect(result.status == .findings && result.unmatched.map(\.payment.id) == ["S-11/B-2"])

        let posted = Dictionary(uniqueKeysWithValues: try books.store.payments.all().map { ($0.payment.id, $0.posting) })
        // ch_1 by the number in its description (in lower case), in part; the bank's 54.80 by
        // the RF reference pays the rest; ch_5 names no invoice and is cus_a's (through its
        // Stripe customer) one open invoice of exactly 30.00.
        #expect(posted["ch_1"] == PaymentPosting(invoice: "INV-2026-000001", rule: .invoiceNumber, applied: Self.d("40.00"), credit: .zero, customerID: "cus_a"))
        #expect(posted["S-11/B-1"] == PaymentPosting(invoice: "INV-2026-000001", rule: .reference, applied: Self.d("54.80"), credit: .zero, customerID: "cus_a"))
        #expect(posted["ch_5"] == PaymentPosting(invoice: "INV-2026-000004", rule: .customerAmount, applied: Self.d("30.00"), credit: .zero, customerID: "cus_a"))
        // 100.00 EUR on a 90.00 EUR invoice: 10.00 credit; its 20.00 refund takes those back and reopens 10.00.
        #expect(posted["ch_3"] == PaymentPosting(invoice: "INV-2026-000002", rule: .invoiceNumber, applied: Self.d("90.00"), credit: Self.d("10.00"), customerID: "cus_b"))
        #expect(posted["ch_3/refund"] == PaymentPosting(invoice: "INV-2026-000002", applied: Self.d("-10.00"), credit: Self.d("-10.00"), customerID: "cus_b"))
        #expect(posted["ch_2"] == PaymentPosting(credit: Self.d("50.00"), customerID: "cus_c"))
        #expect(posted["S-11/B-2"]?.unmatched == "names no invoice (no creditor reference or invoice number in its remittance) and no customer")
        // Every posted payment is what it applied plus what it put on credit, to the cent.
        for p in try books.store.payments.all() where p.posting.isPosted {
            let moved = p.payment.kind == .refund ? -p.payment.amount : p.payment.amount
            #expect(p.posting.applied + p.posting.credit == moved, "\(p.payment.id)")
        }

        let unmatched = try Self.text("\(books.dir.path)/out/payments/unmatched.csv")
        #expect(unmatched == """
            id,source,kind,date,amount,currency,customer_id,reference,remittance,reason
            S-11/B-2,bank,payment,2026-11-24,250.00,USD,,,CONSULTING Q4 PO 4471,names no invoice (no creditor reference or invoice number in its remittance) and no customer

            """)

        // Receivables on 2026-11-30: INV-1 and INV-4 paid, INV-2 reopened by the refund and
        // overdue, INV-3 open and overdue.
        let r = try CollectReceivables(asOf: UTCDay("2026-11-30")).execute(store: books.store, env: books.env)
        let folder = "\(books.dir.path)/out/receivables/2026-11-30"
        #expect(try Self.text("\(folder)/open-invoices.csv") == """
            number,customer_id,currency,issue_date,due_date,total,paid,credited,open,days_overdue,status
            INV-2026-000002,cus_b,EUR,2026-11-01,2026-11-15,90.00,80.00,0.00,10.00,15,overdue
            INV-2026-000003,cus_c,USD,2026-11-01,2026-11-15,20.00,0.00,0.00,20.00,15,overdue

            """)
        #expect(try Self.text("\(folder)/aging.csv") == """
            customer_id,currency,current,days_1_30,days_31_60,days_61_90,days_over_90,total
            cus_b,EUR,0.00,10.00,0.00,0.00,0.00,10.00
            cus_c,USD,0.00,20.00,0.00,0.00,0.00,20.00

            """)
        #expect(r.receivables.map { $0.status(on: UTCDay("2026-11-30")!).rawValue } == ["paid", "overdue", "overdue", "paid"])
        // 15 days past due with steps 7 and 14: the 14-day reminder sent, the 7-day one passed.
        #expect(r.reminders.map { "\($0.invoice) \($0.days) \($0.passed)" }.sorted()
                == ["INV-2026-000002 14 false", "INV-2026-000002 7 true", "INV-2026-000003 14 false", "INV-2026-000003 7 true"])
    }

    @Test(arguments: StoreKind.all)
    func aFileTakenInTwiceChangesNothingAndLateInvoicesMatchWaitingPayments(kind: StoreKind) throws {
        let books = try Books(kind)
        try books.issue([Books.invoice("cus_a", "94.80")])
        // INV-2026-000002 is not issued yet: the payment naming it waits, unmatched.
        let file = books.write("in/stripe.csv", """
            id,Created date (UTC),Amount,Amount Refunded,Currency,Fee,Status,Customer ID,Description,invoice_number (metadata),customer_id (metadata),kind (metadata)
            ch_1,2026-11-08 16:02:10,94.80,0.00,usd,3.05,Paid,,Invoice,INV-2026-000001,,
            ch_2,2026-11-09 16:02:10,12.00,0.00,usd,0.65,Paid,,Invoice,INV-2026-000002,,

            """)
        let first = try IngestPayments(paths: [file]).execute(store: books.store, env: books.env)
        #expect(first.unmatched.map(\.payment.id) == ["ch_2"])
        let tables = ["payments", "quarantine", "invoices", "credit_entries", "credit_uses", "reminders"]
        let before = try StateDump.dump(url: books.url, tables: tables, excluding: ["run_id", "input_id"])
        let again = try IngestPayments(paths: [file]).execute(store: books.store, env: books.env)
        #expect(again.inputs.map { "\($0.read) \($0.accepted) \($0.duplicates)" } == ["2 0 2"])
        #expect(again.status == .ok, "a duplicate is not a new finding")
        let after = try StateDump.dump(url: books.url, tables: tables, excluding: ["run_id", "input_id"])
        #expect(after == before)

        // Once INV-2026-000002 is issued, receivables matches the waiting payment.
        try books.issue([Books.invoice("cus_c", "12.00", month: "2026-09", issued: "2026-11-10")], at: "2026-11-10T06:00:00Z")
        let r = try CollectReceivables(asOf: UTCDay("2026-11-12")).execute(store: books.store, env: books.env)
        #expect(r.matched.map { "\($0.payment.id) \($0.posting.invoice ?? "") \($0.posting.rule?.rawValue ?? "")" } == ["ch_2 INV-2026-000002 invoice_number"])
        #expect(r.unmatched == 0 && r.open.isEmpty)
    }

    @Test(arguments: StoreKind.all)
    func aCreditNoteSettlesWhatIsOpenOfTheInvoiceItCorrectsAndTheRestGoesOnAccount(kind: StoreKind) throws {
        let books = try Books(kind)
        try books.issue([Books.invoice("cus_a", "94.80"), Books.invoice("cus_c", "20.00")])
        let file = books.write("in/stripe.csv", """
            id,Created date (UTC),Amount,Amount Refunded,Currency,Fee,Status,Customer ID,Description,invoice_number (metadata),customer_id (metadata),kind (metadata)
            ch_1,2026-11-08 16:02:10,90.00,0.00,usd,3.05,Paid,,Invoice,INV-2026-000001,,
            ch_2,2026-11-09 16:02:10,20.00,0.00,usd,0.88,Paid,,Invoice,INV-2026-000002,,

            """)
        _ = try IngestPayments(paths: [file]).execute(store: books.store, env: books.env)
        // Credit notes of 10.00 on each: INV-1 has 4.80 open (settled, 5.20 on account); INV-2 is paid (all 10.00 on account).
        try books.issue([Books.invoice("cus_a", "-10.00", kind: .creditNote, issued: "2026-11-20", adjusts: "INV-2026-000001"),
                         Books.invoice("cus_c", "-10.00", kind: .creditNote, issued: "2026-11-20", adjusts: "INV-2026-000002")],
                        at: "2026-11-20T06:00:00Z")
        let uses = try books.store.creditLedger.uses().filter { $0.kind == .settled }
        #expect(uses.map { "\($0.entryReference) \($0.source) \($0.amount)" } == ["CN-2026-000001 INV-2026-000001 4.80"])
        let remaining = try books.store.creditLedger.accounts().mapValues(\.balance)
        #expect(remaining == ["cus_a": Self.d("5.20"), "cus_c": Self.d("10.00")])
        let r = try CollectReceivables(asOf: UTCDay("2026-11-21")).execute(store: books.store, env: books.env)
        #expect(r.receivables.map { "\($0.number) \($0.paid) \($0.credited) \($0.status(on: UTCDay("2026-11-21")!).rawValue)" }
                == ["INV-2026-000001 90.00 4.80 credited", "INV-2026-000002 20.00 0 paid"])
        // The month's credit statement: the note's 10.00 back, 4.80 of it applied to the invoice.
        let rows = CreditStatement.rows(entries: try books.store.creditLedger.entries(), uses: try books.store.creditLedger.uses(),
                                        month: PeriodMonth("2026-11")!)
        #expect(rows.map { "\($0.customerID) \($0.creditNotes) \($0.applied) \($0.closing)" } == ["cus_a 10.00 4.80 5.20", "cus_c 10.00 0 10.00"])
    }

    @Test(arguments: StoreKind.all)
    func aKillMidIngestLeavesNothingAndTheNextRunTakesAllOfIt(kind: StoreKind) throws {
        let books = try Books(kind)
        try books.issue([Books.invoice("cus_a", "94.80")])
        let file = books.write("in/camt053.xml", Self.camt(reference: CreditorReference.of(invoiceNumber: "INV-2026-000001")!))
        let base = ["--config", "\(books.dir.path)/settle.toml", "--database", books.url, "--out", "\(books.dir.path)/out"]
        let killed = try SettleProcess.run(base + ["ingest", "payments", file], in: books.dir.path, environment: ["SETTLE_CRASH_AT": "payments:stored"])
        #expect(killed.status == 9, "killed (status \(killed.status), \(killed.stderr))")
        #expect(try books.store.payments.all().isEmpty, "nothing of the killed file is stored")
        let done = try SettleProcess.run(base + ["ingest", "payments", file], in: books.dir.path)
        #expect(done.status == 3, "\(done.stderr)")
        #expect(done.stdout.contains("read 3, accepted 2, duplicates 0, quarantined 0, skipped 1"), "\(done.stdout)")
        #expect(try books.store.payments.all().map(\.payment.id) == ["S-11/B-1", "S-11/B-2"])
    }

    @Test(arguments: StoreKind.all)
    func remindersAreDeliveredOnceEachBySignedWebhook(kind: StoreKind) throws {
        let server = try LocalHTTPServer()
        defer { server.stop() }
        let books = try Books(kind, webhook: server.url)
        try books.issue([Books.invoice("cus_a", "94.80"), Books.invoice("cus_c", "20.00")])
        let outbox = WebhookOutbox(attempts: 1, backoff: 0, environment: ["TEST_WEBHOOK_SECRET": "s3cret"])
        let first = try CollectReceivables(asOf: UTCDay("2026-11-23"), outbox: outbox).execute(store: books.store, env: books.env)
        #expect(first.reminders.map { "\($0.invoice) \($0.days)" } == ["INV-2026-000001 7", "INV-2026-000002 7"])
        #expect(first.delivered.count == 1 && server.requests.count == 1)
        let request = server.requests[0]
        #expect(WebhookSignature.verify(header: request.headers["settle-signature"] ?? "", body: request.body, secret: "s3cret"))
        #expect(request.body.contains(#""invoice":"INV-2026-000001""#) && request.body.contains(#""reminder_days":7"#))
        // The same day again, and a later day before the next step: nothing more.
        _ = try CollectReceivables(asOf: UTCDay("2026-11-23"), outbox: outbox).execute(store: books.store, env: books.env)
        let quiet = try CollectReceivables(asOf: UTCDay("2026-11-27"), outbox: outbox).execute(store: books.store, env: books.env)
        #expect(quiet.reminders.isEmpty && server.requests.count == 1)
        let jsonl = try String(contentsOfFile: "\(books.dir.path)/out/reminders/reminders.jsonl", encoding: .utf8)
        #expect(jsonl.split(separator: "\n").count == 2 && jsonl.contains(#""payment_reference":"RF"#))
    }
}
