import Foundation
import Testing
import SettleCore
import SettleFormats
import SettleStore
import SettleTestSupport
@testable import SettleJobs

/// FINANCE.md's "Currencies" through real month-ends on each store, at the ECB's real rates of
/// 2026-10-30 (fixtures/fx, a slice of eurofxref-hist.csv: USD 1.1172, GBP 0.8338, JPY 175.68
/// per euro). Every figure below is computed by hand from those, as a reader of the invoice
/// would: rate = C per euro ÷ USD per euro to 10 decimals, unit price × rate to 6 decimals,
/// amount = quantity × unit price ÷ 1M rounded to the currency's minor unit.
@Suite struct CurrencyJobTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("fixtures").path

    static func toml(rates: String) -> String {
        """
        [catalog]
        customers = "customers.csv"
        prices = "prices.csv"
        [exchange_rates]
        file = "\(rates)"
        [markup]
        default_pct = "0"
        [plans.pro]
        monthly_fee = "100.00"
        fees = { EUR = "90.00" }
        [invoices]
        payment_terms_days = 14
        issuer = { name = "Example AI Ltd", address = "1 Main Street, London EC1A 1BB", tax_id = "GB123456041", country = "GB", company_id = "09876543" }
        """
    }

    static let customers = """
        customer_id,name,email,plan,billing_day,tax_rate_pct,alert_webhook,effective_from,address,tax_id,country,currency,einvoice
        cus_eur,Euro SARL,a@x,pro,1,20,,,"5 rue de la Paix, 75002 Paris",,FR,EUR,cii
        cus_gbp,Pound Ltd,b@x,pro,1,0,,,"10 Harbour Street, Edinburgh EH6 6QN",,GB,GBP,cii
        cus_jpy,Yen KK,c@x,pro,1,10,,,"1-1 Marunouchi, Tokyo 100-0005",,JP,JPY,cii
        cus_usd,Dollar Inc,d@x,pro,1,0,,,Austin,,US,,
        cus_late,Later SARL,e@x,pro,15,20,,,Lyon,,FR,EUR,

        """

    static let prices = "provider,model,token_type,tier,price,per,effective_from\nopenai,gpt-4o,input,,2.50,1M,2026-01-01\nopenai,gpt-4o,output,,10.00,1M,2026-01-01\n"

    @Test(arguments: StoreKind.all)
    func eurGBPAndJPYInvoicesToTheCentAndADraftWithoutARate(kind: StoreKind) throws {
        let dir = TempFolder()
        let rates = dir.write("fx/eurofxref-hist.csv", try String(contentsOfFile: "\(Self.fixtures)/fx/eurofxref-hist.csv", encoding: .utf8))
        dir.write("settle.toml", Self.toml(rates: rates))
        dir.write("customers.csv", Self.customers)
        dir.write("prices.csv", Self.prices)
        let (store, url) = try kind.makeStore(in: dir)
        let env = try IssuedMeansIssuedTests.env(dir, url)
        let lines = ["cus_eur", "cus_gbp", "cus_jpy", "cus_usd", "cus_late"].enumerated().map { i, c in
            UsageLines.json("r\(i)", customer: c, ts: "2026-10-16T10:00:00Z", input: 1_000_000, output: 500_000)
        }
        try IssuedMeansIssuedTests.ingest(dir, store, env, "oct.jsonl", lines, from: "2026-10-01", to: "2026-10-31")
        let close = try IssueInvoices(month: PeriodMonth("2026-10")!, finalize: true, adjust: true, issueDate: UTCDay("2026-11-20"))
            .execute(store: store, env: env)
        _ = try RenderDocuments(month: PeriodMonth("2026-10")!).execute(store: store, env: env)
        let issued = Dictionary(uniqueKeysWithValues: close.issued.map { ($0.customerID, $0) })

        func row(_ id: String) -> String {
            guard let i = issued[id] else { return "missing" }
            let lines = i.lines.map { "\($0.unitPriceText)→\($0.amount.formatted(currency: i.currency))" }.joined(separator: " ")
            return "\(i.currency) \(lines) | \(i.subtotal.formatted(currency: i.currency)) \(i.tax.formatted(currency: i.currency)) \(i.total.formatted(currency: i.currency))"
        }
        // EUR: rate 1 ÷ 1.1172 = 0.8950948801; the fee finance set in euros (90.00); input
        // 2.50 × rate = 2.237737 per 1M → 2.24; output 10.00 × rate = 8.950949 → 500k: 4.48;
        // tax 20 % of 96.72 = 19.344 → 19.34.
        #expect(row("cus_eur") == "EUR 90.00→90.00 2.237737→2.24 8.950949→4.48 | 96.72 19.34 116.06")
        // GBP: 0.8338 ÷ 1.1172 = 0.7463301110; the fee converted: 100.00 × rate = 74.63.
        #expect(row("cus_gbp") == "GBP 74.63→74.63 1.865825→1.87 7.463301→3.73 | 80.23 0.00 80.23")
        // JPY, whole yen: 175.68 ÷ 1.1172 = 157.2502685285; fee 15725.026… → 15725; 393.125671
        // per 1M → 393; 1572.502685 → 500k: 786.25… → 786; tax 10 % of 16904 = 1690.4 → 1690.
        #expect(row("cus_jpy") == "JPY 15725.00→15725 393.125671→393 1572.502685→786 | 16904 1690 18594")
        #expect(row("cus_usd") == "USD 100.00→100.00 2.50→2.50 10.00→5.00 | 107.50 0.00 107.50")
        #expect(issued["cus_eur"]?.exchangeRate == ExchangeRate(from: "USD", to: "EUR", rate: ExactDecimal("0.8950948801")!, date: UTCDay("2026-10-30")!))
        // BT-111: the EUR invoice's tax in the issuer's accounting currency (the base, USD) at
        // the same day's rate: 19.34 × 1.1172 = 21.606… → 21.61.
        #expect(issued["cus_eur"]?.taxAccounting == ExactDecimal("21.61"))
        let json = dir.read("out/invoices/2026-10/\(issued["cus_jpy"]?.number ?? "-").json")
        #expect(json.contains(#""total": "18594""#) && json.contains(#""exchange_rate": {"#) && json.contains(#""rate": "157.2502685285""#))

        // cus_late's period ends 2026-11-14; the file's last day is 2026-10-30, more than 7
        // days before: no rate, a draft saying why, a finding (exit 3).
        #expect(issued["cus_late"] == nil)
        #expect(close.status == .findings)
        #expect(close.unconvertedCustomers.map(\.customerID) == ["cus_late"])
        #expect(close.findings?.contains("not finalized, no exchange rate: cus_late") == true)
        #expect(close.unconvertedCustomers.first?.why.contains("no exchange rate from USD to EUR for a period ending 2026-11-14") == true)

        // The e-invoices of those documents pass the official rules.
        let xml = ["cus_eur", "cus_gbp", "cus_jpy"].compactMap { issued[$0]?.number }.map { "\(dir.path)/out/invoices/2026-10/\($0).xml" }
        #expect(xml.count == 3 && xml.allSatisfy { FileManager.default.fileExists(atPath: $0) })
        if let rules = try EInvoiceCheck.validate(xml) { #expect(rules.status == 0 && rules.passed == 3, "\(rules.output)") }
        #expect(dir.read(xml[0]).contains(#"<ram:TaxTotalAmount currencyID="USD">21.61</ram:TaxTotalAmount>"#))

        // The ECB's rates of later days arrive (made up here, in the ECB's format): the next
        // close issues cus_late at the rate of 2026-11-13. And the late event of an issued EUR
        // period is priced at the rate that period's invoice used, not the file's today.
        var file = try String(contentsOfFile: rates, encoding: .utf8)
        let header = String(file.prefix { $0 != "\n" })
        let columns = header.split(separator: ",", omittingEmptySubsequences: false).count
        func day(_ date: String, usd: String) -> String {
            ([date] + header.split(separator: ",", omittingEmptySubsequences: false).dropFirst().map { $0 == "USD" ? usd : $0.isEmpty ? "" : "N/A" }).joined(separator: ",")
        }
        #expect(columns > 40)
        file = file.replacingOccurrences(of: header + "\n", with: header + "\n" + day("2026-11-13", usd: "1.2000") + "\n")
        file = file.replacingOccurrences(of: "2026-10-30,1.1172,", with: "2026-10-30,1.5000,")
        dir.write("fx/eurofxref-hist.csv", file)
        try IssuedMeansIssuedTests.ingest(dir, store, env, "late.jsonl", [
            UsageLines.json("late", customer: "cus_eur", ts: "2026-10-20T10:00:00Z", input: 1_000_000, output: 0),
        ], from: "2026-10-20", to: "2026-10-20")
        let env2 = try IssuedMeansIssuedTests.env(dir, url)
        let earlier = try IssueInvoices(month: PeriodMonth("2026-10")!, finalize: true, adjust: true, issueDate: UTCDay("2026-12-02"))
            .execute(store: store, env: env2)
        #expect(earlier.status == .ok, "\(earlier.findings ?? "")")
        let late = try #require(earlier.issued.first { $0.customerID == "cus_late" })
        // 1 ÷ 1.2 = 0.8333333333: input 2.083333 → 2.08, output 8.333333 → 4.17; fee 90.00.
        #expect(late.currency == "EUR" && late.exchangeRate?.date == UTCDay("2026-11-13") && late.subtotal == ExactDecimal("96.25"))
        let supplementary = try #require(earlier.adjustments.first { $0.customerID == "cus_eur" })
        // At the frozen 0.8950948801: 1M × 2.237737 → 2.24, tax 0.448 → 0.45.
        #expect(supplementary.kind == .supplementary && supplementary.currency == "EUR" && supplementary.subtotal == ExactDecimal("2.24")
                && supplementary.tax == ExactDecimal("0.45") && supplementary.exchangeRate?.rate == ExactDecimal("0.8950948801"))
    }

    /// A provider billing in euros (FOCUS `BillingCurrency` EUR): converted to the base at the
    /// rate of its charge day before reconciliation, and the cell, stored and read back, and
    /// reconciliation.csv say which rate (FINANCE.md, "Currencies").
    @Test(arguments: StoreKind.all)
    func aBillInEurosIsReconciledInTheBaseAtItsDaysRate(kind: StoreKind) throws {
        let dir = TempFolder()
        let rates = dir.write("fx/eurofxref-hist.csv", try String(contentsOfFile: "\(Self.fixtures)/fx/eurofxref-hist.csv", encoding: .utf8))
        dir.write("settle.toml", Self.toml(rates: rates) + "\n[provider_names]\n\"Google Cloud\" = \"google\"\n")
        dir.write("customers.csv", Self.customers)
        dir.write("prices.csv", "provider,model,token_type,tier,price,per,effective_from\ngoogle,gemini-2.5-pro,input,,1.25,1M,2026-01-01\n")
        let (store, url) = try kind.makeStore(in: dir)
        let env = try IssuedMeansIssuedTests.env(dir, url)
        try IssuedMeansIssuedTests.ingest(dir, store, env, "day.jsonl", [
            UsageLines.json("g1", customer: "cus_usd", ts: "2026-10-30T10:00:00Z", provider: "google", model: "gemini-2.5-pro", input: 8_000_000, output: 0),
        ], from: "2026-10-30", to: "2026-10-30")
        // 8M tokens at $1.25/1M = $10.00; billed EUR 8.95 → × 1.1172 = $9.99894 (within a cent).
        dir.write("bills/focus.csv", """
            ChargePeriodStart,ChargePeriodEnd,ChargeCategory,ChargeClass,BilledCost,BillingCurrency,ConsumedQuantity,ConsumedUnit,ProviderName,ServiceName,SkuId
            2026-10-30T00:00:00Z,2026-10-31T00:00:00Z,Usage,,8.95,EUR,8000000,Tokens,Google Cloud,Vertex AI,"gemini-2.5-pro, input"

            """)
        _ = try IngestBills(paths: ["\(dir.path)/bills"], options: try BillReadOptions(config: env.config)).execute(store: store, env: env)
        _ = try Reconcile(from: UTCDay("2026-10-30")!, to: UTCDay("2026-10-30")!).execute(store: store, env: env)
        let cells = try store.reconciliation.reconciliationCells(from: UTCDay("2026-10-30")!, to: UTCDay("2026-10-30")!)
        let cell = try #require(cells.first { $0.provider == "google" && $0.tokenType == .input })
        #expect(cell.billedCost == ExactDecimal("9.99894") && cell.expectedCost == ExactDecimal("10.00") && cell.status == .matched)
        #expect(cell.exchangeRates == [ExchangeRate(from: "EUR", to: "USD", rate: ExactDecimal("1.1172")!, date: UTCDay("2026-10-30")!)])
        let csv = dir.read("out/reconciliation/2026-10-30/reconciliation.csv")
        #expect(csv.contains(",matched,0.00,,,1 EUR = 1.1172 USD (ECB 2026-10-30)\r\n"), "\(csv)")
    }
}

