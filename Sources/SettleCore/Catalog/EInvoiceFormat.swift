/// The EN 16931 e-invoice a customer receives beside the PDF (customers.csv `einvoice`,
/// FINANCE.md "E-invoices"); no format: the PDF only.
public enum EInvoiceFormat: String, Sendable, Hashable, CaseIterable {
    /// UBL 2.1, Peppol BIS Billing 3.0: both parties need a Peppol endpoint id.
    case peppol
    /// UBL 2.1, XRechnung 3.0 (Germany's public sector and its businesses).
    case xrechnung
    /// UN/CEFACT Cross Industry Invoice D16B, EN 16931 profile.
    case cii
    /// Factur-X / ZUGFeRD: a PDF/A-3 carrying its CII.
    case facturx

    /// A Peppol participant id as `SCHEME:ID`: a four-digit ICD scheme (0208 a Belgian
    /// enterprise number, 9930 a German VAT number, …) and an identifier of letters, digits and
    /// `-._`, as the Peppol policy for identifiers allows.
    public static func isPeppolID(_ text: String) -> Bool {
        let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].utf8.count == 4, parts[0].utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }),
              !parts[1].isEmpty, parts[1].utf8.count <= 50 else { return false }
        return parts[1].utf8.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) || $0 == 45 || $0 == 46 || $0 == 95 }
    }
}
