import Foundation
import Testing
import SettleTestSupport

/// What the demo does with November's payments (issue 33's "Demo"): scripts/test runs
/// scripts/demo into $SETTLE_DEMO_DIR, with its output in demo.log beside it. Each payment of
/// the fixtures' Stripe export and bank statement ends where the story says, the receivables
/// and reminders are printed, and the top-up and overpayment are credit in November's statement.
@Suite struct DemoPaymentsTests {
    static func text(_ path: String) throws -> String {
        try String(contentsOfFile: path, encoding: .utf8).replacingOccurrences(of: "\r\n", with: "\n")
    }

    static func rows(_ path: String) throws -> [String: String] {
        var out: [String: String] = [:]
        for line in try text(path).split(separator: "\n").dropFirst() { out[String(line.split(separator: ",")[0])] = String(line) }
        return out
    }

    @Test func novembersPaymentsEndWhereTheStorySays() throws {
        guard let demo = DemoEInvoicesTests.demo else {
            if ProcessInfo.processInfo.environment["CI"] == "true" { Issue.record("SETTLE_DEMO_DIR is not set; run the tests through scripts/test") }
            return
        }
        let out = "\(demo)/out"
        // The one transfer nothing matches.
        let unmatched = try Self.text("\(out)/payments/unmatched.csv").split(separator: "\n")
        #expect(unmatched.count == 2 && unmatched[1].hasPrefix("20261130-USD-01/BUKB2611240001902,bank,payment,2026-11-24,250.00,USD,"))

        let open = try Self.rows("\(out)/receivables/2026-11-30/open-invoices.csv")
        // A part payment, a refund that reopened its invoice, a credit note that settled most of one.
        #expect(open["INV-2026-000021"] == "INV-2026-000021,cus_0038,USD,2026-11-01,2026-11-15,94.11,50.00,0.00,44.11,15,overdue")
        #expect(open["INV-2026-000007"] == "INV-2026-000007,cus_0014,USD,2026-11-01,2026-11-15,79.76,0.00,0.00,79.76,15,overdue")
        #expect(open["INV-2026-000008"] == "INV-2026-000008,cus_0016,USD,2026-11-01,2026-11-15,64.00,0.00,60.00,4.00,15,overdue")
        // Paid whole: by RF reference, by number (one in EUR), by customer and amount, overpaid.
        for paid in ["INV-2026-000030", "INV-2026-000002", "INV-2026-000013", "INV-2026-000009", "INV-2026-000018"] {
            #expect(open[paid] == nil, "\(paid) is paid")
        }
        #expect(open.count == 33)
        let aging = try Self.rows("\(out)/receivables/2026-11-30/aging.csv")
        #expect(aging["cus_0038"] == "cus_0038,USD,0.00,44.11,0.00,0.00,0.00,44.11")
        #expect(aging["cus_0043"] == "cus_0043,JPY,0,12425,0,0,0,12425")

        // The top-up and the overpayment are credit in November's statement.
        let credits = try Self.rows("\(out)/invoices/2026-11/credits.csv")
        #expect(credits["cus_0009"] == "cus_0009,0.00,100.00,0.00,0.00,0.00,0.00,0.00,100.00,0.00,USD")
        #expect(credits["cus_0030"]?.hasPrefix("cus_0030,0.00,20.92,0.00,0.00,0.00,0.00,0.00,20.92,") == true)

        // 18 invoices overdue: a 7-day reminder each on the 23rd, a 14-day one on the 30th, once.
        let reminders = try Self.text("\(out)/reminders/reminders.jsonl").split(separator: "\n")
        #expect(reminders.filter { $0.contains(#""reminder_days":7,"#) }.count == 18)
        #expect(reminders.filter { $0.contains(#""reminder_days":14,"#) }.count == 18)
        #expect(Set(reminders.map { line in line.split(separator: ",").prefix(3).joined() }).count == 36, "no reminder twice")
        // The operator's endpoint got the reminders of customers without a webhook of their own.
        let received = try Self.text("\(demo)/webhook-received.jsonl").split(separator: "\n").filter { $0.contains(#""reminders""#) }
        #expect(received.count == 2)

        // The demo printed them.
        let log = try Self.text("\((demo as NSString).deletingLastPathComponent)/demo.log")
        #expect(log.contains("receivables as of 2026-11-30: 33 open invoices"))
        #expect(log.contains("reminder 14 days: INV-2026-000007 cus_0014, 79.76 USD open, 15 days past due"))
        // The journal of both months ties out, and says so.
        #expect(log.contains("journal 2026-11: "))
        #expect(log.contains("ties out: receivable (1100) = the open amounts of receivables on 2026-11-30: 0.05 EUR, 14.18 GBP, 12425 JPY, 839.99 USD"))
        #expect(!log.contains("DOES NOT TIE OUT"))
        let trial = try Self.rows("\(out)/ledger/2026-11/trial-balance.csv")
        #expect(trial["total"]?.hasPrefix(",total,0.00,") == true && trial["total"]?.hasSuffix(",0.00") == true, "\(trial["total"] ?? "")")
        #expect(FileManager.default.fileExists(atPath: "\(out)/ledger/2026-11/xero-manual-journals.csv"))
        #expect(FileManager.default.fileExists(atPath: "\(out)/ledger/2026-10/journal.csv"))
        // The workbook's Receivables sheet.
        let book = try XLSXPart.read("\(out)/reports/2026-10/finance-2026-10.xlsx", "xl/workbook.xml")
        #expect(book.contains(#"name="Receivables""#))
    }
}
