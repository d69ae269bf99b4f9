import Testing
@testable import SettleCore

/// Which months `settle archive` may take: older than the months kept, all periods issued.
@Suite struct ArchivePlanTests {
    let dec1 = UTCDay("2026-12-01")!

    @Test func keepMonthsCountsTheCurrentMonth() {
        #expect(ArchivePlan.firstKept(today: dec1, keepMonths: 13, before: nil) == PeriodMonth("2025-12"))
        #expect(ArchivePlan.firstKept(today: UTCDay("2026-12-31")!, keepMonths: 1, before: nil) == PeriodMonth("2026-12"))
        #expect(ArchivePlan.firstKept(today: UTCDay("2026-01-15")!, keepMonths: 2, before: nil) == PeriodMonth("2025-12"))
        #expect(ArchivePlan.firstKept(today: dec1, keepMonths: 13, before: PeriodMonth("2026-10")) == PeriodMonth("2026-10"))
    }

    @Test func everyPeriodHoldingUsageMustBeIssued() {
        // September: cus_a bills on the 1st (one period), cus_b on the 15th (two periods hold
        // its September days), cus_x is not in the catalog.
        let usage = [
            ArchivePlan.Usage(customerID: "cus_a", firstDay: UTCDay("2026-09-03")!, lastDay: UTCDay("2026-09-30")!),
            ArchivePlan.Usage(customerID: "cus_b", firstDay: UTCDay("2026-09-01")!, lastDay: UTCDay("2026-09-20")!),
            ArchivePlan.Usage(customerID: "cus_x", firstDay: UTCDay("2026-09-01")!, lastDay: UTCDay("2026-09-01")!),
        ]
        let days = ["cus_a": 1, "cus_b": 15]
        let all: Set<IssuedPeriod> = [
            IssuedPeriod(customerID: "cus_a", start: UTCDay("2026-09-01")!),
            IssuedPeriod(customerID: "cus_b", start: UTCDay("2026-08-15")!),
            IssuedPeriod(customerID: "cus_b", start: UTCDay("2026-09-15")!),
        ]
        #expect(ArchivePlan.unissuedPeriods(usage: usage, billingDay: { days[$0] }, issued: all).isEmpty)
        var missing = all
        missing.remove(IssuedPeriod(customerID: "cus_b", start: UTCDay("2026-09-15")!))
        #expect(ArchivePlan.unissuedPeriods(usage: usage, billingDay: { days[$0] }, issued: missing)
                == [IssuedPeriod(customerID: "cus_b", start: UTCDay("2026-09-15")!)])
        // A customer whose September days all fall in one period needs only that one.
        let early = [ArchivePlan.Usage(customerID: "cus_b", firstDay: UTCDay("2026-09-01")!, lastDay: UTCDay("2026-09-14")!)]
        #expect(ArchivePlan.unissuedPeriods(usage: early, billingDay: { days[$0] }, issued: missing).isEmpty)
    }
}
