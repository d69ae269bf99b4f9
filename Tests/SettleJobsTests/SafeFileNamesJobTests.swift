import Foundation
import Testing
import SettleCore
import SettleFormats
import SettleStore
import SettleTestSupport
@testable import SettleJobs

/// PRODUCT.md, "Outputs": whatever the catalog and settle.toml hold, no output lands outside
/// `--out`. Customers, sellers and an invoice number prefix built to climb out of their folders
/// go through close and documents on each store; every file stays under `out/`, under its
/// encoded name.
@Suite struct SafeFileNamesJobTests {
    static let longCustomer = String(repeating: "c", count: 250)    // usage refuses names over 256 bytes
    static let longSeller = String(repeating: "s", count: 230)
    static let pwned = "../../../tmp/pwned-seller"

    static func setUp(_ kind: StoreKind) throws -> (TempFolder, any SettleStore, JobEnvironment) {
        let dir = TempFolder("settle-names")
        dir.write("settle.toml", """
            [catalog]
            customers = "customers.csv"
            prices = "prices.csv"
            services = "services.csv"
            [markup]
            default_pct = "20"
            [plans.pro]
            monthly_fee = "79.00"
            [invoices]
            number_prefix = "../../../INV"
            credit_note_prefix = "CN"
            payment_terms_days = 14
            issuer = { name = "Example AI Ltd", address = "1 Main St", tax_id = "GB123456041" }
            """)
        dir.write("customers.csv", """
            customer_id,name,email,plan,billing_day,tax_rate_pct,alert_webhook
            ../evil,Evil,e@example.com,pro,1,0,
            a/b,Slash,s@example.com,pro,1,0,
            .dot,Dot,d@example.com,pro,1,0,
            ctl\u{01}x,Control,c@example.com,pro,1,0,
            \(longCustomer),Long,l@example.com,pro,1,0,

            """)
        dir.write("prices.csv", "provider,model,token_type,tier,price,per,effective_from\nopenai,gpt-4o,input,,2.50,1M,2026-01-01\nopenai,gpt-4o,output,,10.00,1M,2026-01-01\n")
        dir.write("services.csv", """
            service_id,seller,model,prompt_price_per_1k,completion_price_per_1k,platform_fee_pct,trial_tokens
            svc_x,\(pwned),x-model,4,12,10,0
            svc_y,\(longSeller),y-model,4,12,10,0

            """)
        let (store, url) = try kind.makeStore(in: dir)
        let config = try ConfigLoader.load(path: "\(dir.path)/settle.toml", explicit: true)
        return (dir, store, JobEnvironment(config: config, databaseURL: url, outDir: "\(dir.path)/out",
                                          clock: { Timestamp(rfc3339: "2026-11-01T06:00:00Z")! }))
    }

