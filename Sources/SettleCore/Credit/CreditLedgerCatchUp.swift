/// Brings customers' credit accounts up to a day from credits.csv: the one order in which the
/// ledger meets what the catalog says.
public enum CreditCatchUp {
    /// A document issued before the ledger kept entries, with the credit it applied.
    public struct EarlierDocument: Sendable {
        public var number: String
        public var customerID: String
        public var issueDate: UTCDay
        public var periodEnd: UTCDay
        public var creditsApplied: ExactDecimal
        public init(number: String, customerID: String, issueDate: UTCDay, periodEnd: UTCDay, creditsApplied: ExactDecimal) {
            self.number = number
            self.customerID = customerID
            self.issueDate = issueDate
            self.periodEnd = periodEnd
            self.creditsApplied = creditsApplied
        }
    }

    /// Records every catalog entry dated by `day` that the accounts do not hold, day by day:
    /// on each day, first what expires, then additions, then deductions, then the earlier
    /// documents' applications (`earlier`); last, what expires by `day`. An entry the ledger
    /// holds with other figures is refused: a recorded movement never changes (add an
    /// adjustment instead). Returns the credit of earlier documents that no entry covered.
    public static func run(_ accounts: inout [String: CreditAccount], catalog: [CreditEntry], earlier: [EarlierDocument] = [],
                           through day: UTCDay) throws(CreditError) -> ExactDecimal {
        enum Event { case entry(CreditEntry), document(EarlierDocument) }
        var events: [(day: UTCDay, order: Int, key: String, event: Event)] = []
        // References are unique across customers and credit notes, as the store keeps them.
        var everyEntry: [String: CreditEntry] = [:]
        for account in accounts.values { for h in account.held.values { everyEntry[h.entry.reference] = h.entry } }
        for e in catalog {
            if let other = everyEntry[e.reference], other.kind == .creditNote || other.customerID != e.customerID {
                throw CreditError(line: e.line, key: "reference",
                    "\(e.reference) is already the reference of \(other.kind == .creditNote ? "credit note \(other.reference)" : "an entry of \(other.customerID)") in the ledger; give this row a reference of its own")
            }
            if let held = accounts[e.customerID]?.held[e.reference] {
                guard held.entry.sameMovement(as: e) else {
                    let was = held.entry
                    throw CreditError(line: e.line, key: "reference",
                        "\(e.reference) was recorded as a \(was.kind.rawValue) of \(was.amount.formatted(places: 2)) for \(was.customerID) on \(was.date)\(was.expires.map { ", expiring \($0)" } ?? ""), and a recorded credit entry never changes; put the row back as it was and add an adjustment row instead")
                }
                continue
            }
            guard e.date <= day else { continue }
            events.append((e.date, e.adds ? 0 : 1, e.reference, .entry(e)))
        }
        for d in earlier { events.append((d.issueDate, 2, d.number, .document(d))) }
        events.sort { ($0.day, $0.order, $0.key) < ($1.day, $1.order, $1.key) }
        var uncovered = ExactDecimal.zero
        for (on, _, _, event) in events {
            switch event {
            case .entry(let e):
                var account = accounts[e.customerID] ?? CreditAccount(customerID: e.customerID)
                account.lapse(through: on)
                try account.record(e)
                accounts[e.customerID] = account
            case .document(let d):
                var account = accounts[d.customerID] ?? CreditAccount(customerID: d.customerID)
                account.lapse(through: on)
                uncovered += account.replay(number: d.number, credits: d.creditsApplied, periodEnd: d.periodEnd, issued: d.issueDate)
                accounts[d.customerID] = account
            }
        }
        for id in accounts.keys.sorted() { accounts[id]?.lapse(through: day) }
        return uncovered
    }
}

extension CreditCatchUp {
    /// credits.csv's entries and those payments make (Stripe top-ups, overpayments, refunds of
    /// credit: `PostedPayment.creditEntry`), as one list the ledger takes in alike. A row of
    /// credits.csv that records the same movement as a payment (a top-up typed in by hand
    /// before settle read the payments export) is kept once; one that gives a payment's id to
    /// another movement is refused, naming the line.
    public static func entries(catalog: [CreditEntry], payments: [PostedPayment]) throws(CreditError) -> [CreditEntry] {
        let byReference = Dictionary(catalog.map { ($0.reference, $0) }, uniquingKeysWith: { a, _ in a })
        var out = catalog
        for p in payments {
            guard let e = p.creditEntry else { continue }
            if let row = byReference[e.reference] {
                guard row.sameMovement(as: e) else {
                    throw CreditError(line: row.line, key: "reference",
                        "\(e.reference) is also the id of a \(p.payment.source.rawValue) payment that put a \(e.kind.rawValue) of \(e.amount.formatted(places: 2)) on \(e.customerID)'s credit on \(e.date); remove the row (the payment is taken in from its file) or give it another reference")
                }
                continue
            }
            out.append(e)
        }
        return out
    }
}
