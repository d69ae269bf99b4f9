/// Which tax identifiers in the catalog are VAT identifiers, and so checked when read
/// (FINANCE.md, "Catalog additions"): the issuer's and each customer's `tax_id`.
///
/// A party in an EU member state or the UK has a VAT identifier with its country's prefix
/// (Greece's is EL, Northern Ireland's XI). A party elsewhere has another kind of number (a US
/// EIN, a Japanese invoice registration number), which settle prints as given. A party with
/// no country is checked when its id starts like a VAT identifier, so a typo there is caught
/// too.
public enum CustomerTaxID {
    /// The VAT prefixes a party in `country` may use; nil when its tax id is not a VAT one.
    public static func vatPrefixes(country: String) -> Set<String>? {
        switch country {
        case "GR": return ["EL", "GR"]
        case "GB": return ["GB", "XI"]
        case _ where TaxRules.memberStates.contains(country): return [country]
        default: return nil
        }
    }

    /// Checks `taxID` of a party in `country` ("" when unknown): nil when it is not a VAT
    /// identifier there, the identifier when it is one, an error saying what is wrong otherwise.
    public static func check(_ taxID: String, country: String) throws(VATIdentifierError) -> VATIdentifier? {
        guard !taxID.isEmpty else { return nil }
        if country.isEmpty {
            let start = String(taxID.uppercased().filter { !$0.isWhitespace }.prefix(2))
            guard VATIdentifier.countries.contains(start) else { return nil }
            return try VATIdentifier(taxID)
        }
        guard let prefixes = vatPrefixes(country: country) else { return nil }
        let id = try VATIdentifier(taxID)
        guard prefixes.contains(id.country) else {
            throw VATIdentifierError(text: taxID, kind: .unknownPrefix,
                                     problem: "the party is in \(country), whose VAT identifiers start with \(prefixes.sorted().joined(separator: " or "))")
        }
        return id
    }
}
