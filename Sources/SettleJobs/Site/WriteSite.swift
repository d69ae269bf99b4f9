import SettleCore
import SettleFormats
import SettleSite
import SettleStore

/// `settle site --period P` (nightly and close refresh it): the static site under `site/`
/// (FINANCE.md, "The site"): `index.html` for the operator, `finance/P.html` for finance, and
/// `customers/ID.html` for each customer with anything in P. Read-only on the store; pages are
/// written only when their bytes change, so a night rewrites the pages whose figures moved.
public struct WriteSite: Job {
    public var month: PeriodMonth
    /// The day the pages speak of (nightly's date); nil: today, UTC.
    public var asOf: UTCDay?

    public init(month: PeriodMonth, asOf: UTCDay? = nil) {
        self.month = month
        self.asOf = asOf
    }

    public struct Result: JobResult, Sendable {
        public init() {}
        public var runRecord: RunRecord?
        public var folder = ""
        public var pages = 0
        /// Pages whose bytes changed (written); the rest were left as they were.
        public var written = 0
        public var customerPages = 0
    }

    public var name: String { "site" }

    public func parameters(env: JobEnvironment, prepared: Catalog, startedAt: Timestamp) -> [String: String] {
        ["period": month.description, "as_of": (asOf ?? startedAt.day).description]
    }

    public func run(store: any SettleStore, env: JobEnvironment, prepared catalog: Catalog, runID: String, startedAt: Timestamp) throws -> (Result, JobRun.Outcome) {
        let result = try perform(store: store, env: env, catalog: catalog, day: asOf ?? startedAt.day)
        return (result, JobRun.Outcome(status: .ok, outputs: [result.folder]))
    }

