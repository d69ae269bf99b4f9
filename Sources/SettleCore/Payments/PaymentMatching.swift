/// Which invoice a payment pays (FINANCE.md, "Payments and receivables"), in this order:
/// 1. the structured creditor reference it quotes (a field of its own, or an `RF…` in its texts
///    whose check digits hold);
/// 2. an invoice number found in its texts (remittance, description, metadata), in any case;
/// 3. where it names its customer, that customer's one open invoice of exactly its amount;
/// else it is unmatched, saying why. A payment in another currency than the invoice it names
/// is unmatched with that reason. What exceeds the invoice's open amount is an overpayment,
/// credit on account; less leaves the rest open.
public struct PaymentMatching: Sendable {
    /// An invoice that can still be paid: its open amount and what identifies it.
    public struct OpenInvoice: Sendable, Hashable {
        public var number: String
        public var customerID: String
        public var currency: String
        public var open: ExactDecimal
        public init(number: String, customerID: String, currency: String, open: ExactDecimal) {
            self.number = number
            self.customerID = customerID
            self.currency = currency
            self.open = open
        }
        public var reference: String? { CreditorReference.of(invoiceNumber: number) }
    }

    public enum Rule: String, Sendable, Hashable { case reference, invoiceNumber = "invoice_number", customerAmount = "customer_amount" }

    public enum Outcome: Sendable, Hashable {
        /// `applied` goes to the invoice; `overpaid` (the rest) becomes credit on account.
        case matched(invoice: String, rule: Rule, applied: ExactDecimal, overpaid: ExactDecimal)
        case unmatched(String)
    }

    /// Every issued invoice, settled ones included (a payment that names a paid invoice is
    /// matched to it, and all of it is then credit on account), by its number in upper case.
    private var byNumber: [String: OpenInvoice]
    private let byReference: [String: String]
    private let byCustomer: [String: [String]]

    public init(_ invoices: [OpenInvoice]) {
        byNumber = Dictionary(invoices.map { ($0.number.uppercased(), $0) }, uniquingKeysWith: { a, _ in a })
        byReference = Dictionary(invoices.compactMap { i in i.reference.map { ($0, i.number.uppercased()) } }, uniquingKeysWith: { a, _ in a })
        byCustomer = Dictionary(grouping: invoices, by: \.customerID).mapValues { $0.map { $0.number.uppercased() } }
    }

    /// The invoice numbered `number`, with what is open of it now.
    public func invoice(_ number: String) -> OpenInvoice? { byNumber[number.uppercased()] }

    /// Changes what is open of `number`: less after a payment, more after a refund reopens it.
    /// The next payments are matched against what is open then.
    public mutating func change(_ number: String, openBy delta: ExactDecimal) {
        byNumber[number.uppercased()]?.open += delta
    }

    /// `customer`: the customer the payment names (its metadata, or its Stripe customer as
    /// customers.csv maps it), if any.
    public func match(_ p: Payment, customer: String?) -> Outcome {
        if let number = byReference[(p.reference ?? "").compact] ?? p.texts.lazy.compactMap(referenceIn).first.flatMap({ byReference[$0] }),
           let inv = byNumber[number] {
            return settle(p, inv, .reference)
        }
        // An invoice number is a word of the text (letters, digits, `-`, `_`, `/`, `.`): looked
        // up whole, so INV-2026-000013 is never read as INV-2026-000001.
        for text in p.texts {
            for word in text.uppercased().split(whereSeparator: { !($0.isLetter || $0.isNumber || "-_/.".contains($0)) }) {
                let trimmed = word.drop { $0 == "." }.reversed().drop { $0 == "." }.reversed()
                if let inv = byNumber[String(trimmed)] { return settle(p, inv, .invoiceNumber) }
            }
        }
        guard let customer else { return .unmatched("names no invoice (no creditor reference or invoice number in its remittance) and no customer") }
        let candidates = (byCustomer[customer] ?? []).compactMap { byNumber[$0] }.filter { $0.open == p.amount && $0.currency == p.currency }
        guard candidates.count == 1, let inv = candidates.first else {
            return .unmatched(candidates.isEmpty
                ? "names no invoice, and \(customer) has no open invoice of exactly \(p.amount.normalized) \(p.currency)"
                : "names no invoice, and \(customer) has \(candidates.count) open invoices of exactly \(p.amount.normalized) \(p.currency)")
        }
        return settle(p, inv, .customerAmount)
    }

    func settle(_ p: Payment, _ inv: OpenInvoice, _ rule: Rule) -> Outcome {
        guard p.currency == inv.currency else {
            return .unmatched("in \(p.currency), and \(inv.number) is in \(inv.currency)")
        }
        let applied = min(p.amount, max(inv.open, .zero))
        return .matched(invoice: inv.number, rule: rule, applied: applied, overpaid: p.amount - applied)
    }

    /// The first `RF…` in a text whose check digits hold, compacted (`RF42 2026 0000 01` →
    /// `RF422026000001`).
    func referenceIn(_ text: String) -> String? {
        let upper = Array(text.uppercased())
        for start in upper.indices where start + 1 < upper.count && upper[start] == "R" && upper[start + 1] == "F" {
            var candidate = ""
            for c in upper[start...] {
                guard c == " " || (c.isASCII && (c.isLetter || c.isNumber)) else { break }
                if c != " " { candidate.append(c) }
                if candidate.count == 25 { break }
            }
            // The longest prefix whose check digits hold and that names an open invoice.
            var n = candidate.count
            while n >= 5 {
                let prefix = String(candidate.prefix(n))
                if byReference[prefix] != nil, CreditorReference.isValid(prefix) { return prefix }
                n -= 1
            }
        }
        return nil
    }
}

extension String {
    fileprivate var compact: String { filter { $0 != " " }.uppercased() }
}
