import Testing
@testable import SettleCore

/// The prepaid credit ledger: consumption in issue order, oldest expiry first, expiry, refunds
/// and the statement's identity.
@Suite struct CreditLedgerTests {
    func money(_ s: String) -> ExactDecimal { ExactDecimal(s)! }
    func day(_ s: String) -> UTCDay { UTCDay(s)! }

    func invoice(_ month: String, total: String, issued: String, kind: Invoice.Kind = .invoice) -> Invoice {
        let period = BillingPeriod(month: PeriodMonth(month)!, billingDay: 1)
        return Invoice(kind: kind, customerID: "cus_a", customerName: "Alpha", period: period, issueDate: day(issued),
                       dueDate: day(issued).adding(days: 14), currency: "USD", lines: [], subtotal: money(total), tax: .zero,
                       total: money(total), creditsApplied: .zero, amountDue: money(total), taxRatePct: .zero)
    }

    func entry(_ ref: String, _ kind: CreditEntry.Kind = .topup, _ date: String, _ amount: String, expires: String? = nil, line: Int = 0) -> CreditEntry {
        CreditEntry(reference: ref, customerID: "cus_a", kind: kind, date: day(date), amount: money(amount), expires: expires.map(day), line: line)
    }

    /// October stays a draft; November is issued first and uses the top-up; October, issued
    /// later, finds only what is left: the top-up is used once.
    @Test func creditIsUsedInIssueOrderOnce() throws {
        var accounts: [String: CreditAccount] = [:]
        _ = try CreditCatchUp.run(&accounts, catalog: [entry("T1", .topup, "2026-10-05", "100.00")], through: day("2026-12-01"))
        var nov = invoice("2026-11", total: "70.00", issued: "2026-12-01")
        let novUses = accounts["cus_a"]!.apply(to: &nov)
        #expect(nov.creditsApplied == money("70.00") && nov.amountDue == .zero && novUses.map(\.entryReference) == ["T1"])
        var oct = invoice("2026-10", total: "50.00", issued: "2026-12-03")
        accounts["cus_a"]!.apply(to: &oct)
        #expect(oct.creditsApplied == money("30.00") && oct.amountDue == money("20.00"))
        #expect(accounts["cus_a"]!.balance == .zero)
    }

    @Test func oldestExpiryFirstThenOldestDateAndOnlyEntriesDatedBeforeThePeriodsEnd() throws {
        var accounts: [String: CreditAccount] = [:]
        let catalog = [entry("A", .topup, "2026-09-01", "10.00"), entry("B", .topup, "2026-09-15", "10.00", expires: "2027-01-01"),
                       entry("C", .topup, "2026-09-10", "10.00", expires: "2026-12-15"), entry("D", .topup, "2026-11-05", "10.00")]
        _ = try CreditCatchUp.run(&accounts, catalog: catalog, through: day("2026-11-10"))
        var oct = invoice("2026-10", total: "25.00", issued: "2026-11-10")   // D is dated after October's end
        let uses = accounts["cus_a"]!.apply(to: &oct)
        #expect(uses.map(\.entryReference) == ["C", "B", "A"] && uses.map(\.amount) == [money("10.00"), money("10.00"), money("5.00")])
        #expect(accounts["cus_a"]!.available(periodEnd: day("2026-12-01"), on: day("2026-12-02")) == money("15.00"))
    }

    @Test func anExpiredRemainderLapsesAtMidnightOfItsDate() throws {
        var accounts: [String: CreditAccount] = [:]
        _ = try CreditCatchUp.run(&accounts, catalog: [entry("T", .topup, "2026-10-01", "40.00", expires: "2026-11-15")], through: day("2026-11-14"))
        #expect(accounts["cus_a"]!.balance == money("40.00") && accounts["cus_a"]!.uses.isEmpty)
        _ = try CreditCatchUp.run(&accounts, catalog: [], through: day("2026-11-15"))
        #expect(accounts["cus_a"]!.balance == .zero)
        #expect(accounts["cus_a"]!.uses.map { "\($0.kind.rawValue) \($0.day) \($0.amount)" } == ["expired 2026-11-15 40.00"])
        // Not usable on the day it expires.
        var inv = invoice("2026-10", total: "5.00", issued: "2026-11-15")
        accounts["cus_a"]!.apply(to: &inv)
        #expect(inv.creditsApplied == .zero)
    }

