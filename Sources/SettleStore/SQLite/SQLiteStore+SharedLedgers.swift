/// The features whose SQL SQLite shares with the other store (`Shared/`), over this connection.
extension SQLiteStore {
    public var providerBills: ProviderBillLedger { ProviderBillLedger(db) }
    public var reconciliation: ReconciliationLedger { ReconciliationLedger(db) }
    public var periods: UsagePeriods { UsagePeriods(db) }
    public var alertLedger: AlertLedger { AlertLedger(db) }
    public var invoiceLedger: InvoiceLedger { InvoiceLedger(db) }
    public var creditLedger: CreditLedger { CreditLedger(db) }
    public var payments: PaymentLedger { PaymentLedger(db) }
    public var journal: JournalLedger { JournalLedger(db) }
    public var issuedTerms: IssuedTermsLedger { IssuedTermsLedger(db) }
    public var audits: AuditLedger { AuditLedger(db) }
    public var pending: PendingWork { PendingWork(db) }
    public var runLedger: RunLedger { RunLedger(db) }
    public var archive: EventArchive { EventArchive(db) }
}
