import SettleCore
import SettleFormats
import SettleStore

/// The entries of a month being written: every event dated by its last day that no journal has
/// booked, gathered from the store (documents, the credit ledger brought up to the day, posted
/// payments, the payouts and provider bills whose figures moved) and booked by
/// `JournalRules`. An event dated in an earlier month is booked on this month's first day.
struct JournalBook {
    let month: PeriodMonth
    let store: any SettleStore
    let env: JobEnvironment
    let catalog: Catalog
    let accounting: String
    let cutoff: UTCDay
    let booked: Set<String>
    /// The first month written before this one, if any: what is dated before it was never
    /// in a journal (brought forward), what is dated after it came late.
    let firstWritten: PeriodMonth?
    /// Every payment stored, read once: credit entries they made are booked with them.
    let payments: [PostedPayment]
    private(set) var entries: [JournalEntry] = []
    private(set) var notBooked: [String] = []
    private(set) var late = 0
    private(set) var broughtForward = 0

    init(month: PeriodMonth, store: any SettleStore, env: JobEnvironment, catalog: Catalog, accounting: String) throws {
        self.month = month
        self.store = store
        self.env = env
        self.catalog = catalog
        self.accounting = accounting
        cutoff = month.lastDay
        booked = try store.journal.bookedSources()
        firstWritten = try store.journal.writtenMonths().first
        payments = try store.payments.all()
    }

    mutating func gather() throws {
        var conversions: [String: AccountingConversion] = [:]
        let documents = try gatherDocuments(&conversions)
        try gatherCredit(conversions: conversions)
        try gatherPayments()
        try gatherPayouts(periods: Set(documents.map(\.period.month)))
        try gatherProviderCosts()
        // By date; on one day in the order gathered (a document before the credit it applies).
        entries = entries.enumerated().sorted { ($0.element.date, $0.offset) < ($1.element.date, $1.offset) }.map(\.element)
        for e in entries where !e.isBalanced {
            throw StoreError("journal entry \(e.source) does not balance (debits \(e.debits), credits \(e.credits)): a bug in settle; nothing was written")
        }
    }

    /// Books `entry` unless its event is booked already; a late one on the month's first day.
    private mutating func add(_ entry: JournalEntry?) {
        guard var e = entry, !booked.contains(e.source) else { return }
        let (date, isLate) = JournalMonth.bookingDate(of: e.date, in: month)
        if isLate {
            if let first = firstWritten, e.date >= first.firstDay {
                e.memo += " (dated \(e.date), taken in after that month's journal was written)"
                late += 1
            } else {
                e.memo += " (dated \(e.date), before the first journal: brought forward)"
                broughtForward += 1
            }
            e.date = date
        }
        entries.append(e)
    }

    private func customerCurrency(_ id: String) -> String { catalog.customers[id]?.current.currency ?? env.config.currency }

    private func conversion(_ currency: String, on day: UTCDay) -> AccountingConversion? {
        AccountingConversion.of(currency, on: day, accounting: accounting, rates: catalog.exchangeRates)
    }

    /// Issued documents not booked yet; returns them (their periods' payouts are looked at).
    private mutating func gatherDocuments(_ conversions: inout [String: AccountingConversion]) throws -> [Invoice] {
        var out: [Invoice] = []
        let sellers = Dictionary(catalog.services.map { ($0.id, $0.seller) }, uniquingKeysWith: { a, _ in a })
        for stored in try store.journal.unbookedDocuments(issuedThrough: cutoff) {
            let doc = try StoredDocuments.read(stored)
            guard let c = AccountingConversion.of(doc, accounting: accounting) else {
                notBooked.append("\(stored.number): in \(doc.currency), with no rate to \(accounting) on it")
                continue
            }
            conversions[stored.number] = c
            for e in JournalRules.issued(doc, conversion: c, sellerOf: { sellers[$0] }) { add(e) }
            out.append(doc)
        }
        return out
    }

    /// credits.csv's movements and the credit ledger's uses that no document or payment books:
    /// top-ups, refunds and adjustments of credits.csv; credit that lapsed; credit notes
    /// settling the invoice they correct.
    private mutating func gatherCredit(conversions: [String: AccountingConversion]) throws {
        let (accounts, _) = try StoredCreditLedger.caughtUp(store: store, catalog: catalog, creditsFile: env.config.catalog.credits, through: cutoff)
        let paymentIDs = Set(payments.map(\.payment.id))
        let entries = try store.creditLedger.entries() + accounts.values.flatMap(\.recorded)
        for e in entries where e.date <= cutoff && !paymentIDs.contains(e.reference) {
            guard let c = conversion(customerCurrency(e.customerID), on: e.date) else {
                notBooked.append("credit \(e.reference): no rate from \(customerCurrency(e.customerID)) to \(accounting) on \(e.date)")
                continue
            }
            add(JournalRules.credit(e, conversion: c))
        }
        let uses = try store.creditLedger.uses() + accounts.values.flatMap(\.uses)
        for u in uses where u.day <= cutoff && (u.kind == .expired || u.kind == .settled) {
            // A settlement is at the credit note's rate; a lapse at its day's.
            let c = u.kind == .settled ? conversions[u.entryReference] ?? documentConversion(u.entryReference) : conversion(customerCurrency(u.customerID), on: u.day)
            guard let c else {
                notBooked.append("credit use of \(u.entryReference) on \(u.day): no rate to \(accounting)")
                continue
            }
            add(JournalRules.use(u, conversion: c))
        }
    }

