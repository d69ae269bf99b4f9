/// How an invoice is taxed: its VAT category (EN 16931, UNCL 5305), rate, and what the
/// document must say when it charges none (FINANCE.md, "Tax").
public struct TaxDecision: Sendable, Hashable {
    public enum Category: String, Sendable, Hashable, CaseIterable {
        /// Standard rated.
        case standard = "S"
        /// Zero rated: a customer version with `tax_rate_pct` 0.
        case zeroRated = "Z"
        /// Reverse charge: a business customer in another EU member state accounts for the VAT.
        case reverseCharge = "AE"
        /// Not subject to VAT: the place of supply is outside the EU.
        case outsideScope = "O"
    }

    public var category: Category
    public var ratePct: ExactDecimal
    /// The exemption code EN 16931 asks for with AE and O (`VATEX-EU-AE`, `VATEX-EU-O`).
    public var exemptionCode: String?
    /// The wording printed on the invoice (VAT Directive article 226 for a reverse charge).
    public var exemptionReason: String?
    /// A supply to a consumer in another member state, taxed at that state's rate: it goes in
    /// the quarter's One-Stop Shop report, under `customerCountry`.
    public var oneStopShop: Bool
    /// Where the customer is (the place of supply), when settle decided; nil for a rate the
    /// customer version gives.
    public var customerCountry: String?

    public init(category: Category, ratePct: ExactDecimal, exemptionCode: String? = nil, exemptionReason: String? = nil,
                oneStopShop: Bool = false, customerCountry: String? = nil) {
        self.category = category
        self.ratePct = ratePct
        self.exemptionCode = exemptionCode
        self.exemptionReason = exemptionReason
        self.oneStopShop = oneStopShop
        self.customerCountry = customerCountry
    }
}