    public func perform(store: any SettleStore, env: JobEnvironment, catalog: Catalog, day: UTCDay) throws -> Result {
        var result = Result()
        let folder = "\(env.outDir)/site"
        result.folder = folder
        let base = env.config.currency
        func put(_ text: String, _ path: String) throws {
            result.pages += 1
            if try FileSystem.writeIfChanged(text, to: "\(folder)/\(path)", durable: false) { result.written += 1 }
        }
        env.progress.update("site: the month", done: 0, total: nil, unit: "pages")

        // Finance's month.
        var docs: [Invoice] = []
        let issued = try IssueInvoices.read(month: month, store: store, env: env, label: "site: reading invoices") { docs.append($0) }
        let summaries = try store.periods.periodsStarting(in: month)
        let margin = MarginBook(periods: summaries.sorted { $0.key < $1.key }.map { (customerID: $0.key.customerID, lines: $0.value.lines, trials: $0.value.trials) },
                                services: catalog.services)
        let payments = try store.payments.all()
        let receivables = ReceivableBook.on(day, invoices: try store.payments.receivables(base: base), payments: payments,
                                            settlements: try store.payments.settlements())
        try put(FinancePage(month: month, currency: base, issued: issued, margin: margin, agingAsOf: day, aging: AgingRow.of(receivables, on: day),
                            payouts: Payout.of(docs, services: catalog.services)).html(), "finance/\(month).html")

        // The operator's night: the 30 days up to the last day reconciled by `day` (a month-end
        // page still shows the month's reconciliation).
        let recent = ReconciliationSummary.of(try store.reconciliation.reconciliationCells(from: day.adding(days: -89), to: day))
        let lastDay = recent.map { $0.through ?? $0.day }.max() ?? day
        let reconciliation = recent.filter { ($0.through ?? $0.day) > lastDay.adding(days: -30) }.map {
            OperatorPage.ProviderDay(provider: $0.provider, day: $0.through ?? $0.day, cells: $0.cells, notMatched: $0.notMatched, billed: $0.billedCost,
                                     moneyAtRisk: $0.moneyAtRisk)
        }
        let auditMonth = PeriodMonth(year: lastDay.date.year, month: lastDay.date.month)
        let (first, last) = FinanceFigures.days(of: auditMonth)
        let audit = ChargeAudit.configured(env.config, catalog: catalog)
        let auditSummary = audit.summary(audit.cells(try store.periods.dailyRows(from: first, to: min(last, lastDay))))
        var quarantined: [OperatorPage.Quarantined] = []
        for input in try store.pending.quarantinedInputs() {
            // The file as the out folder names it, not where this machine keeps it.
            let file = String(QuarantineFile.path(outDir: env.outDir, sourcePath: input.path, sha256: input.sha256).dropFirst(env.outDir.count + 1))
            quarantined.append(OperatorPage.Quarantined(file: file,
                                                        rows: try store.pending.quarantinedRows(sha256: input.sha256).count))
        }
        let alerts = try store.alertLedger.all().sorted { ($1.firedAt, $1.customerID) < ($0.firedAt, $0.customerID) }
        // Every finance page written so far, linked from the operator's.
        let pages = (try? FileSystem.files(under: "\(folder)/finance")) ?? []
        let financeMonths = Set(pages.compactMap { path -> PeriodMonth? in
            guard let name = path.split(separator: "/").last, name.hasSuffix(".html") else { return nil }
            return PeriodMonth(String(name.dropLast(5)))
        }).union([month]).sorted(by: >)
        try put(OperatorPage(asOf: day, lastReconciled: lastDay, currency: base, runs: try store.runs(last: 15), reconciliation: reconciliation, audit: auditSummary,
                             auditMonth: auditMonth, alerts: alerts, quarantined: quarantined, financeMonths: financeMonths).html(), "index.html")

        // Each customer's page: their own figures only.
        var totals: [String: PeriodTotals] = [:]
        for t in try store.periods.totals(startingIn: month) where totals[t.customerID] == nil { totals[t.customerID] = t }
        var tokens: [String: [UTCDay: Int64]] = [:], calls: [String: [UTCDay: Int64]] = [:]
        for row in try store.periods.dailyRows(from: month.firstDay, to: month.next.lastDay) where row.status == .ok {
            tokens[row.customerID, default: [:]][row.day, default: 0] += row.inputTokens + row.outputTokens
            calls[row.customerID, default: [:]][row.day, default: 0] += row.requests
        }
        var models: [String: [String: CustomerPage.ModelUsage]] = [:]
        for (key, v) in summaries {
            for l in v.lines where l.serviceID.isEmpty {
                let k = "\(l.provider)\u{1}\(l.model)"
                var u = models[key.customerID]?[k] ?? CustomerPage.ModelUsage(provider: l.provider, model: l.model, tokens: 0, charge: .zero)
                u.tokens += l.quantity
                u.charge += l.charge ?? .zero
                models[key.customerID, default: [:]][k] = u
            }
        }
        let invoicesOf = Dictionary(grouping: receivables, by: \.customerID)
        let accounts = try store.creditLedger.accounts()
        var done = 0
        for history in catalog.customers.ids.compactMap({ catalog.customers[$0] }) {
            let id = history.id
            guard totals[id] != nil || invoicesOf[id] != nil || accounts[id] != nil else { continue }
            let v = history.inForce(on: min(day, BillingPeriod(month: month, billingDay: history.billingDay).lastDay))
            let page = CustomerPage(customerID: id, name: v.name, plan: v.plan, limits: env.config.plans[v.plan],
                                    period: BillingPeriod(month: month, billingDay: history.billingDay), tokensByDay: tokens[id] ?? [:],
                                    callsByDay: calls[id] ?? [:], totals: totals[id],
                                    byModel: (models[id] ?? [:]).values.sorted { ($0.provider, $0.model) < ($1.provider, $1.model) }, currency: base,
                                    invoices: invoicesOf[id] ?? [], asOf: day,
                                    credit: accounts[id].map { ($0.balance, history.current.currency ?? base) })
            try put(page.html(), "customers/\(SafeFileName.encode(id)).html")
            result.customerPages += 1
            done += 1
            if done % 1_000 == 0 { env.progress.update("site: customer pages", done: Int64(done), total: Int64(catalog.customers.count), unit: "pages") }
        }
        env.progress.finish()
        return result
    }
}