    @Test func aRefundTakesFromTheBalanceAndIsRefusedBeyondIt() throws {
        var accounts: [String: CreditAccount] = [:]
        _ = try CreditCatchUp.run(&accounts, catalog: [entry("T", .topup, "2026-10-01", "100.00"), entry("R1", .refund, "2026-10-20", "-60.00")],
                                  through: day("2026-11-01"))
        #expect(accounts["cus_a"]!.balance == money("40.00"))
        var inv = invoice("2026-10", total: "30.00", issued: "2026-11-01")
        accounts["cus_a"]!.apply(to: &inv)
        let refused = #expect(throws: CreditError.self) {
            _ = try CreditCatchUp.run(&accounts, catalog: [entry("R2", .refund, "2026-11-02", "-10.01", line: 4)], through: day("2026-11-03"))
        }
        #expect(refused?.line == 4 && refused?.message.contains("more than the balance then (10.00") == true)
        // A recorded entry edited afterwards is refused too.
        let edited = #expect(throws: CreditError.self) {
            _ = try CreditCatchUp.run(&accounts, catalog: [entry("T", .topup, "2026-10-01", "150.00", line: 2)], through: day("2026-11-03"))
        }
        #expect(edited?.line == 2 && edited?.key == "reference")
    }

    @Test func aCreditNoteGoesOnAccountAndNothingIsDue() throws {
        var note = invoice("2026-10", total: "-12.00", issued: "2026-11-20", kind: .creditNote)
        var account = CreditAccount(customerID: "cus_a")
        #expect(account.apply(to: &note).isEmpty)
        #expect(note.creditsApplied == money("-12.00") && note.amountDue == .zero)
        note.number = "CN-2026-000001"
        #expect(CreditEntry.creditBack(of: note) == CreditEntry(reference: "CN-2026-000001", customerID: "cus_a", kind: .creditNote,
                                                                date: day("2026-11-20"), amount: money("12.00")))
    }

    /// Every row ties out: opening + topups − refunds + adjustments − applied + credit_notes −
    /// expired = closing; and the closing balance is what the entries have left.
    @Test func theStatementTiesOut() throws {
        var accounts: [String: CreditAccount] = [:]
        let catalog = [entry("T0", .topup, "2026-09-20", "50.00"), entry("T1", .topup, "2026-10-02", "100.00", expires: "2026-10-25"),
                       entry("R", .refund, "2026-10-10", "-20.00"), entry("G", .adjustment, "2026-10-12", "5.00"),
                       entry("X", .adjustment, "2026-10-13", "-3.00")]
        _ = try CreditCatchUp.run(&accounts, catalog: catalog, through: day("2026-10-15"))
        var sep = invoice("2026-09", total: "60.00", issued: "2026-10-15")
        var uses = accounts["cus_a"]!.apply(to: &sep)
        for i in uses.indices { uses[i].source = "INV-1" }
        _ = try CreditCatchUp.run(&accounts, catalog: catalog, through: day("2026-11-02"))
        let account = accounts["cus_a"]!
        let entries = account.held.values.map(\.entry) + [CreditEntry(reference: "CN-1", customerID: "cus_a", kind: .creditNote, date: day("2026-10-30"), amount: money("7.00"))]
        let rows = CreditStatement.rows(entries: entries, uses: account.uses + uses, month: PeriodMonth("2026-10")!)
        #expect(rows.count == 1)
        let r = rows[0]
        #expect(r.opening == money("50.00") && r.topups == money("100.00") && r.refunds == money("20.00") && r.adjustments == money("2.00"))
        // The refund pays back T0 (money that does not expire): 30.00 left; the negative adjustment comes out of
        // T1 (the first to expire): 97.00 left. September's invoice can use only T0 (T1 is dated after
        // September's end): 30.00 of its 60.00. T1's 97.00 lapses on the 25th.
        #expect(r.applied == money("30.00") && r.expired == money("97.00") && r.creditNotes == money("7.00"))
        #expect(sep.creditsApplied == money("30.00") && sep.amountDue == money("30.00"))
        #expect(r.closing == r.opening + r.topups - r.refunds + r.adjustments - r.applied + r.creditNotes - r.expired)
        #expect(r.closing == account.balance + money("7.00"))
        #expect(r.closing == money("12.00"))
    }

    /// A refund pays back money the customer paid, not a promotion about to lapse.
    @Test func aRefundTakesFromCreditThatDoesNotExpireFirst() throws {
        var accounts: [String: CreditAccount] = [:]
        _ = try CreditCatchUp.run(&accounts, catalog: [entry("PAID", .topup, "2026-10-01", "100.00"),
                                                        entry("PROMO", .topup, "2026-10-02", "50.00", expires: "2026-12-01"),
                                                        entry("R", .refund, "2026-10-10", "-100.00")], through: day("2026-10-10"))
        #expect(accounts["cus_a"]!.held["PAID"]?.remaining == .zero && accounts["cus_a"]!.held["PROMO"]?.remaining == money("50.00"))
        #expect(accounts["cus_a"]!.uses.map { "\($0.kind.rawValue) \($0.entryReference) \($0.amount)" } == ["refund PAID 100.00"])
    }

    @Test func aReferenceOfAnotherCustomerOrOfACreditNoteIsRefused() throws {
        var accounts: [String: CreditAccount] = [:]
        _ = try CreditCatchUp.run(&accounts, catalog: [entry("T1", .topup, "2026-10-01", "10.00")], through: day("2026-10-10"))
        let other = CreditEntry(reference: "T1", customerID: "cus_b", date: day("2026-10-05"), amount: money("5.00"), line: 3)
        let refused = #expect(throws: CreditError.self) {
            _ = try CreditCatchUp.run(&accounts, catalog: [entry("T1", .topup, "2026-10-01", "10.00"), other], through: day("2026-10-10"))
        }
        #expect(refused?.line == 3 && refused?.message.contains("an entry of cus_a") == true)
    }
}
