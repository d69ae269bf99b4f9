import SettleCore

/// The prepaid credit ledger, the same SQL on both stores: every entry with its remainder
/// (`credit_entries`) and every use of credit (`credit_uses`). The rules are `CreditAccount`'s;
/// this keeps what they decided, written in the same transaction as the documents it concerns
/// (`InvoiceLedger.issue`).
public final class CreditLedger {
    let sql: any SQLExecutor

    init(_ sql: any SQLExecutor) { self.sql = sql }

    /// Every customer's account as stored.
    public func accounts() throws -> [String: CreditAccount] {
        var held: [String: [CreditAccount.Held]] = [:]
        for r in try sql.fetch("SELECT reference, customer_id, kind, day, expires, amount, remaining FROM credit_entries", []) {
            let entry = try Self.entry(r)
            held[entry.customerID, default: []].append(CreditAccount.Held(entry: entry, remaining: try r.money(6, "credit_entries.remaining")))
        }
        return held.mapValues { CreditAccount(customerID: $0[0].entry.customerID, held: $0) }
    }

    static func entry(_ r: [String?]) throws -> CreditEntry {
        guard let kind = CreditEntry.Kind(rawValue: r.text(2)) else { throw StoreError.unreadable("credit_entries.kind", r[2]) }
        let amount = try r.money(5, "credit_entries.amount")
        return CreditEntry(reference: r.text(0), customerID: r.text(1), kind: kind, date: try r.day(3, "credit_entries.day"),
                           amount: amount, expires: r[4].flatMap { UTCDay($0) })
    }

    public func entries() throws -> [CreditEntry] {
        try sql.fetch("SELECT reference, customer_id, kind, day, expires, amount, remaining FROM credit_entries", []).map(Self.entry)
    }

    public func uses() throws -> [CreditUse] {
        try sql.fetch("SELECT customer_id, entry_reference, kind, day, amount, source FROM credit_uses", []).map { r in
            guard let kind = CreditUse.Kind(rawValue: r.text(2)) else { throw StoreError.unreadable("credit_uses.kind", r[2]) }
            return CreditUse(customerID: r.text(0), entryReference: r.text(1), kind: kind, day: try r.day(3, "credit_uses.day"),
                             amount: try r.money(4, "credit_uses.amount"), source: r.text(5))
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

    public func earlierDocuments() throws -> [EarlierDocument] {
        try sql.fetch("""
            SELECT number, customer_id, credits_applied, document FROM invoices
            WHERE credit_recorded = 0 AND CAST(credits_applied AS NUMERIC) > 0
            """, []).compactMap { r in
            guard let credits = try r.decimal(2, "invoices.credits_applied"), credits > .zero else { return nil }
            return EarlierDocument(number: r.text(0), customerID: r.text(1), creditsApplied: credits, document: r.text(3))
        }
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
        for e in creditNotes { try put(e, remaining: e.amount) }
        try entries.flush()
        try uses.flush()
        try sql.perform("UPDATE invoices SET credit_recorded = 1 WHERE credit_recorded = 0", [])
    }

    static func row(_ u: CreditUse, runID: String) -> [SQLParam] {
        [.text(u.customerID), .text(u.entryReference), .text(u.kind.rawValue), .text(u.day.description), .decimal(u.amount),
         .text(u.source), .text(runID)]
    }
}
