/// `ledger/P/trial-balance.csv`: each account's balance before the month (every month written
/// before it), the month's debits and credits, and its balance after; balances are debit
/// minus credit. Debits equal credits in every month, so the balances add up to zero.
public struct TrialBalanceRow: Sendable, Hashable {
    public var account: JournalAccount
    public var opening = ExactDecimal.zero
    public var debit = ExactDecimal.zero
    public var credit = ExactDecimal.zero

    public init(account: JournalAccount) { self.account = account }

    public var closing: ExactDecimal { opening + debit - credit }

    public static let columns = ["account", "name", "opening", "debit", "credit", "closing"]

    /// Every account of the chart, in its order: `before` the lines of earlier months, `month`
    /// the month's.
    public static func of(before: [JournalLine], month: [JournalLine]) -> [TrialBalanceRow] {
        var rows = Dictionary(uniqueKeysWithValues: JournalAccount.allCases.map { ($0, TrialBalanceRow(account: $0)) })
        for l in before { rows[l.account]?.opening += l.balance }
        for l in month {
            rows[l.account]?.debit += l.debit
            rows[l.account]?.credit += l.credit
        }
        return JournalAccount.allCases.compactMap { rows[$0] }
    }
}

/// The journal's balances per account and currency of origin (`JournalLine.original`, else the
/// accounting currency): what the tie-outs compare with settle's own reports, exactly, in each
/// currency, whatever rates the lines were booked at.
public struct JournalBalances: Sendable {
    public private(set) var byCurrency: [JournalAccount: [String: ExactDecimal]] = [:]
    public private(set) var bySeller: [String: ExactDecimal] = [:]
    public private(set) var byDocument: [String: ExactDecimal] = [:]
    let accounting: String

    public init(_ lines: [JournalLine], accounting: String) {
        self.accounting = accounting
        for l in lines {
            let currency = l.original?.currency ?? accounting
            byCurrency[l.account, default: [:]][currency, default: .zero] += l.original?.amount ?? l.balance
            if l.account == .sellerPayable { bySeller[l.seller, default: .zero] += l.balance }
            if l.account == .providerCost { byDocument[l.document, default: .zero] += l.balance }
        }
    }

    /// An account's balance (debit minus credit) in its lines' own currencies.
    public func balance(_ account: JournalAccount) -> [String: ExactDecimal] { byCurrency[account] ?? [:] }
}
