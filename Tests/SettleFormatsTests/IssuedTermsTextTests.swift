import Foundation
import Testing
import SettleCore
@testable import SettleFormats

/// The stored form of the terms an issued period is priced with: read back as written, the
/// same bytes for the same terms, and text that does not read is an error, never a default.
@Suite struct IssuedTermsTextTests {
    func money(_ s: String) -> ExactDecimal { ExactDecimal(s)! }

    /// FINANCE.md's customer columns are frozen with the terms, left out when empty so that
    /// terms frozen before them keep their text (and digest).
    @Test func countryCurrencyAndEInvoiceAreFrozenWhenGiven() throws {
        var v = Customer(id: "cus_8", name: "Brux SA", email: "b@example.com", plan: "pro", billingDay: 1, taxRatePct: nil, country: "BE")
        v.currency = "EUR"
        v.einvoice = .peppol
        v.peppolID = "0208:0477472701"
        let text = IssuedTermsText.customer(CustomerHistory(versions: [v]))
        #expect(text.contains(#""country":"BE","currency":"EUR","einvoice":"peppol","email":"#) && text.contains(#""peppolID":"0208:0477472701","plan""#))
        #expect(!text.contains("taxRatePct"))
        let back = try IssuedTermsText.customer(from: text, what: "test").current
        #expect(back == v)
        let plain = Customer(id: "cus_9", name: "N", email: "n@example.com", plan: "pro", billingDay: 1, taxRatePct: money("20"))
        #expect(IssuedTermsText.customer(CustomerHistory(versions: [plain]))
            == #"[{"address":"","billingDay":1,"email":"n@example.com","id":"cus_9","name":"N","plan":"pro","taxID":"","taxRatePct":"20"}]"#)
    }

    @Test func aCustomersVersionsReadBackAsWritten() throws {
        let history = CustomerHistory(versions: [
            Customer(id: "cus_7", name: "Zürich \"Labs\"", email: "z@example.com", plan: "pro", billingDay: 15, taxRatePct: money("8.1"),
                     alertWebhook: "https://hooks.example.com/z", address: "Bahnhofstrasse 1", taxID: "CHE-1"),
            Customer(id: "cus_7", name: "Zürich \"Labs\"", email: "z@example.com", plan: "enterprise", billingDay: 15, taxRatePct: money("0"),
                     effectiveFrom: UTCDay("2026-10-16")),
        ])
        let text = IssuedTermsText.customer(history)
        // The same terms given in another order are the same bytes (the text is compared and
        // digested, so it must not depend on how the versions were listed).
        #expect(text == IssuedTermsText.customer(CustomerHistory(versions: history.versions.reversed())))
        let back = try IssuedTermsText.customer(from: text, what: "test")
        #expect(back.versions.map { "\($0.plan) \($0.taxRatePct?.description ?? "-") \($0.effectiveFrom?.description ?? "-") \($0.alertWebhook ?? "-") \($0.name)" }
                == ["pro 8.1 - https://hooks.example.com/z Zürich \"Labs\"", "enterprise 0 2026-10-16 - Zürich \"Labs\""])
        #expect(back.billingDay == 15 && back.versions[0].address == "Bahnhofstrasse 1" && back.versions[0].taxID == "CHE-1")
        #expect(throws: IssuedTermsText.Unreadable.self) {
            _ = try IssuedTermsText.customer(from: text.replacingOccurrences(of: "\"8.1\"", with: "\"8,1\""), what: "test")
        }
    }

    @Test func aCatalogReadsBackAsWritten() throws {
        var plans: [String: Plan] = [:]
        plans["pro"] = Plan(name: "pro", monthlyFee: money("79.00"), tokenLimit: 50_000_000, costLimit: money("150.00"),
                            callLimitsByProvider: ["google": 5_000])
        let catalog = CatalogTerms(
            plans: plans, markupDefaultPct: money("20"),
            markupRules: [MarkupRule(pattern: "claude*", plan: "enterprise", pct: money("12"), priority: 10)],
            services: [Service(id: "svc_x", seller: "sellco", model: "x", promptPricePer1K: money("0.004"), completionPricePer1K: money("0.012"),
                               platformFeePct: money("15"), trialTokens: 1_000)],
            prices: [PriceRow(provider: "anthropic", model: "claude-sonnet-4-5", tokenType: .input, tier: .standard, price: money("6.00"), per: .perMillion,
                              effectiveFrom: Timestamp(rfc3339: "2026-10-15T12:00:00Z")!, band: 200_000)],
            tierMultipliers: [.batch: money("0.5")], volumeDiscounts: [VolumeDiscount(minUsage: money("1000.00"), pct: money("5"))])
        let text = IssuedTermsText.catalog(catalog)
        let back = try IssuedTermsText.catalog(from: text, what: "test")
        #expect(back == catalog)
        #expect(IssuedTermsText.catalog(back) == text)
        #expect(throws: IssuedTermsText.Unreadable.self) { _ = try IssuedTermsText.catalog(from: "{}", what: "test") }
    }
}
