/// A reconciliation cell's verdict. The order of the cases is the order PRODUCT.md checks them
/// in: a cell gets the first that applies.
public enum ReconciliationStatus: String, Sendable, CaseIterable, Comparable {
    /// Billed, but the gateway logged nothing: unmetered traffic we pay for.
    case missingInGateway = "missing_in_gateway"
    /// Logged, but not billed.
    case missingInBill = "missing_in_bill"
    /// Quantities differ beyond the token tolerance.
    case tokenMismatch = "token_mismatch"
    /// The billed cost differs from the price book's beyond the cost tolerance.
    case costMismatch = "cost_mismatch"
    /// No price in force to compute the expected cost.
    case unpriced
    case matched

    public static func < (a: ReconciliationStatus, b: ReconciliationStatus) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}
