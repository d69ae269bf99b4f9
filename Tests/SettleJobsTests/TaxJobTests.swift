import Foundation
import Testing
import SettleCore
import SettleFormats
import SettleStore
import SettleTestSupport
@testable import SettleJobs

/// FINANCE.md's "Tax" table, row by row, through a real month-end on each store: an issuer in
/// Germany, a customer at home, a business and a consumer in France, a company in the US, and
/// one with a rate of its own. Each invoice's category, rate, tax to the cent, the words it
/// prints and the JSON fields finance files.
@Suite struct TaxJobTests {
    @Test(arguments: StoreKind.all)
    func eachRowOfTheTaxTableOnAnIssuedInvoice(kind: StoreKind) throws {
        let dir = TempFolder()
        dir.write("settle.toml", """
            [catalog]
            customers = "customers.csv"
            prices = "prices.csv"
            [markup]
            default_pct = "0"
            [plans.pro]
            monthly_fee = "100.00"
            [invoices]
            issuer = { name = "Beispiel KI GmbH", address = "Hauptstr. 1, 10115 Berlin", tax_id = "DE136695976", country = "DE" }
            """)
        dir.write("customers.csv", """
            customer_id,name,email,plan,billing_day,tax_rate_pct,alert_webhook,effective_from,address,tax_id,country
            cus_de,Heim GmbH,a@x,pro,1,,,,Berlin,DE204760908,DE
            cus_fr_b2b,Affaires SA,b@x,pro,1,,,,Paris,FR 40 303 265 045,FR
            cus_fr_b2c,Jeanne Dupont,c@x,pro,1,,,,Lyon,,FR
            cus_us,Acme Inc,d@x,pro,1,,,,Austin,12-3456789,US
            cus_own,Own Rate Ltd,e@x,pro,1,7.5,,,Valletta,,MT

            """)
        dir.write("prices.csv", "provider,model,token_type,tier,price,per,effective_from\nopenai,gpt-4o,input,,2.50,1M,2026-01-01\n")
        let (store, url) = try kind.makeStore(in: dir)
        let config = try ConfigLoader.load(path: "\(dir.path)/settle.toml", explicit: true)
        let env = JobEnvironment(config: config, databaseURL: url, outDir: "\(dir.path)/out", clock: { Timestamp(rfc3339: "2026-12-06T06:00:00Z")! })
        let lines = ["cus_de", "cus_fr_b2b", "cus_fr_b2c", "cus_us", "cus_own"].enumerated().map { i, c in
            UsageLines.json("r\(i)", customer: c, ts: "2026-10-03T10:00:00Z", input: 1_000_000, output: 0)
        }
        _ = try IngestUsage(paths: [dir.write("in/oct.jsonl", UsageLines.file(lines))]).execute(store: store, env: env)
        _ = try Aggregate(from: UTCDay("2026-10-01")!, to: UTCDay("2026-10-31")!).execute(store: store, env: env)
        let issued = try IssueInvoices(month: PeriodMonth("2026-10")!, finalize: true, issueDate: UTCDay("2026-11-02")).execute(store: store, env: env)
        let byCustomer = Dictionary(uniqueKeysWithValues: issued.issued.map { ($0.customerID, $0) })
        #expect(issued.drafts.isEmpty && issued.issued.count == 5)

        // Each subtotal is 100.00 (the fee) + 2.50 (1M input tokens at $2.50/1M).
        func row(_ id: String) -> String {
            guard let i = byCustomer[id] else { return "missing" }
            return "\(i.taxCategory.rawValue) \(i.taxRatePct.normalized) \(i.tax.formatted(places: 2)) \(i.total.formatted(places: 2)) \(i.taxExemptionCode ?? "-") \(i.customerCountry)"
        }
        #expect(row("cus_de") == "S 19 19.48 121.98 - DE")
        #expect(row("cus_fr_b2b") == "AE 0 0.00 102.50 VATEX-EU-AE FR")
        #expect(row("cus_fr_b2c") == "S 20 20.50 123.00 - FR", "One-Stop Shop: the consumer's country's rate")
        #expect(row("cus_us") == "O 0 0.00 102.50 VATEX-EU-O US")
        #expect(row("cus_own") == "S 7.5 7.69 110.19 - MT", "the customer's own rate wins")
        #expect(byCustomer["cus_fr_b2b"]?.taxExemptionReason == "Reverse charge: VAT to be accounted for by the recipient (Article 196, Directive 2006/112/EC)")
        #expect(byCustomer["cus_us"]?.taxExemptionReason == "Not subject to VAT: services supplied outside the EU (place of supply: United States (US))")

        // The JSON finance files carries them, and reads back the same.
        let number = try #require(byCustomer["cus_fr_b2b"]?.number)
        let json = try String(contentsOfFile: "\(dir.path)/out/invoices/2026-10/\(number).json", encoding: .utf8)
        #expect(json.contains(#""tax_category": "AE""#) && json.contains(#""tax_exemption_code": "VATEX-EU-AE""#))
        #expect(json.contains(#""customer_country": "FR""#) && json.contains(#""country": "DE""#))
        let back = try InvoiceDocument.read(json)
        #expect(back.taxCategory == .reverseCharge && back.taxExemptionReason == byCustomer["cus_fr_b2b"]?.taxExemptionReason)
        #expect(back.customerCountry == "FR" && back.issuerCountry == "DE")

        // The quarter's One-Stop Shop lines: VAT charged to customers in other member states.
        // The French consumer, and the Maltese customer at the rate customers.csv gives it;
        // not the French business (reverse charged), Germany (home) or the US (outside the EU).
        let oss = try #require(try OneStopShopReport(month: PeriodMonth("2026-10")!).write(store: store, env: env))
        #expect(oss.hasSuffix("/out/reports/oss-2026-Q4.csv"))
        #expect(try String(contentsOfFile: oss, encoding: .utf8) == "country,rate_pct,taxable,tax,currency\r\nFR,20,102.50,20.50,USD\r\nMT,7.5,102.50,7.69,USD\r\n")
    }

