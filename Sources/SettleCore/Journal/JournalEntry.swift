/// One balanced journal entry (FINANCE.md, "The journal"): its lines' debits equal their
/// credits in the accounting currency, to the cent. `source` names the event it books
/// (`invoice:INV-2026-000001`, `payment:ch_…`), so that no event is booked twice and a rerun
/// books the same.
public struct JournalEntry: Sendable, Hashable {
    public var source: String
    public var date: UTCDay
    public var memo: String
    public var lines: [JournalLine]

    public init(source: String, date: UTCDay, memo: String, lines: [JournalLine]) {
        self.source = source
        self.date = date
        self.memo = memo
        self.lines = lines
    }

    public var debits: ExactDecimal { lines.reduce(.zero) { $0 + $1.debit } }
    public var credits: ExactDecimal { lines.reduce(.zero) { $0 + $1.credit } }
    public var isBalanced: Bool { debits == credits }
}

public struct JournalLine: Sendable, Hashable {
    public var account: JournalAccount
    /// In the accounting currency; one of the two is zero, neither is negative.
    public var debit: ExactDecimal
    public var credit: ExactDecimal
    public var document: String
    public var customerID: String
    public var seller: String
    /// A line of a document (or payment) in another currency: its own amount, signed as the
    /// line (debit positive), its currency and the rate it was booked at.
    public var original: Original?

    public struct Original: Sendable, Hashable {
        public var currency: String
        public var amount: ExactDecimal
        public var rate: String
        public init(currency: String, amount: ExactDecimal, rate: String) {
            self.currency = currency
            self.amount = amount
            self.rate = rate
        }
    }

    public init(account: JournalAccount, debit: ExactDecimal = .zero, credit: ExactDecimal = .zero, document: String = "", customerID: String = "",
                seller: String = "", original: Original? = nil) {
        self.account = account
        self.debit = debit
        self.credit = credit
        self.document = document
        self.customerID = customerID
        self.seller = seller
        self.original = original
    }

    /// A line for a signed amount: positive is a debit, negative a credit of its absolute value.
    public static func signed(_ account: JournalAccount, _ amount: ExactDecimal, document: String = "", customerID: String = "",
                              seller: String = "", original: Original? = nil) -> JournalLine {
        amount >= .zero
            ? JournalLine(account: account, debit: amount, document: document, customerID: customerID, seller: seller, original: original)
            : JournalLine(account: account, credit: -amount, document: document, customerID: customerID, seller: seller, original: original)
    }

    /// Debit minus credit.
    public var balance: ExactDecimal { debit - credit }
}
