import SettleCore

/// `finance-PERIOD.xlsx`: the month for an accountant, one question per sheet.
///
/// Customer figures are those of the billing periods that start in the month (what the
/// invoices cover); provider figures are those of the calendar month's days (what the
/// providers' bills cover). Money is rounded to cents per row, as on the invoices, and every
/// total is a formula.
public struct FinanceWorkbook: Sendable {
    /// One customer's month: the version history, the totals of the periods that start in the
    /// month (one, unless the billing day was changed by hand), its invoice (issued or draft,
    /// lines not needed) and its margin row.
    public struct CustomerMonth: Sendable {
        public var history: CustomerHistory
        public var totals: [PeriodTotals]
        public var invoice: Invoice?
        public var margin: MarginRow?

        public init(history: CustomerHistory, totals: [PeriodTotals], invoice: Invoice?, margin: MarginRow?) {
            self.history = history
            self.totals = totals
            self.invoice = invoice
            self.margin = margin
        }
    }

    public let month: PeriodMonth
    public let plans: [String: Plan]
    /// The sheets with a row per customer, gathered a customer at a time (`add`), in the
    /// catalog's id order; their rows wait in temporary files, not in memory.
    private var customerSheet: Sheet
    private var marginByCustomer: Sheet
    private var projectionSheet: Sheet
    /// Customers whose projection reaches a limit (the summary's figure).
    public private(set) var projectedOverLimit = 0

    /// `spillBytes`: bytes of rows per sheet held in memory before they go to a file.
    public init(month: PeriodMonth, plans: [String: Plan], spillBytes: Int = 4 << 20) {
        self.month = month
        self.plans = plans
        customerSheet = Sheet(name: "Customers", columns: Self.customerColumns, spillBytes: spillBytes)
        marginByCustomer = Sheet(name: "", columns: Self.marginColumns([Sheet.Column("customer_id"), Sheet.Column("")]), spillBytes: spillBytes)
        projectionSheet = Sheet(name: "Projections", columns: Self.projectionColumns, spillBytes: spillBytes)
    }

    /// Adds a customer's rows; customers come in the catalog's id order.
    public mutating func add(_ c: CustomerMonth) {
        let t = c.totals.first, inv = c.invoice
        if t != nil || inv != nil {
            let period = BillingPeriod(month: month, billingDay: c.history.billingDay)
            // The plan in force on the period's last day: the one its tax and limits follow.
            let v = c.history.inForce(on: period.lastDay)
            customerSheet.append([.text(v.id), .text(v.name), .text(v.plan), .text(period.firstDay.description),
                                  .text(inv.map { $0.number ?? "draft" } ?? ""), .integer(t?.events ?? 0), .integer(t?.tokens ?? 0),
                                  .integer(t?.calls ?? 0), Self.money(c.margin?.revenue ?? .zero), Self.money(c.margin?.upstreamCost ?? .zero),
                                  Self.money(c.margin?.margin ?? .zero), Self.money(inv.map { $0.inBase($0.subtotal) } ?? .zero),
                                  Self.money(inv.map { $0.inBase($0.tax) } ?? .zero), Self.money(inv.map { $0.inBase($0.total) } ?? .zero),
                                  Self.money(inv.map { $0.inBase($0.creditsApplied) } ?? .zero), Self.money(inv.map { $0.inBase($0.amountDue) } ?? .zero),
                                  // The document's own currency and total beside the base (FINANCE.md, "Currencies").
                                  .text(inv?.currency ?? ""), inv.map { .number($0.total) } ?? .empty])
        }
        if let m = c.margin { marginByCustomer.append([.text(m.customerID), .empty] + Self.marginCells(m)) }
        for t in c.totals {
            let plan = plans[t.plan]
            let over = FinanceFigures.projectedOverLimit(t, plans: plans)
            if !over.isEmpty { projectedOverLimit += 1 }
            projectionSheet.append([.text(t.customerID), .text(t.plan), .text(t.period.firstDay.description), .text(t.asOf.description),
                                    .integer(t.tokens), .integer(t.projectedTokens), plan?.tokenLimit.map { .integer($0) } ?? .empty,
                                    .integer(t.calls), .integer(t.projectedCalls), plan?.callLimit.map { .integer($0) } ?? .empty,
                                    Self.money(t.cost), Self.money(t.projectedCost), plan?.costLimit.map { Self.money($0) } ?? .empty,
                                    .text(over.joined(separator: ", "))])
        }
    }