    /// A country with no rate in vat_rates.csv on the period's last day holds the invoice as a
    /// draft, named in the findings; nothing is issued with a guessed rate.
    @Test(arguments: StoreKind.all)
    func aCountryWithoutARateHoldsTheInvoice(kind: StoreKind) throws {
        let dir = TempFolder()
        dir.write("settle.toml", """
            [catalog]
            customers = "customers.csv"
            prices = "prices.csv"
            vat_rates = "vat_rates.csv"
            [plans.pro]
            monthly_fee = "10.00"
            [invoices]
            issuer = { name = "X", address = "Y", tax_id = "DE136695976", country = "DE" }
            """)
        dir.write("customers.csv", "customer_id,name,email,plan,billing_day,tax_rate_pct,alert_webhook,country\ncus_it,Roma Srl,a@x,pro,1,,,IT\n")
        dir.write("prices.csv", "provider,model,token_type,tier,price,per,effective_from\n")
        dir.write("vat_rates.csv", "country,rate_pct,effective_from,source\nDE,19,2021-01-01,test\nIT,22,2026-11-01,test\n")
        let (store, url) = try kind.makeStore(in: dir)
        let config = try ConfigLoader.load(path: "\(dir.path)/settle.toml", explicit: true)
        let env = JobEnvironment(config: config, databaseURL: url, outDir: "\(dir.path)/out", clock: { Timestamp(rfc3339: "2026-12-06T06:00:00Z")! })
        let result = try IssueInvoices(month: PeriodMonth("2026-10")!, finalize: true, issueDate: UTCDay("2026-11-02")).execute(store: store, env: env)
        #expect(result.issued.isEmpty && result.drafts.map(\.customerID) == ["cus_it"])
        #expect(result.status == .findings)
        #expect(result.findings == "not finalized, tax cannot be decided: cus_it (cus_it: vat_rates.csv has no standard rate for IT in force on 2026-10-31: add its row)")
    }
}
