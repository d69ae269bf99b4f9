/// Who issues the documents (`[invoices] issuer`): printed on every invoice, credit note and
/// statement, in their JSON and their PDF.
public struct InvoiceIssuer: Sendable {
    public var name: String
    public var address: String
    public var taxID: String
    /// The legal registration number and the account customers pay to (FINANCE.md, "Catalog
    /// additions": printed as the payment means); "" when not configured.
    public var companyID: String
    public var iban: String
    public var bic: String
    public init(name: String, address: String, taxID: String, companyID: String = "", iban: String = "", bic: String = "") {
        self.name = name
        self.address = address
        self.taxID = taxID
        self.companyID = companyID
        self.iban = iban
        self.bic = bic
    }
}
