/// One customer's prepaid credit as the ledger holds it: every entry with its remainder.
///
/// The rules of PRODUCT.md's "Prepaid credit": documents consume credit in the order they are
/// issued, whatever their periods; a document can use entries dated before its period's end and
/// not expired on its issue date, oldest expiry first (no expiry last), then oldest date; a
/// refund or negative adjustment takes from the balance on its date and is refused beyond it;
/// an expired remainder lapses. Each remainder is stored, so no credit is used twice.
public struct CreditAccount: Sendable {
    public struct Held: Sendable, Hashable {
        public var entry: CreditEntry
        public var remaining: ExactDecimal
        public init(entry: CreditEntry, remaining: ExactDecimal) {
            self.entry = entry
            self.remaining = remaining
        }
    }

    public let customerID: String
    public private(set) var held: [String: Held] = [:]
    /// What changed since the account was loaded, for the store to write: entries recorded,
    /// credit taken other than by documents being issued, and the references whose remainder
    /// changed.
    public private(set) var recorded: [CreditEntry] = []
    public private(set) var uses: [CreditUse] = []
    public private(set) var changedRemainders: Set<String> = []

    public init(customerID: String, held: [Held] = []) {
        self.customerID = customerID
        for h in held { self.held[h.entry.reference] = h }
    }

    /// The balance: what every entry has left.
    public var balance: ExactDecimal { held.values.reduce(.zero) { $0 + $1.remaining } }

    /// Entries that can still give credit on `day` to something dated by `cutoff` (exclusive),
    /// in the order they are used: for documents, oldest expiry first (no expiry last), then
    /// oldest date; for a refund, money that does not expire first, then the latest expiry, so
    /// that a refund pays back what the customer paid, not a promotion about to lapse.
    func usable(on day: UTCDay, before cutoff: UTCDay, refund: Bool = false) -> [Held] {
        held.values.filter { h in
            h.remaining > .zero && h.entry.date < cutoff && (h.entry.expires.map { $0 > day } ?? true)
        }.sorted { a, b in
            let ea = a.entry.expires?.ordinal ?? Int.max, eb = b.entry.expires?.ordinal ?? Int.max
            if ea != eb { return refund ? ea > eb : ea < eb }
            if a.entry.date != b.entry.date { return a.entry.date < b.entry.date }
            return a.entry.reference < b.entry.reference
        }
    }

    /// What a document issued on `day` for a period ending `periodEnd` (exclusive) could use.
    public func available(periodEnd: UTCDay, on day: UTCDay) -> ExactDecimal {
        usable(on: day, before: periodEnd).reduce(.zero) { $0 + $1.remaining }
    }

    /// Takes up to `amount` from the usable entries, in order; returns what was taken (the
    /// caller keeps the uses: a document's are stored with it once it has a number).
    private mutating func take(_ amount: ExactDecimal, kind: CreditUse.Kind, on day: UTCDay, before cutoff: UTCDay,
                               source: String) -> [CreditUse] {
        var left = amount
        var out: [CreditUse] = []
        for h in usable(on: day, before: cutoff, refund: kind == .refund) where left > .zero {
            let part = min(left, h.remaining)
            held[h.entry.reference]?.remaining -= part
            changedRemainders.insert(h.entry.reference)
            left -= part
            out.append(CreditUse(customerID: customerID, entryReference: h.entry.reference, kind: kind, day: day, amount: part, source: source))
        }
        return out
    }

    /// Applies credit to a document being issued (item 6 of the invoice): an invoice or a
    /// supplementary invoice uses min(available, total); a credit note is put on account whole
    /// (its `creditsApplied` is its negative total, nothing is due, and the store records it as
    /// an entry once numbered: `CreditEntry.creditBack`). The uses' `source` is filled in
    /// when the document is numbered.
    @discardableResult
    public mutating func apply(to doc: inout Invoice) -> [CreditUse] {
        if doc.kind == .creditNote {
            doc.creditsApplied = doc.total
            doc.amountDue = .zero
            return []
        }
        guard doc.total > .zero else {
            doc.creditsApplied = .zero
            doc.amountDue = doc.total
            return []
        }
        let want = min(available(periodEnd: doc.period.endDay, on: doc.issueDate), doc.total)
        let taken = take(want, kind: .applied, on: doc.issueDate, before: doc.period.endDay, source: "")
        doc.creditsApplied = taken.reduce(.zero) { $0 + $1.amount }
        doc.amountDue = doc.total - doc.creditsApplied
        return taken
    }

    /// What an already issued document applied, from before the ledger kept entries: taken again
    /// by the same rule, on its issue date, so that the ledger starts where the documents left
    /// it. Returns the part no entry could cover (credits.csv no longer holds it).
    public mutating func replay(number: String, credits: ExactDecimal, periodEnd: UTCDay, issued day: UTCDay) -> ExactDecimal {
        let taken = take(credits, kind: .applied, on: day, before: periodEnd, source: number)
        uses += taken
        return credits - taken.reduce(.zero) { $0 + $1.amount }
    }

    /// Records an entry the ledger does not hold yet. A top-up or positive adjustment adds to
    /// the balance; a refund or negative adjustment takes from entries dated by its date that
    /// have not expired, and is refused when the balance then is smaller.
    public mutating func record(_ e: CreditEntry) throws(CreditError) {
        precondition(e.customerID == customerID && held[e.reference] == nil)
        if e.adds {
            held[e.reference] = Held(entry: e, remaining: e.amount)
        } else {
            let cutoff = e.date.adding(days: 1)
            let balance = usable(on: e.date, before: cutoff).reduce(ExactDecimal.zero) { $0 + $1.remaining }
            // A refund a payment made (line 0: Stripe paid back an overpayment or a top-up whose
            // credit invoices have used since) happened, whatever the balance: what the balance
            // cannot cover stays on the entry as a negative remainder, money the customer owes,
            // and the statement's closing balance shows it.
            if e.kind == .refund && e.line == 0 && balance < -e.amount {
                uses += take(balance, kind: .refund, on: e.date, before: cutoff, source: e.reference)
                held[e.reference] = Held(entry: e, remaining: e.amount + balance)
                recorded.append(e)
                changedRemainders.insert(e.reference)
                return
            }
            guard balance >= -e.amount else {
                throw CreditError(line: e.line, key: "amount",
                    "\(e.kind == .refund ? "refund" : "adjustment") \(e.reference) of \((-e.amount).formatted(places: 2)) for \(customerID) on \(e.date) is more than the balance then (\(balance.formatted(places: 2)) after the credit already used); a customer cannot be refunded more than they hold")
            }
            uses += take(-e.amount, kind: e.kind == .refund ? .refund : .adjustment, on: e.date, before: cutoff, source: e.reference)
            held[e.reference] = Held(entry: e, remaining: .zero)
        }
        recorded.append(e)
        changedRemainders.insert(e.reference)
    }

    /// Lapses the remainder of every entry that expires by `day` (at 00:00 UTC of its date).
    public mutating func lapse(through day: UTCDay) {
        for h in held.values.sorted(by: { $0.entry.reference < $1.entry.reference }) {
            guard let expires = h.entry.expires, expires <= day, h.remaining > .zero else { continue }
            held[h.entry.reference]?.remaining = .zero
            changedRemainders.insert(h.entry.reference)
            uses.append(CreditUse(customerID: customerID, entryReference: h.entry.reference, kind: .expired, day: expires,
                                  amount: h.remaining, source: ""))
        }
    }
}