    public func make(_ f: FinanceFigures, created: Timestamp) -> Workbook {
        var book = Workbook(currency: f.currency, created: created)
        book.add(Self.summary(f))
        book.add(customerSheet)
        book.add(Self.models(f))
        book.add(Self.providers(f))
        book.add(margin(f))
        book.add(Self.reconciliation(f))
        book.add(Self.alerts(f))
        book.add(Self.serviceQuality(f))
        book.add(projectionSheet)
        book.add(Self.daily(f))
        book.add(Self.credits(f))
        book.add(Self.receivables(f))
        book.add(Self.chargeAudit(f))
        book.charts = [
            Chart(kind: .line, title: "Daily usage, \(f.month) (tokens)", placedOn: "Summary", row: 26, column: 0, dataSheet: "Daily usage",
                  categoryColumn: 0, valueColumns: [3, 4], valueAxis: "tokens"),
            Chart(kind: .column, title: "Revenue and upstream cost by provider", placedOn: "Summary", row: 43, column: 0,
                  dataSheet: "Providers", categoryColumn: 0, valueColumns: [3, 4], valueAxis: f.currency),
        ]
        return book
    }

    static func money(_ d: ExactDecimal) -> Sheet.Cell { .number(d.roundedToCents) }
    static func pct(_ d: ExactDecimal?) -> Sheet.Cell { d.map { .number($0) } ?? .empty }

    static func summary(_ f: FinanceFigures) -> Sheet {
        var s = Sheet(name: "Summary", columns: [Sheet.Column("Figure", width: 50), Sheet.Column("Value", .decimal, width: 18)])
        let line: (InvoiceLine.Kind) -> ExactDecimal = { f.issued.byLineKind[$0] ?? .zero }
        let revenue = f.margin.byProvider.reduce(ExactDecimal.zero) { $0 + $1.revenue.roundedToCents }
        let cost = f.margin.byProvider.reduce(ExactDecimal.zero) { $0 + $1.upstreamCost.roundedToCents }
        let billed = f.reconciliation.reduce(ExactDecimal.zero) { $0 + $1.billedCost }
        let risk = f.reconciliation.reduce(ExactDecimal.zero) { $0 + $1.moneyAtRisk }
        let notMatched = f.reconciliation.reduce(0) { $0 + $1.notMatched }
        let rows: [(String, Sheet.Cell)] = [
            ("Period (billing periods starting in)", .text(f.month.description)),
            ("Invoices issued", .integer(Int64(f.issued.invoices))),
            ("Credit notes and supplementary invoices", .integer(Int64(f.issued.adjustments))),
            ("Invoices still draft", .integer(Int64(f.drafts))),
            ("Plan fees (issued)", .money(line(.planFee))),
            ("Usage (issued)", .money(line(.usage))),
            ("Marketplace services (issued)", .money(line(.service))),
            ("Free trials (issued)", .money(line(.trial))),
            ("Volume discounts (issued)", .money(line(.volumeDiscount))),
            ("Adjustments (issued)", .money(line(.adjustment))),
            ("Subtotal (issued)", .money(f.issued.subtotal)),
            ("Tax (issued)", .money(f.issued.tax)),
            ("Total invoiced", .money(f.issued.total)),
            ("Prepaid credits applied", .money(f.issued.creditsApplied)),
            ("Amount due", .money(f.issued.amountDue)),
            ("Usage and service revenue, before discount and tax", .money(revenue)),
            ("Upstream cost at the price book", .money(cost)),
            ("Gross margin", .money(revenue - cost)),
            ("Billed by providers (calendar month)", .money(billed)),
            ("Reconciliation cells not matched", .integer(Int64(notMatched))),
            ("Money at risk", .money(risk)),
            ("Alerts fired", .integer(Int64(f.alerts.count))),
            ("Customers projected over a limit", .integer(Int64(f.projectedOverLimit))),
            ("Receivables as of (the Receivables sheet)", .text(f.receivablesAsOf?.description ?? "")),
            ("Invoices open then", .integer(Int64(f.receivables.filter { $0.open > .zero }.count))),
        ]
        for (label, value) in rows { s.append([.text(label), value]) }
        s.pageBreaks = [rows.count + 2]
        return s
    }

