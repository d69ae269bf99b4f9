import SettleCore
import SettleFormats
import SettleWorkbook

/// The drafts of a run, rendered as they are computed and kept in a temporary file until the
/// period's folder is written after the documents are committed (at a month-end before the
/// periods have ended, nearly every customer is a draft).
final class DraftOutput {
    private let files = SpillFile()
    private let issuer: InvoiceDocument.Issuer
    private(set) var workbook = InvoicesWorkbook()
    private(set) var count = 0

    init(issuer: InvoiceDocument.Issuer) { self.issuer = issuer }

    func add(_ draft: Invoice) {
        files.append(IssueInvoices.draftName(draft))
        files.append(InvoiceDocument.json(draft, issuer: issuer))
        files.append(InvoiceDocument.csv(draft))
        workbook.add(draft)
        count += 1
    }

    /// Each draft's file name (without extension), JSON and CSV, in the order added.
    func forEach(_ body: (String, String, String) throws -> Void) throws {
        var parts: [String] = []
        try files.forEachText { text in
            parts.append(text)
            if parts.count == 3 {
                try body(parts[0], parts[1], parts[2])
                parts.removeAll(keepingCapacity: true)
            }
        }
    }
}
