import Testing
@testable import SettleCore

/// An invoice's status on a day and the aging of what is open (FINANCE.md, "Payments and
/// receivables"): open, partly paid, paid, credited, overdue; buckets at their edges.
@Suite struct ReceivableTests {
    static func d(_ s: String) -> ExactDecimal { ExactDecimal(s)! }
    static func day(_ s: String) -> UTCDay { UTCDay(s)! }
    static func inv(_ n: String, _ customer: String = "cus_a", _ currency: String = "USD", due: String = "2026-11-15", total: String,
                    paid: String = "0", credited: String = "0") -> Receivable {
        Receivable(number: n, customerID: customer, currency: currency, issueDate: day("2026-11-01"), dueDate: day(due), total: d(total),
                   paid: d(paid), credited: d(credited))
    }

    @Test func eachStatusOnItsDay() {
        let on = Self.day("2026-11-15")
        #expect(Self.inv("1", total: "94.80").status(on: on) == .open, "due today is not overdue")
        #expect(Self.inv("1", total: "94.80").status(on: Self.day("2026-11-16")) == .overdue)
        #expect(Self.inv("2", total: "94.80", paid: "50.00").status(on: on) == .partiallyPaid)
        #expect(Self.inv("2", total: "94.80", paid: "50.00").open == Self.d("44.80"))
        #expect(Self.inv("3", total: "94.80", paid: "100.00").status(on: Self.day("2026-12-31")) == .paid)
        #expect(Self.inv("3", total: "94.80", paid: "100.00").open == .zero, "an overpayment is credit on account, never a negative open amount")
        #expect(Self.inv("4", total: "60.00", paid: "10.00", credited: "50.00").status(on: on) == .credited)
        #expect(Self.inv("5", total: "94.80").daysOverdue(on: Self.day("2026-12-15")) == 30)
        #expect(Self.inv("6", total: "94.80", paid: "94.80").daysOverdue(on: Self.day("2026-12-15")) == 0)
    }

    @Test func agingPerCustomerAndCurrencyAtTheBucketsEdges() {
        let asOf = Self.day("2027-02-13")   // 90 days after 2026-11-15
        let rows = AgingRow.of([
            Self.inv("1", due: "2027-02-13", total: "10.00"),                 // due today: current
            Self.inv("2", due: "2027-01-14", total: "20.00"),                 // 30 days
            Self.inv("3", due: "2027-01-13", total: "30.00", paid: "5.00"),   // 31 days, 25.00 open
            Self.inv("4", due: "2026-11-15", total: "40.00"),                 // 90 days
            Self.inv("5", due: "2026-11-14", total: "50.00"),                 // 91 days
            Self.inv("6", due: "2026-11-14", total: "60.00", paid: "60.00"),  // settled: nothing
            Self.inv("7", "cus_a", "EUR", due: "2027-02-01", total: "7.00"),  // another currency: its own row
            Self.inv("8", "cus_b", due: "2027-03-01", total: "8.00"),
        ], on: asOf)
        #expect(rows.map { "\($0.customerID) \($0.currency) \($0.current) \($0.days1to30) \($0.days31to60) \($0.days61to90) \($0.over90) \($0.total)" } == [
            "cus_a EUR 0 7.00 0 0 0 7.00",
            "cus_a USD 10.00 20.00 25.00 40.00 50.00 145.00",
            "cus_b USD 8.00 0 0 0 0 8.00",
        ])
    }
}
