import Testing
@testable import SettleCore

/// ISO 11649 structured creditor references: the standard's own example, an invoice number's,
/// and a reference whose check digits do not hold.
@Suite struct CreditorReferenceTests {
    @Test func theStandardsExampleIsValidAndAnInvoiceNumberGivesItsOwn() {
        #expect(CreditorReference.isValid("RF18 5390 0754 7034"))
        #expect(CreditorReference.isValid("rf18539007547034"), "any case, no spaces")
        #expect(!CreditorReference.isValid("RF19 5390 0754 7034"), "a check digit off")
        #expect(!CreditorReference.isValid("RF18 5390 0754 7043"), "two digits swapped")
        #expect(CreditorReference.of(invoiceNumber: "INV-2026-000001") == "RF422026000001")
        #expect(CreditorReference.printed("RF422026000001") == "RF42 2026 0000 01")
        #expect(CreditorReference.isValid(CreditorReference.of(invoiceNumber: "INV-2026-000042") ?? ""))
        #expect(CreditorReference.of(invoiceNumber: "DRAFT") == nil)
        #expect(CreditorReference.of(invoiceNumber: "INV-2026-0000000000000000001") == nil, "more than 21 characters")
        // Every reference of a month of numbers holds its check digits, and none is another's.
        let refs = (1...500).compactMap { CreditorReference.of(invoiceNumber: "INV-2026-\(String(repeating: "0", count: 6 - String($0).count))\($0)") }
        #expect(refs.count == 500 && refs.allSatisfy(CreditorReference.isValid) && Set(refs).count == 500)
    }
}
