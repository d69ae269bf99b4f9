/// Who issues the documents (`[invoices] issuer`): printed on every invoice, credit note and
/// statement, in their JSON and their PDF.
public struct InvoiceIssuer: Sendable {
    public var name: String
    public var address: String
    public var taxID: String
    public init(name: String, address: String, taxID: String) {
        self.name = name
        self.address = address
        self.taxID = taxID
    }
}