    static let customerColumns = [
        Sheet.Column("customer_id"), Sheet.Column("name", width: 26), Sheet.Column("plan"), Sheet.Column("period_start", width: 12),
        Sheet.Column("invoice", width: 16), Sheet.Column("events", .integer, total: true), Sheet.Column("tokens", .integer, total: true),
        Sheet.Column("calls", .integer, total: true), Sheet.Column("revenue", .money, total: true),
        Sheet.Column("upstream_cost", .money, total: true), Sheet.Column("margin", .money, total: true),
        Sheet.Column("subtotal", .money, total: true), Sheet.Column("tax", .money, total: true), Sheet.Column("total", .money, total: true),
        Sheet.Column("credits_applied", .money, total: true), Sheet.Column("amount_due", .money, total: true),
        Sheet.Column("currency"), Sheet.Column("total_in_currency", .decimal),
    ]

    static let projectionColumns = [
        Sheet.Column("customer_id"), Sheet.Column("plan"), Sheet.Column("period_start", width: 12), Sheet.Column("as_of", width: 12),
        Sheet.Column("tokens", .integer), Sheet.Column("projected_tokens", .integer), Sheet.Column("token_limit", .integer),
        Sheet.Column("calls", .integer), Sheet.Column("projected_calls", .integer), Sheet.Column("call_limit", .integer),
        Sheet.Column("cost", .money), Sheet.Column("projected_cost", .money), Sheet.Column("cost_limit", .money),
        Sheet.Column("projected_over_limit", width: 20),
    ]

    static func marginColumns(_ keys: [Sheet.Column]) -> [Sheet.Column] {
        keys + [Sheet.Column("revenue", .money, total: true), Sheet.Column("upstream_cost", .money, total: true),
                Sheet.Column("margin", .money, total: true), Sheet.Column("margin_pct", .decimal)]
    }

    static func marginCells(_ m: MarginRow) -> [Sheet.Cell] {
        [money(m.revenue), money(m.upstreamCost), money(m.margin), pct(m.marginPct)]
    }

    static func models(_ f: FinanceFigures) -> Sheet {
        var s = Sheet(name: "Models", columns: marginColumns([Sheet.Column("provider"), Sheet.Column("model", width: 34)]))
        for m in f.margin.byModel { s.append([.text(m.provider), .text(m.model)] + marginCells(m)) }
        return s
    }

    static func providers(_ f: FinanceFigures) -> Sheet {
        var s = Sheet(name: "Providers", columns: [
            Sheet.Column("provider"), Sheet.Column("billed_by_provider", .money, total: true), Sheet.Column("money_at_risk", .money, total: true),
            Sheet.Column("revenue", .money, total: true), Sheet.Column("upstream_cost", .money, total: true),
            Sheet.Column("margin", .money, total: true), Sheet.Column("cells_not_matched", .integer, total: true),
        ])
        var billed: [String: (ExactDecimal, ExactDecimal, Int)] = [:]
        for r in f.reconciliation {
            var v = billed[r.provider] ?? (.zero, .zero, 0)
            v.0 += r.billedCost
            v.1 += r.moneyAtRisk
            v.2 += r.notMatched
            billed[r.provider] = v
        }
        let margins = Dictionary(f.margin.byProvider.map { ($0.provider, $0) }, uniquingKeysWith: { a, _ in a })
        for p in Set(billed.keys).union(margins.keys).sorted() {
            let b = billed[p] ?? (.zero, .zero, 0), m = margins[p]
            s.append([.text(p), money(b.0), money(b.1), money(m?.revenue ?? .zero), money(m?.upstreamCost ?? .zero),
                      money(m?.margin ?? .zero), .integer(Int64(b.2))])
        }
        return s
    }

