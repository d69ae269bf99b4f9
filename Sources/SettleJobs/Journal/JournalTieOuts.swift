import SettleCore
import SettleFormats
import SettleStore

/// One comparison of the books with settle's own reports (FINANCE.md, "The journal": the
/// trial balance ties out), per currency where the figures are in several.
public struct JournalTieOut: Sendable, Hashable {
    public var name: String
    /// What the journal says, and what the report says, as "12.34 USD, 5.00 EUR".
    public var journal: String
    public var report: String
    public var holds: Bool { journal == report }

    public var line: String { holds ? "ties out: \(name): \(journal)" : "DOES NOT TIE OUT: \(name): journal \(journal), report \(report)" }
}

enum JournalTieOuts {
    /// `lines`: every line of the months written through `month`.
    static func check(month: PeriodMonth, lines: [JournalLine], store: any SettleStore, env: JobEnvironment, catalog: Catalog,
                      accounting: String) throws -> [JournalTieOut] {
        let cutoff = month.lastDay
        let balances = JournalBalances(lines, accounting: accounting)
        var out: [JournalTieOut] = []

        // Receivable: what receivables says is open on the month's last day, per currency.
        let receivables = ReceivableBook.on(cutoff, invoices: try store.payments.receivables(base: env.config.currency),
                                            payments: try store.payments.all(), settlements: try store.payments.settlements())
        var open: [String: ExactDecimal] = [:]
        for r in receivables where r.open > .zero { open[r.currency, default: .zero] += r.open }
        out.append(JournalTieOut(name: "receivable (\(env.config.journal.chart.code(.receivable))) = the open amounts of receivables on \(cutoff)",
                                 journal: text(balances.balance(.receivable)), report: text(open)))

        // Customer credit: the credit statement's closing balances, per currency.
        let (accounts, _) = try StoredCreditLedger.caughtUp(store: store, catalog: catalog, creditsFile: env.config.catalog.credits, through: cutoff)
        let statement = CreditStatement.rows(entries: try store.creditLedger.entries() + accounts.values.flatMap(\.recorded),
                                             uses: try store.creditLedger.uses() + accounts.values.flatMap(\.uses), month: month,
                                             currency: { catalog.customers[$0]?.current.currency ?? env.config.currency })
        var closing: [String: ExactDecimal] = [:]
        for r in statement { closing[r.currency, default: .zero] += r.closing }
        out.append(JournalTieOut(name: "customer_credit (\(env.config.journal.chart.code(.customerCredit))) = the credit statement's closing balances of \(month)",
                                 journal: text(balances.balance(.customerCredit).mapValues { -$0 }), report: text(closing)))

        // Tax: the month's movement on tax_payable = the tax of the documents issued in it.
        let monthLines = try store.journal.entries(month: month).flatMap(\.entry.lines)
        let monthBalances = JournalBalances(monthLines, accounting: accounting)
        var tax: [String: ExactDecimal] = [:]
        for stored in try store.journal.documentsIssued(from: month.firstDay, through: cutoff) {
            let doc = try StoredDocuments.read(stored)
            tax[doc.currency, default: .zero] += doc.tax
        }
        out.append(JournalTieOut(name: "tax_payable (\(env.config.journal.chart.code(.taxPayable))) of \(month) = the tax of the documents issued in it",
                                 journal: text(monthBalances.balance(.taxPayable).mapValues { -$0 }), report: text(tax)))

        // Sellers: what they are owed after the platform fee = the payouts' net, every period.
        if accounting == env.config.currency {
            var net: [String: ExactDecimal] = [:]
            for period in try store.invoiceLedger.issuedMonths() {
                var book = PayoutBook(services: catalog.services)
                try store.invoiceLedger.forEachDocument(period: period) { number, _, document in
                    let doc = try StoredDocuments.read(document, number: number)
                    if doc.issueDate <= cutoff { book.add(doc) }
                }
                for p in book.payouts { net[p.seller, default: .zero] += p.net }
            }
            let journal = balances.bySeller.filter { !$0.value.isZero }.mapValues { -$0 }
            out.append(JournalTieOut(name: "seller_payable (\(env.config.journal.chart.code(.sellerPayable))) after payouts = the payouts' net, per seller",
                                     journal: sellers(journal, accounting), report: sellers(net.filter { !$0.value.isZero }, accounting)))
        }

        // Providers: the month's cost = the reconciled billed cost of the month.
        var cost: [String: ExactDecimal] = [:]
        for (source, line) in try store.journal.lines(sourcePrefix: "provider:") where line.account == .providerCost {
            let parts = source.split(separator: ":")
            guard parts.count >= 4, String(parts[parts.count - 2]) == month.description else { continue }
            cost[parts[1...(parts.count - 3)].joined(separator: ":"), default: .zero] += line.original?.amount ?? line.balance
        }
        let billed = try billedCost(month: month, store: store)
        out.append(JournalTieOut(name: "provider_cost (\(env.config.journal.chart.code(.providerCost))) of \(month) = the reconciled billed cost, per provider",
                                 journal: sellers(cost.filter { !$0.value.isZero }, env.config.currency),
                                 report: sellers(billed.filter { !$0.value.isZero }, env.config.currency)))
        return out
    }

    /// What each provider billed for `month`: the billed cost of the month's reconciliation
    /// cells (days of the month, and charge periods ending in it), in the base currency.
    static func billedCost(month: PeriodMonth, store: any SettleStore) throws -> [String: ExactDecimal] {
        var out: [String: ExactDecimal] = [:]
        for s in ReconciliationSummary.of(try store.reconciliation.reconciliationCells(from: month.firstDay, to: month.lastDay)) {
            out[s.provider, default: .zero] += s.billedCost
        }
        return out
    }

    static func text(_ amounts: [String: ExactDecimal]) -> String {
        let shown = amounts.filter { !$0.value.isZero }.sorted { $0.key < $1.key }
        return shown.isEmpty ? "0" : shown.map { "\($0.value.formatted(currency: $0.key)) \($0.key)" }.joined(separator: ", ")
    }

    static func sellers(_ amounts: [String: ExactDecimal], _ currency: String) -> String {
        let shown = amounts.sorted { $0.key < $1.key }
        return shown.isEmpty ? "0" : shown.map { "\($0.key) \($0.value.formatted(currency: currency))" }.joined(separator: ", ")
    }
}
