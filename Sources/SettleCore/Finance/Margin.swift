/// Our price minus what the usage cost us upstream, for the finance workbook's Margin sheet.
///
/// Gateway traffic costs what the price book says the provider charges (error events
/// included: providers bill them); a marketplace service costs the seller's share of what the
/// customer paid after the free trial (gross less the platform fee), so its margin is the fee.
/// Figures are exact; rows are rounded to cents only when shown.
public struct MarginRow: Sendable, Hashable {
    public var provider: String
    public var model: String
    public var customerID: String
    public var revenue: ExactDecimal
    public var upstreamCost: ExactDecimal

    public var margin: ExactDecimal { revenue.roundedToCents - upstreamCost.roundedToCents }

    /// Margin per hundred of revenue, one decimal; nil without revenue.
    public var marginPct: ExactDecimal? {
        guard let r = (revenue.roundedToCents * ExactDecimal.hundred).exactInteger, r != 0,
              let m = (margin * ExactDecimal.hundred).exactInteger else { return nil }
        return ExactDecimal(m * 100).divided(by: r, places: 1)
    }
}

/// Revenue and upstream cost of a month's billing periods, by model, by provider and by customer.
///
/// Gathered a billing period at a time (`add`), so that a month-end reads its customers a
/// chunk at a time: the rows by model and provider are kept, each customer's row is handed
/// back to be written.
public struct MarginBook: Sendable {
    private var models: [String: MarginRow] = [:]
    private var providers: [String: MarginRow] = [:]
    private let services: [String: Service]
    public var byModel: [MarginRow] { models.values.sorted { ($0.provider, $0.model) < ($1.provider, $1.model) } }
    public var byProvider: [MarginRow] { providers.values.sorted { $0.provider < $1.provider } }
    /// Filled by `init(periods:services:)` only.
    public private(set) var byCustomer: [MarginRow] = []

    public init(services: [Service]) {
        self.services = Dictionary(services.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
    }

    public init(periods: [(customerID: String, lines: [UsageSummaryLine], trials: [TrialUse])], services: [Service]) {
        self.init(services: services)
        var customers: [String: MarginRow] = [:]
        for p in periods {
            guard let row = add(customerID: p.customerID, lines: p.lines, trials: p.trials) else { continue }
            customers[p.customerID, default: MarginRow(provider: "", model: "", customerID: p.customerID, revenue: .zero, upstreamCost: .zero)]
                .add(row.revenue, row.upstreamCost)
        }
        byCustomer = customers.values.sorted { $0.customerID < $1.customerID }
    }

    /// Adds one billing period; returns the customer's row (`row`, the customer's other
    /// periods, plus this one), or `row` when the period has no priced line.
    @discardableResult
    public mutating func add(customerID: String, lines: [UsageSummaryLine], trials: [TrialUse], to row: MarginRow? = nil) -> MarginRow? {
        var customer = row
        func add(_ provider: String, _ model: String, revenue: ExactDecimal, cost: ExactDecimal) {
            models["\(provider)\u{1}\(model)", default: MarginRow(provider: provider, model: model, customerID: "", revenue: .zero, upstreamCost: .zero)]
                .add(revenue, cost)
            providers[provider, default: MarginRow(provider: provider, model: "", customerID: "", revenue: .zero, upstreamCost: .zero)].add(revenue, cost)
            if customer == nil { customer = MarginRow(provider: "", model: "", customerID: customerID, revenue: .zero, upstreamCost: .zero) }
            customer?.add(revenue, cost)
        }
        var serviceRevenue: [String: (provider: String, model: String, revenue: ExactDecimal)] = [:]
        for l in lines {
            guard let charge = l.charge else { continue }
            if l.serviceID.isEmpty {
                add(l.provider, l.model, revenue: charge, cost: l.upstreamCost ?? .zero)
            } else {
                serviceRevenue[l.serviceID, default: (l.provider, l.model, .zero)].revenue += charge
            }
        }
        for t in trials {
            guard let s = services[t.serviceID], var sold = serviceRevenue[t.serviceID] else { continue }
            sold.revenue -= ExactDecimal(t.freeInput) * s.promptPricePer1K.shifted(right: 3)
                + ExactDecimal(t.freeOutput) * s.completionPricePer1K.shifted(right: 3)
            serviceRevenue[t.serviceID] = sold
        }
        for (id, v) in serviceRevenue {
            let fee = services[id].map { $0.platformFeePct.percent(of: v.revenue) } ?? .zero
            add(v.provider, v.model, revenue: v.revenue, cost: v.revenue - fee)
        }
        return customer
    }
}

extension MarginRow {
    mutating func add(_ revenue: ExactDecimal, _ cost: ExactDecimal) {
        self.revenue += revenue
        upstreamCost += cost
    }
}
