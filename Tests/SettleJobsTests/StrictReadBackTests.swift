import Foundation
import Testing
import SettleCore
import SettleFormats
import SettleStore
import SettleTestSupport
@testable import SettleJobs

/// What settle stored is read back strictly, on both stores (issue 29): an issued document, an
/// enum or a decimal that does not read stops the job with a store error naming table, row and
/// column, never a default (a document skipped, a tier taken as standard, money as zero).
@Suite struct StrictReadBackTests {
    static func issuedOctober(_ kind: StoreKind) throws -> (TempFolder, any SettleStore, JobEnvironment) {
        let (dir, store, env) = try InvoiceJobTests.setUp(kind)
        try InvoiceJobTests.load(dir, store, env, "oct.jsonl", InvoiceJobTests.october, from: "2026-10-01", to: "2026-10-31")
        _ = try IssueInvoices(month: PeriodMonth("2026-10")!, finalize: true, issueDate: UTCDay("2026-11-01")).execute(store: store, env: env)
        return (dir, store, env)
    }

    func storeError(_ body: () throws -> Void) -> String? {
        do {
            try body()
            return nil
        } catch let error as StoreError {
            return error.description
        } catch {
            return "not a store error: \(error)"
        }
    }

    @Test(arguments: StoreKind.all)
    func anIssuedDocumentThatDoesNotReadStopsTheJobNamingItsRow(kind: StoreKind) throws {
        let (dir, store, env) = try Self.issuedOctober(kind)
        defer { withExtendedLifetime(dir) {} }
        // A money field no longer a decimal: before, it read back as 0.00 and the document
        // went on into the sums; a document that did not parse at all was skipped.
        try StoreKind.tamper(env.databaseURL, """
            UPDATE invoices SET document = REPLACE(document, '"amount_due": "0.00"', '"amount_due": "zero"') WHERE number = 'INV-2026-000001'
            """)
        let message = storeError {
            _ = try IssueInvoices(month: PeriodMonth("2026-10")!, adjust: true, issueDate: UTCDay("2026-11-02")).execute(store: store, env: env)
        }
        #expect(message?.contains("invoices row INV-2026-000001, column document") == true, "\(message ?? "no error")")
        #expect(message?.contains("amount_due: \"zero\" cannot be read") == true, "\(message ?? "no error")")
        // The report reads the month's documents too: the same error, not a shorter sum.
        try StoreKind.tamper(env.databaseURL, "UPDATE invoices SET document = '{\"kind\": \"invoice\"}' WHERE number = 'INV-2026-000002'")
        let result = storeError { _ = try FinanceReport(month: PeriodMonth("2026-10")!).execute(store: store, env: env) }
        #expect(result?.contains("invoices row INV-2026-00000") == true, "\(result ?? "no error")")
    }

    @Test(arguments: StoreKind.all)
    func aStoredEnumOrDecimalThatDoesNotReadNamesItsColumn(kind: StoreKind) throws {
        let (dir, store, env) = try Self.issuedOctober(kind)
        defer { withExtendedLifetime(dir) {} }
        let period = BillingPeriod(month: PeriodMonth("2026-10")!, billingDay: 1)
        try StoreKind.tamper(env.databaseURL, "UPDATE usage_summaries SET tier = 'gold' WHERE customer_id = 'cus_a'")
        let tier = storeError { _ = try store.periods.lines(customer: "cus_a", period: period) }
        #expect(tier?.contains("usage_summaries.tier") == true, "\(tier ?? "no error")")
        try StoreKind.tamper(env.databaseURL, "UPDATE usage_summaries SET tier = 'standard' WHERE customer_id = 'cus_a'")
        #expect(try store.periods.lines(customer: "cus_a", period: period).isEmpty == false)

        try StoreKind.tamper(env.databaseURL, "UPDATE period_totals SET cost = '12,50' WHERE customer_id = 'cus_a'")
        let cost = storeError { _ = try store.periods.totals() }
        #expect(cost?.contains("period_totals.cost") == true, "\(cost ?? "no error")")
        try StoreKind.tamper(env.databaseURL, "UPDATE period_totals SET cost = '0', as_of = 'soon' WHERE customer_id = 'cus_a'")
        let calls = storeError { _ = try store.periods.totals() }
        #expect(calls?.contains("period_totals.as_of") == true, "\(calls ?? "no error")")
    }
}
