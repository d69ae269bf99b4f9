/// How an amount in some currency becomes the accounting currency (`[invoices] issuer
/// accounting_currency`, default the base) for the journal: unchanged when it is already in
/// it; a document converted back at its own rate where the accounting currency is the base
/// (as every report does), or at its `tax_accounting` rate; money without a document at the
/// ECB rate of its day. Each amount is rounded to the accounting currency's minor unit.
public enum AccountingConversion: Sendable, Hashable {
    case identity(String)
    /// A document's rate from the accounting currency to the document's, used backwards.
    case back(ExchangeRate)
    /// A rate from the amount's currency to the accounting currency.
    case forward(ExchangeRate)

    public func callAsFunction(_ amount: ExactDecimal) -> ExactDecimal {
        switch self {
        case .identity: amount
        case .back(let r): r.back(amount)
        case .forward(let r): r.amount(amount)
        }
    }

    /// The currency amounts come in.
    public var currency: String {
        switch self {
        case .identity(let c): c
        case .back(let r): r.to
        case .forward(let r): r.from
        }
    }

    /// `1 EUR = 1.1172 USD (ECB 2026-10-30)`-style words for the journal's rate column; "" for
    /// the accounting currency itself.
    public var rateText: String {
        switch self {
        case .identity: ""
        case .back(let r): "1 \(r.from) = \(r.rate.normalized) \(r.to) (ECB \(r.date))"
        case .forward(let r): "1 \(r.from) = \(r.rate.normalized) \(r.to) (ECB \(r.date))"
        }
    }

    /// What a line in this currency records beside its accounting amount: nil in the
    /// accounting currency itself.
    public func original(_ amount: ExactDecimal) -> JournalLine.Original? {
        if case .identity = self { return nil }
        return JournalLine.Original(currency: currency, amount: amount, rate: rateText)
    }

    /// A document's conversion: nil when it cannot be converted (another currency, and no rate
    /// to the accounting currency on it).
    public static func of(_ doc: Invoice, accounting: String) -> AccountingConversion? {
        if doc.currency == accounting { return .identity(accounting) }
        if let r = doc.exchangeRate, r.from == accounting, r.to == doc.currency { return .back(r) }
        if let r = doc.taxAccountingRate, r.from == doc.currency, r.to == accounting { return .forward(r) }
        return nil
    }

    /// Money in `currency` on `day`: nil when the ECB table has no rate for it then.
    public static func of(_ currency: String, on day: UTCDay, accounting: String, rates: ExchangeRateTable?) -> AccountingConversion? {
        if currency == accounting { return .identity(accounting) }
        return rates?.rate(from: currency, to: accounting, on: day).map { .forward($0) }
    }
}
