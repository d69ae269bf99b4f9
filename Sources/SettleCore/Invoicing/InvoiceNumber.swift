/// Invoice numbers (PRODUCT.md, "Billing"): `INV-YYYY-NNNNNN`, credit notes `CN-YYYY-NNNNNN`,
/// gapless within a series and the issue date's year, given in order as documents are issued.
/// The store keeps the last number of each sequence; the rule of what a number looks like and
/// which sequence a document takes is here.
public enum InvoiceNumber {
    /// One gapless run of numbers: a series (the configured prefix) in one year.
    public struct Sequence: Hashable, Sendable {
        public var series: String
        public var year: Int
        public init(series: String, year: Int) {
            self.series = series
            self.year = year
        }
    }

    /// The sequence a document issued on `issueDate` in `series` takes its number from.
    public static func sequence(series: String, issueDate: UTCDay) -> Sequence {
        Sequence(series: series, year: issueDate.date.year)
    }

    /// The number `seq` of a sequence: at least six digits, zero-padded.
    public static func text(_ sequence: Sequence, seq: Int64) -> String {
        let digits = String(seq)
        return "\(sequence.series)-\(sequence.year)-\(String(repeating: "0", count: max(0, 6 - digits.count)))\(digits)"
    }

    /// The series of a document: credit notes have their own; invoices and supplementary
    /// invoices share the invoices'.
    public static func series(of kind: Invoice.Kind, invoicePrefix: String, creditNotePrefix: String) -> String {
        kind == .creditNote ? creditNotePrefix : invoicePrefix
    }
}