    func margin(_ f: FinanceFigures) -> Sheet {
        var s = Sheet(name: "Margin", columns: Self.marginColumns([Sheet.Column("provider"), Sheet.Column("model", width: 34)]))
        for m in f.margin.byModel { s.append([.text(m.provider), .text(m.model)] + Self.marginCells(m)) }
        var byProvider = Sheet(name: "", columns: Self.marginColumns([Sheet.Column("provider"), Sheet.Column("")]))
        for m in f.margin.byProvider { byProvider.append([.text(m.provider), .empty] + Self.marginCells(m)) }
        s.below = [("Margin by provider", byProvider), ("Margin by customer", marginByCustomer)]
        return s
    }

    static func reconciliation(_ f: FinanceFigures) -> Sheet {
        var s = Sheet(name: "Reconciliation", columns: [
            Sheet.Column("day", width: 12), Sheet.Column("through", width: 12), Sheet.Column("provider"),
            Sheet.Column("cells", .integer, total: true),
            Sheet.Column("matched", .integer, total: true), Sheet.Column("not_matched", .integer, total: true),
            Sheet.Column("expected_cost", .money, total: true), Sheet.Column("billed_cost", .money, total: true),
            Sheet.Column("money_at_risk", .money, total: true), Sheet.Column("findings", width: 40),
        ])
        for r in f.reconciliation {
            let findings = ReconciliationStatus.allCases.filter { $0 != .matched }.compactMap { st in r.byStatus[st].map { "\($0) \(st.rawValue)" } }
            s.append([.text(r.day.description), .text(r.through?.description ?? ""), .text(r.provider), .integer(Int64(r.cells)),
                      .integer(Int64(r.matched)),
                      .integer(Int64(r.notMatched)), money(r.expectedCost), money(r.billedCost), money(r.moneyAtRisk),
                      .text(findings.joined(separator: ", "))])
        }
        return s
    }

    static func alerts(_ f: FinanceFigures) -> Sheet {
        var s = Sheet(name: "Alerts", columns: [
            Sheet.Column("fired_at", width: 22), Sheet.Column("customer_id"), Sheet.Column("metric", width: 16), Sheet.Column("threshold", .integer),
            Sheet.Column("severity"), Sheet.Column("usage", .decimal), Sheet.Column("limit", .decimal),
        ])
        for a in f.alerts {
            s.append([.text(a.firedAt.description), .text(a.customerID), .text(a.metric.description), .integer(Int64(a.threshold)),
                      .text(a.severity.rawValue), .number(a.usage), .number(a.limit)])
        }
        return s
    }

    static func serviceQuality(_ f: FinanceFigures) -> Sheet {
        var s = Sheet(name: "Service quality", columns: [
            Sheet.Column("provider"), Sheet.Column("model", width: 34), Sheet.Column("service_id"),
            Sheet.Column("requests", .integer, total: true), Sheet.Column("errors", .integer, total: true),
            Sheet.Column("error_rate_pct", .decimal), Sheet.Column("latency_p50_ms", .integer), Sheet.Column("latency_p95_ms", .integer),
            Sheet.Column("latency_p99_ms", .integer),
        ])
        func ms(_ v: Int64?) -> Sheet.Cell { v.map { .integer($0) } ?? .empty }
        for q in f.serviceQuality {
            s.append([.text(q.provider), .text(q.model), .text(q.serviceID), .integer(q.requests), .integer(q.errors),
                      .number(q.errorRatePct), ms(q.p50), ms(q.p95), ms(q.p99)])
        }
        return s
    }

    static func daily(_ f: FinanceFigures) -> Sheet {
        var s = Sheet(name: "Daily usage", columns: [
            Sheet.Column("day", width: 12), Sheet.Column("events", .integer, total: true), Sheet.Column("error_events", .integer, total: true),
            Sheet.Column("input_tokens", .integer, total: true), Sheet.Column("output_tokens", .integer, total: true),
            Sheet.Column("requests", .integer, total: true),
        ])
        for d in f.daily {
            s.append([.text(d.day.description), .integer(d.events), .integer(d.errorEvents), .integer(d.inputTokens),
                      .integer(d.outputTokens), .integer(d.requests)])
        }
        return s
    }

