import SettleCore
import SettleDocuments
import SettleFormats

/// The e-invoices `settle documents` writes beside the PDFs (FINANCE.md, "E-invoices"): for a
/// customer whose `einvoice` is set, `invoices/P/NUMBER.xml` (UBL for `peppol` and
/// `xrechnung`, CII for `cii`), or for `facturx` the PDF itself, a PDF/A-3 carrying its CII;
/// and for a seller with `self_billing = yes`, `payouts/P/SELLER.xml`, the self-billed invoice.
///
/// A document is written from the stored document; who receives it and how (format, Peppol
/// id, e-mail) from the customer's latest version in customers.csv, as an address is where
/// the customer is reached now. So the same stored document and catalog give the same bytes.
struct EInvoiceFiles: Sendable {
    let issuer: EInvoice.Issuer
    let paymentTermsDays: Int
    let customers: CustomerBook

    init(config: SettleConfig, catalog: Catalog) {
        issuer = EInvoice.Issuer(config.invoices)
        paymentTermsDays = config.invoices.paymentTermsDays
        customers = catalog.customers
    }

    /// The customer's e-invoice format and the document in it; nil: the PDF alone.
    func document(for inv: Invoice) -> (format: EInvoiceFormat, document: EInvoice)? {
        guard let customer = customers[inv.customerID]?.versions.last, let format = customer.einvoice else { return nil }
        let recipient = EInvoice.Recipient(email: customer.email, peppolID: customer.peppolID, buyerReference: inv.customerID)
        return (format, EInvoice(inv, format: format, issuer: issuer, recipient: recipient, paymentTermsDays: paymentTermsDays))
    }

    /// The XML of `document` in `format`'s syntax.
    static func xml(_ document: EInvoice, format: EInvoiceFormat) -> String {
        switch format {
        case .peppol, .xrechnung: return UBLDocument.xml(document)
        case .cii, .facturx: return CIIDocument.xml(document)
        }
    }

    /// The Factur-X PDF: `pdf` (the invoice as every customer gets it) with its CII attached.
    static func facturX(pdf: [UInt8], document: EInvoice, issuerName: String) throws -> [UInt8] {
        let kind = document.typeCode == .creditNote ? "Credit note" : "Invoice"
        let metadata = FacturXPDF.Metadata(title: "\(kind) \(document.number)", author: issuerName,
                                           subject: "\(kind) \(document.number) from \(issuerName) to \(document.buyer.name)",
                                           documentNumber: document.number, created: document.issueDate.description)
        return try FacturXPDF.attach(xml: Array(CIIDocument.xml(document).utf8), to: pdf, metadata: metadata)
    }
}
