import SettleCore

/// The prepaid credit ledger, the same SQL on both stores: every entry with its remainder
/// (`credit_entries`) and every use of credit (`credit_uses`). The rules are `CreditAccount`'s;
/// this keeps what they decided, written in the same transaction as the documents it concerns
/// (`InvoiceLedger.issue`).
public final class CreditLedger {
    let sql: any SQLExecutor

    init(_ sql: any SQLExecutor) { self.sql = sql }

    /// An entry's columns (`entry`), and with its remainder (`accounts`).
    static let entryNames = ["reference", "customer_id", "kind", "day", "expires", "amount"]
    static let entryColumns = StoredColumns("credit_entries", entryNames)
    static let heldColumns = StoredColumns("credit_entries", entryNames + ["remaining"])

    /// Every customer's account as stored.
    public func accounts() throws -> [String: CreditAccount] {
        var held: [String: [CreditAccount.Held]] = [:]
        try sql.eachRow(Self.heldColumns, "FROM credit_entries") { row in
            let entry = try Self.entry(&row)
            let remaining = try row.money()
            held[entry.customerID, default: []].append(CreditAccount.Held(entry: entry, remaining: remaining))
        }
        return held.mapValues { CreditAccount(customerID: $0[0].entry.customerID, held: $0) }
    }

    /// The `entryNames` columns of a row; an entry that never expires has no `expires` (NULL).
    static func entry(_ row: inout StoredRow) throws -> CreditEntry {
        let reference = try row.text()
        let customerID = try row.text()
        let kind = try row.value(CreditEntry.Kind.self)
        let day = try row.day()
        let expires = try row.optionalDay()
        let amount = try row.money()
        return CreditEntry(reference: reference, customerID: customerID, kind: kind, date: day, amount: amount, expires: expires)
    }

    public func entries() throws -> [CreditEntry] {
        try sql.rows(Self.entryColumns, "FROM credit_entries") { row in try Self.entry(&row) }
    }

    static let useColumns = StoredColumns("credit_uses", ["customer_id", "entry_reference", "kind", "day", "amount", "source"])

    public func uses() throws -> [CreditUse] {
        try sql.rows(Self.useColumns, "FROM credit_uses") { row -> CreditUse in
            let customerID = try row.text()
            let entryReference = try row.text()
            let kind = try row.value(CreditUse.Kind.self)
            let day = try row.day()
            let amount = try row.money()
            let source = try row.text()
            return CreditUse(customerID: customerID, entryReference: entryReference, kind: kind, day: day, amount: amount, source: source)
        }
    }

    /// A document issued before the ledger kept entries, that applied credit: the ledger
    /// replays it once (`CreditCatchUp`), then it is marked recorded.
    public struct EarlierDocument: Sendable {
        public var number: String
        public var customerID: String
        public var creditsApplied: ExactDecimal
        /// The stored JSON, for its issue date and period.
        public var document: String
    }

    static let earlierColumns = StoredColumns("invoices", ["number", "customer_id", "credits_applied", "document"])

    public func earlierDocuments() throws -> [EarlierDocument] {
        try sql.rows(Self.earlierColumns, "FROM invoices WHERE credit_recorded = 0 AND CAST(credits_applied AS NUMERIC) > 0") { row -> EarlierDocument? in
            let number = try row.text()
            let customerID = try row.text()
            guard let credits = try row.decimal(), credits > .zero else { return nil }
            let document = try row.text()
            return EarlierDocument(number: number, customerID: customerID, creditsApplied: credits, document: document)
        }.compactMap { $0 }
    }

    /// Writes what the accounts changed, and the uses of the documents just numbered; inside
    /// the caller's transaction.
    func write(_ accounts: [CreditAccount], documentUses: [CreditUse], creditNotes: [CreditEntry], runID: String) throws {
        let entries = sql.rowSink(into: "credit_entries", columns: ["reference", "customer_id", "kind", "day", "expires", "amount", "remaining",
                                                                    "run_id"])
        let uses = sql.rowSink(into: "credit_uses", columns: ["customer_id", "entry_reference", "kind", "day", "amount", "source", "run_id"])
        func put(_ e: CreditEntry, remaining: ExactDecimal) throws {
            try entries.append([.text(e.reference), .text(e.customerID), .text(e.kind.rawValue), .text(e.date.description),
                                .optional(e.expires?.description), .decimal(e.amount), .decimal(remaining), .text(runID)])
        }
        for a in accounts {
            let new = Set(a.recorded.map(\.reference))
            for e in a.recorded { try put(e, remaining: a.held[e.reference]?.remaining ?? .zero) }
            for ref in a.changedRemainders.sorted() where !new.contains(ref) {
                try sql.perform("UPDATE credit_entries SET remaining = ? WHERE reference = ?",
                                [.decimal(a.held[ref]?.remaining ?? .zero), .text(ref)])
            }
            for u in a.uses { try uses.append(Self.row(u, runID: runID)) }
        }
        for u in documentUses { try uses.append(Self.row(u, runID: runID)) }
        // A credit note's remainder: what it did not settle of the invoice it corrects.
        var settled: [String: ExactDecimal] = [:]
        for u in documentUses where u.kind == .settled { settled[u.entryReference, default: .zero] += u.amount }
        for e in creditNotes { try put(e, remaining: e.amount - (settled[e.reference] ?? .zero)) }
        try entries.flush()
        try uses.flush()
        try sql.perform("UPDATE invoices SET credit_recorded = 1 WHERE credit_recorded = 0", [])
    }

    static func row(_ u: CreditUse, runID: String) -> [SQLParam] {
        [.text(u.customerID), .text(u.entryReference), .text(u.kind.rawValue), .text(u.day.description), .decimal(u.amount),
         .text(u.source), .text(runID)]
    }
}
