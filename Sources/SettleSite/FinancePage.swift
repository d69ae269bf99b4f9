import SettleCharts
import SettleCore

/// `site/finance/P.html`, finance's month: what was invoiced, the margin by model and by
/// customer, what customers still owe (aging), and what the sellers are owed.
public struct FinancePage: Sendable {
    public var month: PeriodMonth
    public var currency: String
    public var issued: IssuedMonth
    public var margin: MarginBook
    public var agingAsOf: UTCDay
    public var aging: [AgingRow]
    public var payouts: [Payout]

    public init(month: PeriodMonth, currency: String, issued: IssuedMonth, margin: MarginBook, agingAsOf: UTCDay, aging: [AgingRow], payouts: [Payout]) {
        self.month = month
        self.currency = currency
        self.issued = issued
        self.margin = margin
        self.agingAsOf = agingAsOf
        self.aging = aging
        self.payouts = payouts
    }

    public func html() -> String {
        let money = { (d: ExactDecimal) in Format.amount(d, self.currency) }
        let kinds: [(InvoiceLine.Kind, String)] = [(.planFee, "plan fees"), (.usage, "usage"), (.service, "marketplace services"), (.trial, "free trials"),
                                                   (.volumeDiscount, "volume discounts"), (.adjustment, "adjustments")]
        let byModel = margin.byModel
        let revenue = byModel.reduce(ExactDecimal.zero) { $0 + $1.revenue.roundedToCents }
        let cost = byModel.reduce(ExactDecimal.zero) { $0 + $1.upstreamCost.roundedToCents }
        let topCustomers = margin.byCustomer.sorted { ($1.margin, $0.customerID) < ($0.margin, $1.customerID) }.prefix(25)
        let modelChart = BarChart(title: "Margin by model (\(currency))", bars: byModel.map { BarChart.Bar(label: "\($0.provider) \($0.model)", value: $0.margin) })
        let currencies = Set(aging.map(\.currency)).sorted()
        var agingTotals: [String: AgingRow] = [:]
        for r in aging {
            var t = agingTotals[r.currency] ?? AgingRow(customerID: "", currency: r.currency)
            t.current += r.current
            t.days1to30 += r.days1to30
            t.days31to60 += r.days31to60
            t.days61to90 += r.days61to90
            t.over90 += r.over90
            agingTotals[r.currency] = t
        }
        let agingRows = currencies.compactMap { agingTotals[$0] }.map { t in
            [t.currency] + [t.current, t.days1to30, t.days31to60, t.days61to90, t.over90, t.total].map { Format.amount($0, t.currency) }
        }
        let body: [HTML] = [
            Page.cards([
                ("invoices issued", Format.count(issued.invoices)),
                ("credit notes and supplementary invoices", Format.count(issued.adjustments)),
                ("total invoiced", Format.money(issued.total, currency)),
                ("usage revenue before discount", Format.money(revenue, currency)),
                ("gross margin", Format.money(revenue - cost, currency)),
            ]),
            Page.section("Invoiced", [
                Page.table(["line", "amount (\(currency))"], kinds.map { [$0.1, money(issued.byLineKind[$0.0] ?? .zero)] }
                    + [["subtotal", money(issued.subtotal)], ["tax", money(issued.tax)], ["total", money(issued.total)],
                       ["prepaid credit applied", money(issued.creditsApplied)], ["amount due", money(issued.amountDue)]], numeric: [1]),
            ]),
            Page.section("Margin by model", [
                Page.figure(modelChart.svg(), table: Page.table(["provider", "model", "revenue", "upstream cost", "margin", "margin %"], byModel.map { r in
                    [r.provider, r.model, money(r.revenue), money(r.upstreamCost), money(r.margin), r.marginPct.map { $0.rounded(places: 1).normalized.description + " %" } ?? ""]
                }, numeric: [2, 3, 4, 5]), caption: "Revenue at the customers' prices against the providers' list prices, per model"),
            ]),
            Page.section("Margin by customer (the \(topCustomers.count) largest)", [
                Page.table(["customer", "revenue", "upstream cost", "margin", "margin %"], topCustomers.map { r in
                    [r.customerID, money(r.revenue), money(r.upstreamCost), money(r.margin), r.marginPct.map { $0.rounded(places: 1).normalized.description + " %" } ?? ""]
                }, numeric: [1, 2, 3, 4]),
            ]),
            Page.section("Receivables on \(agingAsOf)", aging.isEmpty ? [Page.paragraph("Nothing is open.")] : [
                Page.table(["currency", "current", "1–30 days", "31–60 days", "61–90 days", "over 90 days", "total"], agingRows, numeric: [1, 2, 3, 4, 5, 6]),
                Page.table(["customer", "currency", "current", "1–30 days", "31–60 days", "61–90 days", "over 90 days", "total"], aging.map { r in
                    [r.customerID, r.currency] + [r.current, r.days1to30, r.days31to60, r.days61to90, r.over90, r.total].map { Format.amount($0, r.currency) }
                }, numeric: [2, 3, 4, 5, 6, 7]),
            ]),
            Page.section("Payouts of \(month)", payouts.isEmpty ? [Page.paragraph("No marketplace service was sold.")] : [
                Page.table(["seller", "service", "gross", "platform fee", "net"], payouts.map { p in
                    [p.seller, p.serviceID, money(p.gross), money(p.platformFee), money(p.net)]
                }, numeric: [2, 3, 4]),
            ]),
        ]
        return Page.document(title: "settle: finance, \(month)", subtitle: "The billing periods that start in \(month), in \(currency); receivables as of \(agingAsOf).",
                             nav: [("Operator", "../index.html")], body: body)
    }
}
