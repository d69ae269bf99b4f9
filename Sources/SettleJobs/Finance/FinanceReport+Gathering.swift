import SettleCore
import SettleFormats
import SettleStore
import SettleWorkbook

extension FinanceReport {
    /// What the month's finance report gathers a chunk of customers at a time, as invoicing
    /// (close) or a dry run of it (`settle report`) hands them on: the usage summary's rows,
    /// straight to their file; the workbook's rows per customer, to temporary files; and the
    /// sums by model and provider. Nothing per customer is kept in memory.
    final class Gathering {
        let month: PeriodMonth
        private(set) var workbook: FinanceWorkbook
        private(set) var margin: MarginBook
        private(set) var drafts = 0
        private let usage: AtomicFileWriter
        let usagePath: String

        init(month: PeriodMonth, env: JobEnvironment, catalog: Catalog) throws {
            self.month = month
            workbook = FinanceWorkbook(month: month, plans: env.config.plans)
            margin = MarginBook(services: catalog.services)
            usagePath = "\(env.outDir)/reports/\(month)/usage-summary.csv"
            usage = try AtomicFileWriter(path: usagePath)
            try usage.write(CSVText.record(FinanceReport.usageSummaryColumns))
        }

        /// One chunk of customers, in catalog order: their usage lines (one row each, `unit_price`
        /// per token, exact; `amount` rounded to cents as on the invoice), margin, totals and
        /// invoice.
        func add(_ chunk: IssueInvoices.Chunk, store: any SettleStore) throws {
            let ids = chunk.customers.map(\.id)
            var totals: [String: [PeriodTotals]] = [:]
            for t in try store.periods.totals(startingIn: month, customers: ids) { totals[t.customerID, default: []].append(t) }
            let periods = Dictionary(grouping: chunk.summaries.keys, by: \.customerID)
            var out = ""
            for c in chunk.customers {
                var row: MarginRow?
                for key in (periods[c.id] ?? []).sorted() {
                    guard let v = chunk.summaries[key] else { continue }
                    let period = PeriodMonth(year: key.periodStart.date.year, month: key.periodStart.date.month).description
                    let start = key.periodStart.description
                    for l in v.lines {
                        CSVText.append([c.id, period, start, l.provider, l.model, l.tier.rawValue,
                                        l.tokenType.rawValue, l.serviceID, String(l.quantity), String(l.errorQuantity),
                                        l.unitPrice.map { $0.normalized.description } ?? "", l.charge.map { $0.formatted(places: 2) } ?? "",
                                        l.upstreamCost.map { $0.formatted(places: 2) } ?? "", PriceBands.label(l.band)], to: &out)
                    }
                    row = margin.add(customerID: c.id, lines: v.lines, trials: v.trials, to: row)
                }
                workbook.add(FinanceWorkbook.CustomerMonth(history: c, totals: totals[c.id] ?? [], invoice: chunk.invoices[c.id], margin: row))
            }
            try usage.write(out)
            drafts += chunk.drafts
        }

        func commitUsageSummary() throws -> String {
            try usage.commit()
            return usagePath
        }
    }
}
