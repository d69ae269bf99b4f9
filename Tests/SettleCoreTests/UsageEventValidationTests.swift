import Testing
@testable import SettleCore

@Suite struct UsageEventValidationTests {
    func valid() -> UsageEventFields {
        var f = UsageEventFields()
        f.requestID = .text("req_1")
        f.ts = .text("2026-10-03T14:05:09Z")
        f.customerID = .text("cus_1")
        f.provider = .text("openai")
        f.model = .text("gpt-4o")
        f.inputTokens = .integer(1000)
        f.cachedInputTokens = .integer(600)
        f.cacheWriteTokens = .integer(100)
        f.outputTokens = .integer(250)
        return f
    }

    func reason(_ change: (inout UsageEventFields) -> Void) -> QuarantineReason? {
        var f = valid()
        change(&f)
        do {
            _ = try UsageEvent(validating: f)
            return nil
        } catch {
            return error
        }
    }

    @Test func aValidRowGivesBillableQuantitiesPerTokenType() throws {
        let e = try UsageEvent(validating: valid())
        #expect(e.quantity(of: .input) == 300)
        #expect(e.quantity(of: .cachedInput) == 600)
        #expect(e.quantity(of: .cacheWrite) == 100)
        #expect(e.quantity(of: .output) == 250)
        #expect(e.quantity(of: .request) == 1)
        #expect(e.tier == .standard)
        #expect(e.status == .ok)
    }

    @Test func countsMayBeDigitStrings() throws {
        var f = valid()
        f.inputTokens = .text("1000")
        f.requests = .text("3")
        let e = try UsageEvent(validating: f)
        #expect(e.inputTokens == 1000)
        #expect(e.requests == 3)
    }

    @Test(arguments: ["request_id", "ts", "customer_id", "provider", "model", "input_tokens", "output_tokens"])
    func eachRequiredFieldIsRequired(field: String) {
        #expect(reason { $0.set(field, .missing) } == .missingField(field))
        #expect(reason { $0.set(field, .null) } == .missingField(field))
    }

    @Test func badTime() {
        #expect(reason { $0.ts = .text("2026-10-03 noon") } == .badTimestamp("2026-10-03 noon"))
    }

    @Test func countAboveWhatAnEventCarries() {
        #expect(reason { $0.inputTokens = .integer(2_147_483_648) } == .countTooLarge(field: "input_tokens", value: "2147483648"))
        #expect(reason { $0.latencyMs = .text("9999999999") } == .countTooLarge(field: "latency_ms", value: "9999999999"))
        #expect(reason { $0.outputTokens = .integer(2_147_483_647) } == nil)
    }

    @Test func textNoStoreKeepsAsItCameIsRefused() {
        #expect(reason { $0.customerID = .text(String(repeating: "c", count: 257)) }
            == .unstorableText(field: "customer_id", why: "is 257 bytes long (at most 256)"))
        #expect(reason { $0.model = .text("gpt\u{0}4o") } == .unstorableText(field: "model", why: "contains a NUL character"))
        #expect(reason { $0.requestID = .text(String(repeating: "r", count: 1_025)) }
            == .unstorableText(field: "request_id", why: "is 1025 bytes long (at most 1024)"))
        #expect(reason { $0.customerID = .text(String(repeating: "c", count: 256)) } == nil)
    }

    @Test func negativeCount() {
        #expect(reason { $0.outputTokens = .integer(-1) } == .negativeCount(field: "output_tokens", value: "-1"))
        #expect(reason { $0.cachedInputTokens = .text("-5") } == .negativeCount(field: "cached_input_tokens", value: "-5"))
    }

    @Test func notACount() {
        #expect(reason { $0.inputTokens = .otherNumber("12.5") } == .notACount(field: "input_tokens", value: "12.5"))
        #expect(reason { $0.outputTokens = .text("many") } == .notACount(field: "output_tokens", value: "many"))
    }

    /// One-hour cache writes are part of cache_write_tokens and billed apart from the rest.
    @Test func oneHourCacheWritesArePartOfTheCacheWrites() throws {
        var f = valid()
        f.cacheWrite1hTokens = .integer(40)
        let e = try UsageEvent(validating: f)
        #expect(e.quantity(of: .cacheWrite) == 60 && e.quantity(of: .cacheWrite1h) == 40 && e.quantity(of: .input) == 300)
        #expect(reason { $0.cacheWrite1hTokens = .integer(101) } == .oneHourExceedsCacheWrite(oneHour: 101, cacheWrite: 100))
        #expect(QuarantineReason.oneHourExceedsCacheWrite(oneHour: 101, cacheWrite: 100).description.hasPrefix("cache_1h_exceeds_cache_write: "))
        #expect(reason { $0.cacheWrite1hTokens = .integer(-1) } == .negativeCount(field: "cache_write_1h_tokens", value: "-1"))
    }

    @Test func cacheExceedingInput() {
        #expect(reason { $0.cachedInputTokens = .integer(950) } == .cacheExceedsInput(cached: 950, cacheWrite: 100, input: 1000))
        #expect(reason { $0.cachedInputTokens = .integer(900) } == nil)
    }

    @Test func unknownTierAndStatus() {
        #expect(reason { $0.tier = .text("turbo") } == .unknownTier("turbo"))
        #expect(reason { $0.tier = .text("batch") } == nil)
        #expect(reason { $0.status = .text("failed") } == .unknownStatus("failed"))
    }

    @Test func requestsBelowOne() {
        #expect(reason { $0.requests = .integer(0) } == .requestsBelowOne("0"))
    }

    @Test func textFieldsRefuseObjects() {
        #expect(reason { $0.customerID = .nested } == .notText(field: "customer_id"))
    }

    @Test func reasonsReadWellInAQuarantineFile() {
        #expect(QuarantineReason.missingField("ts").description == "missing_field: ts is required")
        #expect(QuarantineReason.unknownTier("turbo").description
            == "unknown_tier: tier \"turbo\" is not standard, batch, priority or flex")
    }
}
