import SettleCore
import SettleFormats
import SettleStore

/// Issued documents read back from the store, strictly (`InvoiceDocument.read`): one that does
/// not read stops the job with a store error naming table, row and column. Skipping it would
/// compare `--adjust` with fewer documents and leave it out of index.csv, the sums and the
/// payouts.
enum StoredDocuments {
    static func read(_ document: String, number: String) throws -> Invoice {
        do {
            return try InvoiceDocument.read(document)
        } catch {
            throw StoreError("the issued document in invoices row \(number), column document, cannot be read back (\(error)): was the database edited by hand, or written by a newer settle? Restore the row from a backup; settle never rewrites an issued document")
        }
    }

    static func read(_ stored: InvoiceLedger.StoredDocument) throws -> Invoice { try read(stored.document, number: stored.number) }
}
