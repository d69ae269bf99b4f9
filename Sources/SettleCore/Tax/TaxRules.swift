/// The one statement of FINANCE.md's "Tax" table: who is charged what VAT for electronically
/// supplied services, whose place of supply is where the customer is.
///
/// | issuer / customer | VAT id | category | rate |
/// |---|---|---|---|
/// | same country | either | S | that country's standard rate |
/// | another EU member state | yes | AE | 0, reverse charge |
/// | another EU member state | no | S | the customer's country's rate (One-Stop Shop) |
/// | outside the EU | either | O | 0, not subject to VAT |
///
/// A customer version's own `tax_rate_pct` wins over the table: S at that rate, Z at 0.
public enum TaxRules {
    /// The 27 member states, by ISO 3166-1 alpha-2 code (Greece is GR here; its VAT ids say EL).
    public static let memberStates: Set<String> = [
        "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IT", "LT", "LU", "LV", "MT",
        "NL", "PL", "PT", "RO", "SE", "SI", "SK",
    ]

    static let reverseChargeText = "Reverse charge: VAT to be accounted for by the recipient (Article 196, Directive 2006/112/EC)"

    /// The invoice's tax for a customer version on `day` (the period's last day: the rates in
    /// force then). `customerRatePct`: the version's `tax_rate_pct`, nil when empty.
    public static func decide(issuerCountry: String?, customerCountry: String?, customerHasVATID: Bool,
                              customerRatePct: ExactDecimal?, on day: UTCDay, rates: VATRateBook) throws(TaxRuleError) -> TaxDecision {
        if let rate = customerRatePct {
            return rate.isZero ? TaxDecision(category: .zeroRated, ratePct: .zero) : TaxDecision(category: .standard, ratePct: rate)
        }
        guard let issuer = issuerCountry, !issuer.isEmpty else { throw .noIssuerCountry }
        guard let customer = customerCountry, !customer.isEmpty else { throw .noCustomerCountry }
        if customer == issuer {
            return TaxDecision(category: .standard, ratePct: try rate(of: customer, on: day, rates), customerCountry: customer)
        }
        guard memberStates.contains(customer) else {
            return TaxDecision(category: .outsideScope, ratePct: .zero, exemptionCode: "VATEX-EU-O",
                               exemptionReason: "Not subject to VAT: services supplied outside the EU (place of supply: \(CountryNames.name(of: customer)))",
                               customerCountry: customer)
        }
        if customerHasVATID {
            return TaxDecision(category: .reverseCharge, ratePct: .zero, exemptionCode: "VATEX-EU-AE", exemptionReason: reverseChargeText,
                               customerCountry: customer)
        }
        return TaxDecision(category: .standard, ratePct: try rate(of: customer, on: day, rates), oneStopShop: true, customerCountry: customer)
    }

    private static func rate(of country: String, on day: UTCDay, _ rates: VATRateBook) throws(TaxRuleError) -> ExactDecimal {
        guard let rate = rates.standardRate(of: country, on: day) else { throw .noRate(country: country, day: day) }
        return rate
    }
}

/// Why settle cannot decide a customer's tax, with what to do about it.
public enum TaxRuleError: Error, Sendable, Hashable, CustomStringConvertible {
    case noIssuerCountry
    case noCustomerCountry
    case noRate(country: String, day: UTCDay)
    /// A self-billing seller (sellers.csv) with no country: its invoice's VAT depends on it.
    case sellerWithoutCountry(String)

    public var description: String {
        switch self {
        case .noIssuerCountry:
            return "the customer has no tax_rate_pct and [invoices] issuer has no country: set the issuer's country, and settle decides the VAT"
        case .noCustomerCountry:
            return "the customer has neither tax_rate_pct nor country: give its country (ISO 3166-1 alpha-2), and settle decides the VAT"
        case .noRate(let country, let day):
            return "vat_rates.csv has no standard rate for \(country) in force on \(day): add its row"
        case .sellerWithoutCountry(let seller):
            return "seller \(seller) bills itself through the platform (self_billing = yes) and sellers.csv gives no country: give it, and settle decides the VAT of its self-billed invoice"
        }
    }
}
