import Testing
@testable import SettleCore

@Suite struct TimeTests {
    @Test func parsesRFC3339WithAnyOffsetIntoUTC() {
        let z = Timestamp(rfc3339: "2026-10-03T14:05:09Z")!
        #expect(z.description == "2026-10-03T14:05:09Z")
        #expect(Timestamp(rfc3339: "2026-10-03T16:05:09+02:00") == z)
        #expect(Timestamp(rfc3339: "2026-10-03T09:05:09-05:00") == z)
        #expect(Timestamp(rfc3339: "2026-10-03 14:05:09z") == z)
        #expect(Timestamp(rfc3339: "2026-10-03T14:05:09.123456789Z")!.description == "2026-10-03T14:05:09.123456Z")
        #expect(Timestamp(rfc3339: "2026-10-03T14:05:09.5Z")!.microseconds == z.microseconds + 500_000)
    }

    @Test func anOffsetCanMoveAnEventToAnotherUTCDay() {
        let t = Timestamp(rfc3339: "2026-10-04T01:30:00+02:00")!
        #expect(t.day.description == "2026-10-03")
        let before = Timestamp(rfc3339: "1969-12-31T23:59:59Z")!
        #expect(before.day.description == "1969-12-31")
    }

    @Test func refusesWhatIsNotRFC3339() {
        for bad in ["2026-10-03", "2026-10-03T14:05:09", "2026-13-03T14:05:09Z", "2026-02-30T00:00:00Z",
                    "2026-10-03T24:00:00Z", "2026-10-03T14:05:09+2:00", "2026-10-03T14:05:09.Z", "yesterday",
                    "2026-10-03T14:05:09Zjunk"] {
            #expect(Timestamp(rfc3339: bad) == nil, "\(bad) must not parse")
        }
    }

    @Test func daysRoundTripAndRejectImpossibleDates() {
        #expect(UTCDay("2028-02-29")!.description == "2028-02-29")
        #expect(UTCDay("2026-02-29") == nil)
        #expect(UTCDay("2026-1-01") == nil)
        #expect(UTCDay("1970-01-01")!.ordinal == 0)
        #expect(UTCDay("2026-12-31")!.adding(days: 1).description == "2027-01-01")
    }

    @Test func billingPeriodsAnchorOnTheBillingDay() {
        let p = BillingPeriod(containing: UTCDay("2026-10-14")!, billingDay: 15)
        #expect(p.description == "2026-09")
        #expect(p.firstDay.description == "2026-09-15")
        #expect(p.endDay.description == "2026-10-15")
        let q = BillingPeriod(containing: UTCDay("2026-10-15")!, billingDay: 15)
        #expect(q.description == "2026-10")
        #expect(q.lastDay.description == "2026-11-14")
    }

    @Test func billingPeriodsCrossYearEndsAndLeapDays() {
        let dec = BillingPeriod(containing: UTCDay("2027-01-03")!, billingDay: 20)
        #expect(dec.description == "2026-12")
        #expect(dec.endDay.description == "2027-01-20")
        let leap = BillingPeriod(month: PeriodMonth("2028-02")!, billingDay: 1)
        #expect(leap.dayCount == 29)
        #expect(leap.contains(UTCDay("2028-02-29")!))
        #expect(!leap.contains(UTCDay("2028-03-01")!))
        let feb28 = BillingPeriod(month: PeriodMonth("2028-01")!, billingDay: 28)
        #expect(feb28.endDay.description == "2028-02-28")
        #expect(feb28.dayCount == 31)
        #expect(PeriodMonth("2026-13") == nil)
    }
}
