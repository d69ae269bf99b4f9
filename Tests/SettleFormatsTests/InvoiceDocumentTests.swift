import Foundation
import SettleCore
import Testing
@testable import SettleFormats

@Suite struct InvoiceDocumentTests {
    static let issuer = InvoiceDocument.Issuer(name: "Example AI Ltd", address: "1 Main St", taxID: "GB1")

    static var supplementary: Invoice {
        var inv = Invoice(number: "INV-2026-000042", kind: .supplementary, customerID: "cus_q", customerName: "Quote \"Q\" Ltd\nLondon",
                period: BillingPeriod(month: PeriodMonth("2026-10")!, billingDay: 15), issueDate: UTCDay("2026-11-28")!,
                dueDate: UTCDay("2026-12-12")!, currency: "USD",
                lines: [InvoiceLine(kind: .usage, description: "gpt-4o input", quantity: 1_250_000, unitPrice: ExactDecimal("3.125")!,
                                    amount: ExactDecimal("3.91")!, provider: "openai", model: "gpt-4o", tier: .standard, tokenType: .input),
                        InvoiceLine(kind: .service, description: "svc_x", quantity: 900, unitPrice: ExactDecimal("2")!,
                                    amount: ExactDecimal("1.80")!, serviceID: "svc_x")],
                subtotal: ExactDecimal("5.71")!, tax: ExactDecimal("1.14")!, total: ExactDecimal("6.85")!, creditsApplied: ExactDecimal("0.00")!,
                amountDue: ExactDecimal("6.85")!, taxRatePct: ExactDecimal("20")!, adjusts: "INV-2026-000001",
                unpriced: [UsageSummaryLine(provider: "openai", model: "gpt-5-preview", tier: .batch, tokenType: .output, serviceID: "",
                                            unitPrice: nil, quantity: 7, errorQuantity: 0, charge: nil, upstreamCost: nil)])
        inv.customerAddress = "9 Quay Rd, Leith"
        inv.customerTaxID = "GB999"
        return inv
    }

    /// The layout finance imports and the store keeps: it must not drift.
    @Test func writesTheDocumentFieldByFieldInItsFixedLayout() {
        let expected = """
            {
              "number": "INV-2026-000042",
              "kind": "supplementary",
              "customer_id": "cus_q",
              "period": "2026-10",
              "period_start": "2026-10-15",
              "period_end": "2026-11-14",
              "issue_date": "2026-11-28",
              "due_date": "2026-12-12",
              "currency": "USD",
              "lines": [
                {
                  "kind": "usage",
                  "description": "gpt-4o input",
                  "quantity": 1250000,
                  "unit_price": "3.125",
                  "amount": "3.91",
                  "provider": "openai",
                  "model": "gpt-4o",
                  "tier": "standard",
                  "token_type": "input"
                },
                {
                  "kind": "service",
                  "description": "svc_x",
                  "quantity": 900,
                  "unit_price": "2.00",
                  "amount": "1.80",
                  "service_id": "svc_x"
                }
              ],
              "subtotal": "5.71",
              "tax": "1.14",
              "total": "6.85",
              "credits_applied": "0.00",
              "amount_due": "6.85",
              "payment_reference": "RF022026000042",
              "customer_name": "Quote \\"Q\\" Ltd\\nLondon",
              "customer_address": "9 Quay Rd, Leith",
              "customer_tax_id": "GB999",
              "tax_rate_pct": "20",
              "tax_category": "S",
              "issuer": {
                "name": "Example AI Ltd",
                "address": "1 Main St",
                "tax_id": "GB1"
              },
              "adjusts": "INV-2026-000001",
              "unpriced": [
                {
                  "provider": "openai",
                  "model": "gpt-5-preview",
                  "tier": "batch",
                  "token_type": "output",
                  "quantity": 7
                }
              ]
            }

            """
        #expect(InvoiceDocument.json(Self.supplementary, issuer: Self.issuer) == expected)
    }

    @Test func readsBackWhatItWrote() throws {
        let inv = Self.supplementary
        let back = try #require(try? InvoiceDocument.read(InvoiceDocument.json(inv, issuer: Self.issuer)))
        #expect(back.number == inv.number && back.kind == .supplementary && back.customerName == inv.customerName)
        #expect(back.period == inv.period && back.dueDate == inv.dueDate && back.adjusts == "INV-2026-000001")
        #expect(back.lines == inv.lines)
        #expect(back.total == ExactDecimal("6.85")! && back.amountDue == ExactDecimal("6.85")! && back.taxRatePct == ExactDecimal("20")!)
        #expect(back.customerAddress == "9 Quay Rd, Leith" && back.customerTaxID == "GB999")
        #expect(InvoiceDocument.csv(back) == InvoiceDocument.csv(inv))
    }

    /// A line of an item whose price changed inside the period carries its days (`from`,
    /// `through`, after the fields PRODUCT.md names); lines without days write none. Read back alike.
    @Test func aLineWithItsDaysWritesAndReadsThem() throws {
        var inv = Self.supplementary
        inv.lines[0].from = UTCDay("2026-10-15")
        inv.lines[0].through = UTCDay("2026-10-31")
        let json = InvoiceDocument.json(inv, issuer: Self.issuer)
        #expect(json.contains("\"token_type\": \"input\",\n      \"from\": \"2026-10-15\",\n      \"through\": \"2026-10-31\"\n    },"), "\(json)")
        #expect(json.components(separatedBy: "\"from\"").count == 2)
        let back = try #require(try? InvoiceDocument.read(json))
        #expect(back.lines == inv.lines && back.lines[0].from == UTCDay("2026-10-15") && back.lines[1].through == nil)
    }

    @Test func writesValuesCompactOrIndentedAlike() {
        let v = JSONText.object([("a", .array([])), ("b", .object([])), ("c", .array([.int(-3), .number("2.50"), .null, .bool(true)])),
                                 ("ctl", .string("tab\there\u{1}"))])
        #expect(v.rendered() == #"{"a":[],"b":{},"c":[-3,2.50,null,true],"ctl":"tab\there\u0001"}"#)
        #expect(v.pretty() == "{\n  \"a\": [],\n  \"b\": {},\n  \"c\": [\n    -3,\n    2.50,\n    null,\n    true\n  ],\n  \"ctl\": \"tab\\there\\u0001\"\n}\n")
        #expect(JSONText.array([.string("é \"x\"")]).rendered() == #"["é \"x\""]"#)
    }
}