    static func credits(_ f: FinanceFigures) -> Sheet {
        // Each customer's credit is in its own currency (named last): the totals add up only
        // where every customer's is the base.
        var s = Sheet(name: "Credits", columns: [Sheet.Column("customer_id")] + CreditStatementRow.columns.dropFirst().map {
            Sheet.Column($0, .money, total: true)
        } + [Sheet.Column("currency")])
        for r in f.credits { s.append([.text(r.customerID)] + r.cells.map(money) + [.text(r.currency)]) }
        return s
    }

    /// Receivables (FINANCE.md, "Payments and receivables"): the columns of
    /// `receivables/D/open-invoices.csv` for the month's invoices and every older one still
    /// open, as of `receivablesAsOf`. Each row is in its invoice's currency (named beside it),
    /// so the columns have no totals.
    static func receivables(_ f: FinanceFigures) -> Sheet {
        var s = Sheet(name: "Receivables", columns: [Sheet.Column("number", width: 18), Sheet.Column("customer_id"), Sheet.Column("currency"),
                                                     Sheet.Column("issue_date"), Sheet.Column("due_date"), Sheet.Column("total", .decimal),
                                                     Sheet.Column("paid", .decimal), Sheet.Column("credited", .decimal),
                                                     Sheet.Column("open", .decimal), Sheet.Column("days_overdue", .integer),
                                                     Sheet.Column("status")])
        guard let day = f.receivablesAsOf else { return s }
        for r in f.receivables {
            s.append([.text(r.number), .text(r.customerID), .text(r.currency), .text(r.issueDate.description), .text(r.dueDate.description),
                      .number(r.total), .number(r.paid), .number(r.credited), .number(r.open), .integer(Int64(r.daysOverdue(on: day))),
                      .text(r.status(on: day).rawValue)])
        }
        return s
    }

    /// The month's charge audit: the rows of `audit/YYYY-MM/charge-audit-summary.csv` (one per
    /// provider, model and tier), and below them every cell that is not matched. Amounts keep
    /// the files' six decimals (a day's cell is fractions of a cent; the currency format shows
    /// cents), and unpriced rows leave computed and difference empty.
    static func chargeAudit(_ f: FinanceFigures) -> Sheet {
        func amount(_ d: ExactDecimal?) -> Sheet.Cell { d.map { .number($0.rounded(places: 6)) } ?? .empty }
        func amounts() -> [Sheet.Column] {
            [Sheet.Column("reported", .money, total: true), Sheet.Column("computed", .money, total: true),
             Sheet.Column("difference", .money, total: true)]
        }
        var s = Sheet(name: "Charge audit", columns: [Sheet.Column("provider"), Sheet.Column("model", width: 34), Sheet.Column("tier"),
                                                      Sheet.Column("days", .integer), Sheet.Column("events", .integer, total: true, width: 18),
                                                      Sheet.Column("events_reported", .integer, total: true)] + amounts()
                      + [Sheet.Column("difference_pct", .decimal), Sheet.Column("status")])
        for r in f.chargeAuditSummary {
            s.append([.text(r.provider), .text(r.model), .text(r.tier.rawValue), .integer(Int64(r.days)), .integer(r.events),
                      .integer(r.eventsReported), amount(r.reported), amount(r.computed), amount(r.difference), pct(r.differencePct),
                      .text(r.status.rawValue)])
        }
        // In the columns of the table above (amounts under amounts), so that each is as wide as
        // it needs (a sheet has one width per column).
        var cells = Sheet(name: "", columns: [Sheet.Column("provider"), Sheet.Column("model"), Sheet.Column("tier"), Sheet.Column("day"),
                                              Sheet.Column("customer_id"), Sheet.Column("events", .integer)] + amounts()
                          + [Sheet.Column("events_reported", .integer), Sheet.Column("status")])
        for c in f.chargeAudit where c.status != .matched {
            cells.append([.text(c.provider), .text(c.model), .text(c.tier.rawValue), .text(c.day.description), .text(c.customerID),
                          .integer(c.events), amount(c.reported), amount(c.computed), amount(c.difference), .integer(c.eventsReported),
                          .text(c.status.rawValue)])
        }
        s.below = [("Cells not matched", cells)]
        return s
    }
}
