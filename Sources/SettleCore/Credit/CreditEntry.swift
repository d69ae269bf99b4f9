/// A movement of a customer's prepaid credit balance that credits.csv records (PRODUCT.md,
/// "Prepaid credit"), or a credit note put on account. `reference` is unique.
public struct CreditEntry: Sendable, Hashable {
    public enum Kind: String, Sendable, CaseIterable {
        /// Prepaid money; its remainder may lapse at `expires`.
        case topup
        /// Money paid back to the customer out of the balance.
        case refund
        /// A signed goodwill or correction entry.
        case adjustment
        /// A credit note's total, credited back to the account.
        case creditNote = "credit_note"
        /// What a payment paid beyond the invoice it matched (FINANCE.md, "Payments and
        /// receivables"): credit on account, used like a top-up.
        case overpayment
    }

    public var reference: String
    public var customerID: String
    public var kind: Kind
    public var date: UTCDay
    /// The change to the balance: positive for a top-up, overpayment or credit note, negative for a refund,
    /// either for an adjustment.
    public var amount: ExactDecimal
    /// The day at whose 00:00 UTC the unused remainder lapses; nil: never.
    public var expires: UTCDay?
    /// The line of credits.csv, for messages; 0 for entries settle makes.
    public var line: Int

    public init(reference: String, customerID: String, kind: Kind = .topup, date: UTCDay, amount: ExactDecimal, expires: UTCDay? = nil,
                line: Int = 0) {
        self.reference = reference
        self.customerID = customerID
        self.kind = kind
        self.date = date
        self.amount = amount
        self.expires = expires
        self.line = line
    }

    /// Adds to the balance (and can be used by invoices) rather than taking from it.
    public var adds: Bool { amount > .zero }

    /// Whether `other` records the same movement (what credits.csv may not change once the
    /// ledger holds it). The line is not part of it: rows may be reordered.
    public func sameMovement(as other: CreditEntry) -> Bool {
        customerID == other.customerID && kind == other.kind && date == other.date && amount == other.amount && expires == other.expires
    }

    /// The entry a numbered credit note puts on account: its total, back to the customer's
    /// balance from its issue date.
    public static func creditBack(of note: Invoice) -> CreditEntry? {
        guard note.kind == .creditNote, let number = note.number, note.total < .zero else { return nil }
        return CreditEntry(reference: number, customerID: note.customerID, kind: .creditNote, date: note.issueDate, amount: -note.total)
    }
}

extension CreditEntry {
    /// What a credit note's entry (`creditBack`) settles of the invoice it corrects, where
    /// `open` is still to collect of it: as much as is open, at most the note's credit. The
    /// rest stays on account (FINANCE.md, "Payments and receivables": status `credited`).
    public static func settlement(by note: CreditEntry, open: ExactDecimal) -> ExactDecimal {
        max(min(open, note.amount), .zero)
    }
}

/// Credit taken from an entry: applied by a document, paid out by a refund, removed by a
/// negative adjustment, or lapsed at the entry's expiry.
public struct CreditUse: Sendable, Hashable {
    public enum Kind: String, Sendable, CaseIterable {
        case applied, refund, adjustment, expired
        /// A credit note's credit applied to the open invoice it corrects, when it is issued.
        case settled
    }

    public var customerID: String
    /// The entry the credit came from.
    public var entryReference: String
    public var kind: Kind
    public var day: UTCDay
    /// Positive: what was taken.
    public var amount: ExactDecimal
    /// The document number (applied), the invoice a credit note settled (settled), the
    /// refund's or adjustment's reference, or "" (expired, and a document's use before it is
    /// numbered).
    public var source: String

    public init(customerID: String, entryReference: String, kind: Kind, day: UTCDay, amount: ExactDecimal, source: String) {
        self.customerID = customerID
        self.entryReference = entryReference
        self.kind = kind
        self.day = day
        self.amount = amount
        self.source = source
    }
}

/// A credits.csv row the ledger cannot take; the job reports it as bad configuration (78)
/// naming the line.
public struct CreditError: Error, Sendable, CustomStringConvertible {
    public var line: Int
    public var key: String
    public var message: String

    public init(line: Int, key: String, _ message: String) {
        self.line = line
        self.key = key
        self.message = message
    }

    public var description: String { message }
}