    /// `../evil` and `a/b` are invoiced (each with a seller's service); `.dot`, the control
    /// character and the long id use a model without a price, so they stay drafts.
    static let october = [
        UsageLines.json("e1", customer: "../evil", ts: "2026-10-03T10:00:00Z", input: 400_000, output: 100_000),
        UsageLines.json("e2", customer: "../evil", ts: "2026-10-04T10:00:00Z", provider: "sellco", model: "x-model", input: 600, output: 300, extra: #","service_id":"svc_x""#),
        UsageLines.json("s1", customer: "a/b", ts: "2026-10-05T10:00:00Z", provider: "sellco", model: "y-model", input: 500, output: 500, extra: #","service_id":"svc_y""#),
        UsageLines.json("d1", customer: ".dot", ts: "2026-10-06T10:00:00Z", model: "gpt-5-preview", input: 1_000, output: 0),
        UsageLines.json("c1", customer: "ctl\\u0001x", ts: "2026-10-06T11:00:00Z", model: "gpt-5-preview", input: 1_000, output: 0),
        UsageLines.json("l1", customer: longCustomer, ts: "2026-10-06T12:00:00Z", model: "gpt-5-preview", input: 1_000, output: 0),
    ]

    /// Every file and folder under `root`, relative to it.
    static func everything(under root: String) -> [String] {
        var out: [String] = []
        let walker = FileManager.default.enumerator(atPath: root)
        while let rel = walker?.nextObject() as? String { out.append(rel) }
        return out.sorted()
    }

    @Test(arguments: StoreKind.all)
    func hostileIdsAndPrefixesWriteOnlyUnderOut(kind: StoreKind) throws {
        let (dir, store, env) = try Self.setUp(kind)
        _ = try IngestUsage(paths: [dir.write("in/oct.jsonl", UsageLines.file(Self.october))]).execute(store: store, env: env)
        _ = try Aggregate(from: UTCDay("2026-10-01")!, to: UTCDay("2026-10-31")!).execute(store: store, env: env)
        let oct = PeriodMonth("2026-10")!
        let close = try Close(month: oct, issueDate: UTCDay("2026-11-01")).execute(store: store, env: env)
        #expect(close.invoices.issuedCount == 2 && close.invoices.draftCount == 3, "\(close.findings)")
        #expect(close.payouts.payouts.map(\.seller) == [Self.pwned, Self.longSeller])
        let documents = try RenderDocuments(month: oct).execute(store: store, env: env)
        #expect(documents.documents == 2 && documents.statements == 2)

        // Nothing beside the inputs, the store and out/: no tmp/pwned-seller.pdf, no INV-….json.
        let root = dir.path
        let top = Set(try FileManager.default.contentsOfDirectory(atPath: root))
        #expect(top.isSubset(of: ["settle.toml", "customers.csv", "prices.csv", "services.csv", "in", "var", "out"]), "\(top.sorted())")
        // Every name under out/ is made of the safe bytes and `%XX`.
        let safe = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-%".utf8)
        for rel in Self.everything(under: "\(root)/out") {
            for part in rel.split(separator: "/") {
                #expect(part.utf8.allSatisfy { safe.contains($0) } && part.utf8.count <= 255, "out/\(rel)")
            }
        }

        // The names: the number's prefix, the sellers and the customers encoded.
        let invoices = "\(root)/out/invoices/2026-10"
        let numbers = ["%2E.%2F..%2F..%2FINV-2026-000001", "%2E.%2F..%2F..%2FINV-2026-000002"]
        for n in numbers {
            for ext in ["json", "csv", "pdf"] { #expect(FileSystem.exists("\(invoices)/\(n).\(ext)"), "\(n).\(ext)") }
        }
        #expect(dir.read("\(invoices)/\(numbers[0]).json").contains(#""number": "../../../INV-2026-000001""#))
        #expect(dir.read("\(invoices)/\(numbers[0]).json").contains(#""customer_id": "../evil""#))
        let longCustomer = String(repeating: "c", count: 183) + "-b31bdc6c1e222c18"
        #expect(Set(dir.files(in: "out/invoices/2026-10/drafts")) == ["%2Edot.csv", "%2Edot.json", "ctl%01x.csv", "ctl%01x.json",
                                                                        "\(longCustomer).csv", "\(longCustomer).json"])
        let payouts = "\(root)/out/payouts/2026-10"
        let longSeller = String(repeating: "s", count: 183) + "-72aaafc259a185fe"
        #expect(Set(dir.files(in: "out/payouts/2026-10")) == ["%2E.%2F..%2F..%2Ftmp%2Fpwned-seller.pdf", "\(longSeller).pdf", "payouts.csv",
                                                                "statement-%2E.%2F..%2F..%2Ftmp%2Fpwned-seller.csv", "statement-\(longSeller).csv"])
        // The files themselves name the seller and the customer as they are.
        #expect(dir.read("\(payouts)/statement-%2E.%2F..%2F..%2Ftmp%2Fpwned-seller.csv").contains("../../../INV-2026-000001,../evil,svc_x,"))
        #expect(dir.read("\(payouts)/payouts.csv").contains("\r\n\(Self.pwned),svc_x,"))

        // A second close and documents find their own files again: nothing written twice, no stray draft.
        let before = Self.everything(under: "\(root)/out").filter { !$0.hasPrefix("runs/") }
        _ = try Close(month: oct, issueDate: UTCDay("2026-11-01")).execute(store: store, env: env)
        _ = try RenderDocuments(month: oct).execute(store: store, env: env)
        #expect(Self.everything(under: "\(root)/out").filter { !$0.hasPrefix("runs/") } == before)
    }
}
