/// A marketplace seller as sellers.csv describes it (FINANCE.md, "Catalog additions"): who is
/// paid out, where it is established, and whether the platform issues the seller's invoice on
/// its behalf (self-billing, an invoice of type 389 from the seller to the platform).
public struct Seller: Sendable, Hashable {
    public var id: String
    public var name: String
    public var address: String
    /// ISO 3166-1 alpha-2, "" when not given.
    public var country: String
    public var taxID: String
    /// ISO 4217; nil: settle.toml's `currency`.
    public var currency: String?
    public var selfBilling: Bool

    public init(id: String, name: String, address: String = "", country: String = "", taxID: String = "", currency: String? = nil,
                selfBilling: Bool = false) {
        self.id = id
        self.name = name
        self.address = address
        self.country = country
        self.taxID = taxID
        self.currency = currency
        self.selfBilling = selfBilling
    }
}
