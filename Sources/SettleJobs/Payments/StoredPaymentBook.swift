import SettleCore
import SettleFormats
import SettleStore

/// The payment book as the store holds it now (`PaymentBook`): every issued invoice, what
/// credit notes settled of it, and the payments already posted. Both ways payments are posted
/// start here: a payment file taken in, and the unmatched payments tried again against the
/// invoices issued since.
struct StoredPaymentBook {
    var book: PaymentBook
    /// Payments stored but not matched, oldest first.
    var unmatched: [PostedPayment]
    let catalog: Catalog

    init(_ ledger: PaymentLedger, catalog: Catalog, base: String) throws {
        let stored = try ledger.all()
        let invoices = try ledger.receivables(base: base)
        var currencies: [String: String] = [:]
        for id in catalog.customers.ids { currencies[id] = catalog.customers[id]?.current.currency ?? base }
        book = PaymentBook(invoices: ReceivableBook.openBeforePayments(invoices, settlements: try ledger.settlements()),
                           earlier: stored.filter(\.posting.isPosted), currencyOf: { [currencies] in currencies[$0] })
        unmatched = stored.filter { !$0.posting.isPosted }
        self.catalog = catalog
    }

    /// The customer a payment names: its `customer_id (metadata)`, else its Stripe customer as
    /// customers.csv's `stripe_customer` maps it.
    func customer(of p: Payment) -> String? {
        p.customerID ?? p.stripeCustomer.flatMap { catalog.customers.byStripeCustomer[$0] }
    }

    mutating func post(_ p: Payment) -> PostedPayment {
        PostedPayment(payment: p, posting: book.post(p, customer: customer(of: p)))
    }

    /// Tries each unmatched payment again, oldest first; returns those that match now.
    mutating func rematch() -> [PostedPayment] {
        var matched: [PostedPayment] = []
        var still: [PostedPayment] = []
        for p in unmatched {
            let again = post(p.payment)
            if again.posting.isPosted { matched.append(again) } else { still.append(again) }
        }
        unmatched = still
        return matched
    }
}

/// `payments/unmatched.csv`: every payment stored that matches no invoice, with why; rewritten
/// whole from the store after each run that posts payments.
enum UnmatchedPaymentsFile {
    static let columns = ["id", "source", "kind", "date", "amount", "currency", "customer_id", "reference", "remittance", "reason"]

    static func write(_ payments: [PostedPayment], outDir: String) throws -> String {
        let path = "\(outDir)/payments/unmatched.csv"
        var out = CSVText.record(columns)
        for p in payments where !p.posting.isPosted {
            let pay = p.payment
            CSVText.append([pay.id, pay.source.rawValue, pay.kind.rawValue, pay.date.description, pay.amount.formatted(currency: pay.currency),
                            pay.currency, pay.customerID ?? pay.stripeCustomer ?? "", pay.reference ?? "", pay.texts.joined(separator: " | "),
                            p.posting.unmatched ?? ""], to: &out)
        }
        try FileSystem.writeAtomically(out, to: path)
        return path
    }
}
