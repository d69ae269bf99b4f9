import SettleCharts
import SettleCore

/// `site/customers/ID.html`: one customer's usage by day and model against their plan's limits,
/// their invoices with status, their credit balance, and nothing about anyone else (FINANCE.md,
/// "The site"), so that an operator can publish it to that customer. It links nowhere.
public struct CustomerPage: Sendable {
    public struct ModelUsage: Sendable, Hashable {
        public var provider: String
        public var model: String
        public var tokens: Int64
        public var charge: ExactDecimal
        public init(provider: String, model: String, tokens: Int64, charge: ExactDecimal) {
            self.provider = provider
            self.model = model
            self.tokens = tokens
            self.charge = charge
        }
    }

    public var customerID: String
    public var name: String
    public var plan: String
    public var limits: Plan?
    public var period: BillingPeriod
    /// Tokens per day of the period so far.
    public var tokensByDay: [UTCDay: Int64]
    public var callsByDay: [UTCDay: Int64]
    public var totals: PeriodTotals?
    public var byModel: [ModelUsage]
    /// The base currency usage is priced in.
    public var currency: String
    public var invoices: [Receivable]
    public var asOf: UTCDay
    public var credit: (balance: ExactDecimal, currency: String)?

    public init(customerID: String, name: String, plan: String, limits: Plan?, period: BillingPeriod, tokensByDay: [UTCDay: Int64], callsByDay: [UTCDay: Int64],
                totals: PeriodTotals?, byModel: [ModelUsage], currency: String, invoices: [Receivable], asOf: UTCDay,
                credit: (balance: ExactDecimal, currency: String)?) {
        self.customerID = customerID
        self.name = name
        self.plan = plan
        self.limits = limits
        self.period = period
        self.tokensByDay = tokensByDay
        self.callsByDay = callsByDay
        self.totals = totals
        self.byModel = byModel
        self.currency = currency
        self.invoices = invoices
        self.asOf = asOf
        self.credit = credit
    }

    public func html() -> String {
        let last = min(period.lastDay, max(asOf, period.firstDay))
        let days = (0...max(0, last.ordinal - period.firstDay.ordinal)).map { period.firstDay.adding(days: $0) }
        var running: Int64 = 0
        let cumulative = days.map { d -> ExactDecimal in
            running += tokensByDay[d] ?? 0
            return ExactDecimal(running)
        }
        // The plan's limit is drawn where the usage comes within a twentieth of it; below that,
        // a line at the top would flatten the usage to nothing, and the caption says the limit.
        let limit = limits?.tokenLimit
        let drawLimit = limit.map { running * 20 >= $0 } ?? false
        let chart = LineChart(title: "Tokens used this period, day by day (cumulative)", categories: days.map { String($0.description.suffix(5)) },
                              series: [LineChart.Series(name: "tokens", values: cumulative)],
                              limit: drawLimit ? limit.map { ("\(plan) plan limit: \(Format.count($0)) tokens", ExactDecimal($0)) } : nil)
        let caption = limit.map { drawLimit ? "Tokens per day against the \(plan) plan's limit"
            : "Tokens per day; the \(plan) plan's limit of \(Format.count($0)) tokens is far above (not drawn)" } ?? "Tokens per day"
        var running2: Int64 = 0
        let dayRows = days.compactMap { d -> [String]? in
            running2 += tokensByDay[d] ?? 0
            guard tokensByDay[d] != nil || callsByDay[d] != nil else { return nil }
            return [d.description, Format.count(tokensByDay[d] ?? 0), Format.count(running2), Format.count(callsByDay[d] ?? 0)]
        }
        var cards: [(String, String)] = []
        if let t = totals {
            cards.append(("tokens this period" + (limits?.tokenLimit.map { " of \(Format.count($0))" } ?? ""), Format.count(t.tokens)))
            cards.append(("calls" + (limits?.callLimit.map { " of \(Format.count($0))" } ?? ""), Format.count(t.calls)))
            cards.append(("usage cost (\(currency))" + (limits?.costLimit.map { " of \(Format.amount($0, currency))" } ?? ""), Format.amount(t.cost, currency)))
            cards.append(("projected tokens by the period's end", Format.count(t.projectedTokens)))
        }
        if let c = credit { cards.append(("prepaid credit balance", Format.money(c.balance, c.currency))) }
        let body: [HTML] = [
            Page.cards(cards),
            Page.section("Usage, \(period.firstDay) to \(period.lastDay)", [
                Page.figure(chart.svg(), table: Page.table(["day", "tokens", "tokens so far", "calls"], dayRows, numeric: [1, 2, 3]),
                            caption: caption + " (days without usage left out of the table)"),
                Page.table(["provider", "model", "tokens", "charge (\(currency))"], byModel.map {
                    [$0.provider, $0.model, Format.count($0.tokens), Format.amount($0.charge, currency)]
                }, numeric: [2, 3]),
            ]),
            Page.section("Invoices", invoices.isEmpty ? [Page.paragraph("No invoice issued yet.")] : [
                Page.table(["invoice", "issued", "due", "amount due", "paid", "credited", "open", "status"], invoices.map { r in
                    [r.number, r.issueDate.description, r.dueDate.description, Format.money(r.total, r.currency), Format.amount(r.paid, r.currency),
                     Format.amount(r.credited, r.currency), Format.amount(r.open, r.currency), r.status(on: asOf).rawValue]
                }, numeric: [3, 4, 5, 6], classes: [7: { "status-\($0)" }]),
            ]),
        ]
        return Page.document(title: "\(name): usage and invoices", subtitle: "\(customerID), \(plan) plan; as of \(asOf).", body: body)
    }
}
