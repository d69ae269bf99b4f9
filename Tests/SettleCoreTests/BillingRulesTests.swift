import Testing
@testable import SettleCore

@Suite struct BillingRulesTests {
    func money(_ s: String) -> ExactDecimal { ExactDecimal(s)! }

    @Test func globsMatchStarsAndSingleCharacters() {
        #expect(Glob("gpt-4*").matches("gpt-4o-2024-08-06"))
        #expect(Glob("gpt-4*").matches("gpt-4"))
        #expect(!Glob("gpt-4*").matches("gpt-3.5"))
        #expect(Glob("claude-?-haiku").matches("claude-3-haiku"))
        #expect(!Glob("claude-?-haiku").matches("claude-35-haiku"))
        #expect(Glob("*").matches(""))
        #expect(Glob("*sonnet*").matches("anthropic.claude-3-5-sonnet-v2:0"))
    }

    @Test func theFirstMatchingMarkupRuleByPriorityThenFileOrderWins() {
        var m = MarkupPolicy()
        m.defaultPct = money("20")
        m.rules = [
            MarkupRule(pattern: "*", plan: "enterprise", pct: money("12"), priority: 1),
            MarkupRule(pattern: "gpt-4*", provider: "openai", pct: money("25"), priority: 10),
            MarkupRule(pattern: "gpt-4o", pct: money("30"), priority: 10),      // same priority, later in the file
            MarkupRule(pattern: "*", customer: "cus_vip", pct: money("5"), priority: 100),
        ]
        #expect(m.pct(provider: "openai", model: "gpt-4o", plan: "enterprise", customer: "c") == money("25"))
        #expect(m.pct(provider: "azure", model: "gpt-4o", plan: "pro", customer: "c") == money("30"))
        #expect(m.pct(provider: "anthropic", model: "claude", plan: "enterprise", customer: "c") == money("12"))
        #expect(m.pct(provider: "anthropic", model: "claude", plan: "pro", customer: "c") == money("20"))
        #expect(m.pct(provider: "openai", model: "gpt-4o", plan: "pro", customer: "cus_vip") == money("5"))
    }

    @Test func thresholdsAreReachedExactly() {
        let plan = Plan(name: "pro", tokenLimit: 1000, costLimit: money("150.00"), callLimitsByProvider: ["google": 10])
        var t = PeriodTotals(customerID: "c", period: BillingPeriod(month: PeriodMonth("2026-10")!, billingDay: 1), plan: "pro",
                             asOf: UTCDay("2026-10-10")!)
        t.tokens = 799
        t.cost = money("119.99")
        #expect(AlertRule.reached(t, plan: plan, thresholds: [80, 90, 100]).isEmpty)
        t.tokens = 800
        t.cost = money("120.00")
        t.callsByProvider = ["google": 12]
        let hit = AlertRule.reached(t, plan: plan, thresholds: [80, 90, 100]).map { "\($0.metric) \($0.threshold)" }
        #expect(hit == ["tokens 80", "cost 80", "calls:google 80", "calls:google 90", "calls:google 100"])
    }

    @Test func divisionRoundsHalfAwayFromZero() {
        #expect(ExactDecimal(10).divided(by: 3, places: 2) == money("3.33"))
        #expect(ExactDecimal(2).divided(by: 3, places: 0) == ExactDecimal(1))
        #expect(money("-0.05").divided(by: 2, places: 2) == money("-0.03"))
        // Rounded once: 1/67 = 0.01492… is 0.01, not 0.015 rounded again to 0.02.
        #expect(ExactDecimal(1).divided(by: 67, places: 2) == money("0.01"))
        #expect(money("-1").divided(by: 67, places: 2) == money("-0.01"))
        #expect(money("0.0149").divided(by: 1, places: 2) == money("0.01"))
        // 100,000,000 with 30 decimals by 200,000,000: divisor × 10^30 is past Int128, so it is
        // divided in two steps, and still rounded once (0.5 away from zero).
        let big = ExactDecimal(significand: 100_000_000_000_000_000_000_000_000_000_000_000_000, scale: 30)
        #expect(big.divided(by: 200_000_000, places: 0) == ExactDecimal(1))
        #expect((-big).divided(by: 200_000_000, places: 0) == ExactDecimal(-1))
        #expect(big.divided(by: 200_000_001, places: 0) == ExactDecimal(0))
        #expect(big.divided(by: 3_000_000_000, places: 0) == ExactDecimal(0))
        #expect(money("12.5").divided(by: 1, places: 0) == ExactDecimal(13))
    }

    @Test func latencyIsKeptToTwoSignificantFiguresRoundedDown() {
        let samples: [Int64] = [0, 1, 99, 100, 101, 999, 1_000, 1_009, 9_999, 10_000, 10_099, 99_999, 100_000, 123_456, 9_999_999]
        #expect(samples.map(DayRollup.bucket) == [0, 1, 99, 100, 100, 990, 1_000, 1_000, 9_900, 10_000, 10_000, 99_000, 100_000, 120_000, 9_990_000])
    }
}
