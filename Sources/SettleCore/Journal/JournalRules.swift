/// Which accounts each event of the books moves (FINANCE.md, "The journal"), one balanced entry
/// per event. Amounts are summed per account in the event's own currency, then converted to
/// the accounting currency (`AccountingConversion`); where rounding each converted sum leaves a
/// cent between debits and credits, it goes to `fx_differences`, so every entry balances.
///
/// | event | debit | credit |
/// |---|---|---|
/// | invoice issued | receivable (total); discounts | revenue_fees (plan fees), revenue_usage (usage, adjustments), seller_payable (service and trial lines), tax_payable |
/// | credit applied when issued | customer_credit | receivable |
/// | credit note | the reverse of what it corrects, its credit put on account | |
/// | credit note settling the invoice it corrects | customer_credit | receivable |
/// | top-up (credits.csv) | bank | customer_credit |
/// | refund of credit (credits.csv) | customer_credit | bank |
/// | goodwill adjustment (credits.csv) | discounts | customer_credit (a negative one the reverse) |
/// | credit expired | customer_credit | credit_breakage |
/// | payment of an invoice | bank (net of fee), payment_fees | receivable (at the invoice's rate), customer_credit (an overpayment); fx_differences either side |
/// | Stripe top-up | bank (net of fee), payment_fees | customer_credit |
/// | refund of a payment | receivable (reopened), customer_credit (credit paid back) | bank |
/// | payouts of a period | seller_payable (platform fee) | revenue_platform_fee |
/// | provider costs of a month | provider_cost | provider_payable |
public enum JournalRules {
    /// An issued document: the document itself, then the credit it applied (for a credit note:
    /// its total put on account).
    public static func issued(_ doc: Invoice, conversion c: AccountingConversion, sellerOf: (String) -> String?) -> [JournalEntry] {
        guard let number = doc.number else { return [] }
        var sums: [Key: ExactDecimal] = [:]
        for l in doc.lines {
            let account: JournalAccount
            var seller = ""
            switch l.kind {
            case .planFee: account = .revenueFees
            case .usage, .adjustment: account = .revenueUsage
            case .service, .trial:
                account = .sellerPayable
                seller = l.serviceID.flatMap(sellerOf) ?? l.serviceID ?? ""
            case .volumeDiscount: account = .discounts
            }
            // Revenue and liabilities are credited by what the document charges.
            sums[Key(account: account, seller: seller), default: .zero] -= l.amount
        }
        sums[Key(account: .taxPayable, seller: ""), default: .zero] -= doc.tax
        var lines = [JournalLine.signed(.receivable, c(doc.total), document: number, customerID: doc.customerID, original: c.original(doc.total))]
        for (key, amount) in sums.sorted(by: { $0.key < $1.key }) where !amount.isZero {
            lines.append(.signed(key.account, c(amount), document: number, customerID: key.account == .discounts ? doc.customerID : "",
                                 seller: key.seller, original: c.original(amount)))
        }
        let what = doc.kind == .creditNote ? "credit note" : doc.kind == .supplementary ? "supplementary invoice" : "invoice"
        var out = [balanced(JournalEntry(source: "doc:\(number)", date: doc.issueDate,
                                         memo: "\(what) \(number) to \(doc.customerID)\(doc.adjusts.map { ", adjusting \($0)" } ?? "")", lines: lines),
                            document: number)]
        if !doc.creditsApplied.isZero {
            let applied = doc.creditsApplied
            let memo = doc.kind == .creditNote ? "credit note \(number) put on \(doc.customerID)'s credit" : "prepaid credit applied to \(number)"
            out.append(JournalEntry(source: "applied:\(number)", date: doc.issueDate, memo: memo, lines: [
                .signed(.customerCredit, c(applied), document: number, customerID: doc.customerID, original: c.original(applied)),
                .signed(.receivable, -c(applied), document: number, customerID: doc.customerID, original: c.original(-applied)),
            ]))
        }
        return out
    }

    /// A movement of credits.csv: a top-up or a refund through the bank, a goodwill adjustment
    /// against discounts. Credit notes and payments' credit are booked with their document and
    /// payment; nil for those.
    public static func credit(_ e: CreditEntry, conversion c: AccountingConversion) -> JournalEntry? {
        let counter: JournalAccount
        let what: String
        switch e.kind {
        case .topup: (counter, what) = (.bank, "prepaid credit top-up")
        case .refund: (counter, what) = (.bank, "refund of prepaid credit")
        case .adjustment: (counter, what) = (.discounts, "credit adjustment")
        case .creditNote, .overpayment: return nil
        }
        return JournalEntry(source: "credit:\(e.reference)", date: e.date, memo: "\(what) \(e.reference) for \(e.customerID)", lines: [
            .signed(counter, c(e.amount), document: e.reference, customerID: e.customerID, original: c.original(e.amount)),
            .signed(.customerCredit, -c(e.amount), document: e.reference, customerID: e.customerID, original: c.original(-e.amount)),
        ])
    }

