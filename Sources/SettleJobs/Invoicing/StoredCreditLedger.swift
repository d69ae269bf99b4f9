import SettleCore
import SettleFormats
import SettleStore

/// The credit ledger as the store holds it, brought up to a day (`CreditCatchUp`) with
/// credits.csv's entries and those payments make, and the documents issued before the ledger
/// kept entries. Invoicing stores what it caught up with the documents it issues; the journal
/// reads the same without storing it.
enum StoredCreditLedger {
    /// Every account, and the credit earlier documents applied that no entry covered. A row
    /// the ledger cannot take is bad configuration (78) naming the line.
    static func caughtUp(store: any SettleStore, catalog: Catalog, creditsFile: String?, through date: UTCDay) throws
        -> (accounts: [String: CreditAccount], uncovered: ExactDecimal) {
        var accounts = try store.creditLedger.accounts()
        let earlier = try store.creditLedger.earlierDocuments().map { d -> CreditCatchUp.EarlierDocument in
            let inv = try StoredDocuments.read(d.document, number: d.number)
            return CreditCatchUp.EarlierDocument(number: d.number, customerID: d.customerID, issueDate: inv.issueDate,
                                                 periodEnd: inv.period.endDay, creditsApplied: d.creditsApplied)
        }
        // Stripe top-ups, overpayments and refunds of credit are entries as if credits.csv had them.
        let payments = try store.payments.all()
        do {
            let entries = try CreditCatchUp.entries(catalog: catalog.credits, payments: payments)
            let uncovered = try CreditCatchUp.run(&accounts, catalog: entries, earlier: earlier, through: date)
            return (accounts, uncovered)
        } catch {
            // An entry a payment made names no line of credits.csv: the message names the payment.
            guard error.line > 0 else { throw ConfigError(file: "payments (settle ingest payments)", error.message) }
            throw ConfigError(file: creditsFile ?? "credits.csv", line: error.line, key: error.key, error.message)
        }
    }
}
