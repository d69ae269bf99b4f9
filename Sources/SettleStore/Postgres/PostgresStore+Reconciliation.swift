import SettleCore

/// Provider reports and reconciliation cells in PostgreSQL: the SQL is shared (`ReportLedger`).
extension PostgresStore {
    public var periods: UsagePeriods { UsagePeriods(db) }
    public var alertLedger: AlertLedger { AlertLedger(db) }
    public var invoiceLedger: InvoiceLedger { InvoiceLedger(db) }
    var reports: ReportLedger { ReportLedger(db) }

    public func beginBillLoad(runID: String, path: String, format: String) throws -> BillLoad {
        try SharedBillLoad(sql: db, runID: runID, path: path, format: format)
    }

    public func billLines(from: UTCDay, to: UTCDay) throws -> [StoredBillLine] { try reports.billLines(from: from, to: to) }

    public func billedProviders() throws -> [String] { try reports.billedProviders() }

    public func gatewayTotals(from: UTCDay, to: UTCDay) throws -> [GatewayTotal] { try reports.gatewayTotals(from: from, to: to) }

    public func replaceReconciliation(from: UTCDay, to: UTCDay, cells: [ReconciliationCell], runID: String) throws {
        try reports.replaceReconciliation(from: from, to: to, cells: cells, runID: runID)
    }

    public func reconciliationCells(from: UTCDay, to: UTCDay) throws -> [ReconciliationCell] {
        try reports.reconciliationCells(from: from, to: to)
    }
}