    /// Credit taken other than by a document being issued: an expired remainder (breakage), or
    /// a credit note's credit settling the invoice it corrects. nil for other uses (their
    /// entries or documents book them).
    public static func use(_ u: CreditUse, conversion c: AccountingConversion) -> JournalEntry? {
        switch u.kind {
        case .expired:
            return JournalEntry(source: "expired:\(u.entryReference):\(u.day)", date: u.day,
                                memo: "prepaid credit \(u.entryReference) of \(u.customerID) expired", lines: [
                .signed(.customerCredit, c(u.amount), document: u.entryReference, customerID: u.customerID, original: c.original(u.amount)),
                .signed(.creditBreakage, -c(u.amount), document: u.entryReference, customerID: u.customerID, original: c.original(-u.amount)),
            ])
        case .settled:
            return JournalEntry(source: "settled:\(u.entryReference):\(u.source)", date: u.day,
                                memo: "credit note \(u.entryReference) settles \(u.source)", lines: [
                .signed(.customerCredit, c(u.amount), document: u.source, customerID: u.customerID, original: c.original(u.amount)),
                .signed(.receivable, -c(u.amount), document: u.source, customerID: u.customerID, original: c.original(-u.amount)),
            ])
        case .applied, .refund, .adjustment:
            return nil
        }
    }

    /// A posted payment. `invoice`: the conversion of the invoice it pays or reopens (what is
    /// open is booked at the invoice's rate); `money`: the payment's own at its day's rate;
    /// `fee`: the fee's (Stripe's fee is in the settlement currency). The bank is what arrived
    /// at the payment's rate; whatever the two rates leave apart is `fx_differences`.
    public static func payment(_ p: PostedPayment, invoice: AccountingConversion?, money: AccountingConversion,
                               fee: AccountingConversion?) -> JournalEntry? {
        let pay = p.payment, q = p.posting
        guard q.isPosted, let customer = q.customerID else { return nil }
        let document = q.invoice ?? pay.id
        let onInvoice = invoice ?? money
        var lines: [JournalLine] = []
        let feeAmount = pay.kind == .refund ? ExactDecimal.zero : pay.fee ?? .zero
        let feeConversion = fee ?? money
        // The bank: what arrived (or left, for a refund) less the fee.
        let bankMoney = pay.kind == .refund ? -pay.amount : pay.amount
        if feeConversion.currency == money.currency {
            lines.append(.signed(.bank, money(bankMoney - feeAmount), document: document, customerID: customer, original: money.original(bankMoney - feeAmount)))
        } else {
            lines.append(.signed(.bank, money(bankMoney), document: document, customerID: customer, original: money.original(bankMoney)))
            if !feeAmount.isZero {
                lines.append(.signed(.bank, -feeConversion(feeAmount), document: document, customerID: customer, original: feeConversion.original(-feeAmount)))
            }
        }
        if !feeAmount.isZero {
            lines.append(.signed(.paymentFees, feeConversion(feeAmount), document: document, customerID: customer, original: feeConversion.original(feeAmount)))
        }
        if !q.applied.isZero {
            lines.append(.signed(.receivable, -onInvoice(q.applied), document: document, customerID: customer, original: onInvoice.original(-q.applied)))
        }
        if !q.credit.isZero {
            lines.append(.signed(.customerCredit, -money(q.credit), document: document, customerID: customer, original: money.original(-q.credit)))
        }
        let what: String = switch pay.kind {
        case .payment: q.invoice.map { "payment \(pay.id) of \($0)" } ?? "payment \(pay.id)"
        case .topup: "prepaid credit top-up \(pay.id)"
        case .refund: "refund \(pay.id)"
        }
        return balanced(JournalEntry(source: "payment:\(pay.id)", date: pay.date, memo: "\(what) (\(customer))", lines: lines), document: document)
    }

    /// The platform fee a period's payouts keep for the platform, per seller: what the sellers
    /// are owed drops by it. `amount`: what is not booked yet (a later document of the period
    /// changes the payout; the difference is booked then).
    public static func payout(period: PeriodMonth, seller: String, platformFee amount: ExactDecimal, date: UTCDay,
                              conversion c: AccountingConversion, part: String) -> JournalEntry {
        JournalEntry(source: "payout:\(period):\(seller):\(part)", date: date, memo: "platform fee on \(seller)'s payouts of \(period)", lines: [
            .signed(.sellerPayable, c(amount), document: "payouts-\(period)", seller: seller, original: c.original(amount)),
            .signed(.revenuePlatformFee, -c(amount), document: "payouts-\(period)", seller: seller, original: c.original(-amount)),
        ])
    }

    /// What a provider billed for a month (the reconciled billed cost); `amount`: what is not
    /// booked yet (a restated bill books the difference in the month it arrives).
    public static func providerCost(provider: String, month: PeriodMonth, amount: ExactDecimal, date: UTCDay,
                                    conversion c: AccountingConversion, part: String) -> JournalEntry {
        JournalEntry(source: "provider:\(provider):\(month):\(part)", date: date, memo: "\(provider)'s bill for \(month)", lines: [
            .signed(.providerCost, c(amount), document: "\(provider)-\(month)", original: c.original(amount)),
            .signed(.providerPayable, -c(amount), document: "\(provider)-\(month)", original: c.original(-amount)),
        ])
    }

    /// The entry with a line to `fx_differences` for what rounding or two rates left between
    /// its debits and credits.
    static func balanced(_ e: JournalEntry, document: String) -> JournalEntry {
        var e = e
        let gap = e.debits - e.credits
        if !gap.isZero { e.lines.append(.signed(.fxDifferences, -gap, document: document)) }
        return e
    }

    struct Key: Hashable, Comparable {
        var account: JournalAccount
        var seller: String
        static func < (a: Key, b: Key) -> Bool { (a.account, a.seller) < (b.account, b.seller) }
    }
}