    /// The conversion of a document booked in an earlier month, read back.
    private func documentConversion(_ number: String) -> AccountingConversion? {
        guard let stored = try? store.invoiceLedger.document(number: number), let doc = try? StoredDocuments.read(stored) else { return nil }
        return AccountingConversion.of(doc, accounting: accounting)
    }

    private mutating func gatherPayments() throws {
        var invoiceConversions: [String: AccountingConversion] = [:]
        for p in payments where p.posting.isPosted && p.payment.date <= cutoff && !booked.contains("payment:\(p.payment.id)") {
            let pay = p.payment
            guard let money = conversion(pay.currency, on: pay.date) else {
                notBooked.append("payment \(pay.id): no rate from \(pay.currency) to \(accounting) on \(pay.date)")
                continue
            }
            var onInvoice: AccountingConversion?
            if let number = p.posting.invoice, !p.posting.applied.isZero {
                if invoiceConversions[number] == nil { invoiceConversions[number] = documentConversion(number) }
                onInvoice = invoiceConversions[number]
            }
            let fee = pay.feeCurrency.flatMap { conversion($0, on: pay.date) }
            add(JournalRules.payment(p, invoice: onInvoice, money: money, fee: fee))
        }
    }

    /// The platform fee of each period whose documents were booked now, per seller: what the
    /// period's payouts keep (from every document of the period issued by the month's end) less
    /// what earlier months booked for it.
    private mutating func gatherPayouts(periods: Set<PeriodMonth>) throws {
        guard let c = conversion(env.config.currency, on: cutoff) else {
            if !periods.isEmpty { notBooked.append("payouts: no rate from \(env.config.currency) to \(accounting) on \(cutoff)") }
            return
        }
        for period in periods.sorted() {
            var book = PayoutBook(services: catalog.services)
            try store.invoiceLedger.forEachDocument(period: period) { number, _, document in
                let doc = try StoredDocuments.read(document, number: number)
                if doc.issueDate <= cutoff { book.add(doc) }
            }
            var fees: [String: ExactDecimal] = [:]
            for p in book.payouts { fees[p.seller, default: .zero] += p.platformFee }
            var already: [String: ExactDecimal] = [:]
            for (source, line) in try store.journal.lines(sourcePrefix: "payout:\(period):") where line.account == .sellerPayable {
                already[source.split(separator: ":")[2...].dropLast().joined(separator: ":"), default: .zero] += line.original?.amount ?? line.balance
            }
            for (seller, fee) in fees.sorted(by: { $0.key < $1.key }) {
                let delta = fee - (already[seller] ?? .zero)
                guard !delta.isZero else { continue }
                add(JournalRules.payout(period: period, seller: seller, platformFee: delta, date: cutoff, conversion: c, part: month.description))
            }
        }
    }

    /// What each provider billed for the month (the reconciled billed cost, in the base
    /// currency), less what an earlier run booked for it; and the same for earlier months
    /// booked before, where a restated bill changed the figure.
    private mutating func gatherProviderCosts() throws {
        var months: Set<PeriodMonth> = [month]
        for (source, _) in try store.journal.lines(sourcePrefix: "provider:") {
            let parts = source.split(separator: ":")
            if parts.count >= 3, let m = PeriodMonth(String(parts[parts.count - 2])), m < month { months.insert(m) }
        }
        guard let c = conversion(env.config.currency, on: cutoff) else {
            notBooked.append("provider costs: no rate from \(env.config.currency) to \(accounting) on \(cutoff)")
            return
        }
        for m in months.sorted() {
            let billed = try JournalTieOuts.billedCost(month: m, store: store)
            var already: [String: ExactDecimal] = [:]
            for (source, line) in try store.journal.lines(sourcePrefix: "provider:") where line.account == .providerCost {
                let parts = source.split(separator: ":")
                guard parts.count >= 4, String(parts[parts.count - 2]) == m.description else { continue }
                already[parts[1...(parts.count - 3)].joined(separator: ":"), default: .zero] += line.original?.amount ?? line.balance
            }
            for (provider, cost) in billed.sorted(by: { $0.key < $1.key }) {
                let delta = cost - (already[provider] ?? .zero)
                guard !delta.isZero else { continue }
                add(JournalRules.providerCost(provider: provider, month: m, amount: delta, date: cutoff, conversion: c, part: month.description))
            }
        }
    }
}
