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
public struct MarginBook: Sendable {
    public private(set) var byModel: [MarginRow] = []
    public private(set) var byProvider: [MarginRow] = []
    public private(set) var byCustomer: [MarginRow] = []

    public init(periods: [(customerID: String, lines: [UsageSummaryLine], trials: [TrialUse])], services: [Service]) {
        let services = Dictionary(services.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var models: [String: MarginRow] = [:], providers: [String: MarginRow] = [:], customers: [String: MarginRow] = [:]
        func add(_ customer: String, _ provider: String, _ model: String, revenue: ExactDecimal, cost: ExactDecimal) {
            models["\(provider)\u{1}\(model)", default: MarginRow(provider: provider, model: model, customerID: "", revenue: .zero, upstreamCost: .zero)]
                .add(revenue, cost)
            providers[provider, default: MarginRow(provider: provider, model: "", customerID: "", revenue: .zero, upstreamCost: .zero)].add(revenue, cost)
            customers[customer, default: MarginRow(provider: "", model: "", customerID: customer, revenue: .zero, upstreamCost: .zero)].add(revenue, cost)
        }
        for p in periods {
            var serviceRevenue: [String: (provider: String, model: String, revenue: ExactDecimal)] = [:]
            for l in p.lines {
                guard let charge = l.charge else { continue }
                if l.serviceID.isEmpty {
                    add(p.customerID, l.provider, l.model, revenue: charge, cost: l.upstreamCost ?? .zero)
                } else {
                    serviceRevenue[l.serviceID, default: (l.provider, l.model, .zero)].revenue += charge
                }
            }
            for t in p.trials {
                guard let s = services[t.serviceID], serviceRevenue[t.serviceID] != nil else { continue }
                serviceRevenue[t.serviceID]!.revenue -= ExactDecimal(t.freeInput) * s.promptPricePer1K.shifted(right: 3)
                    + ExactDecimal(t.freeOutput) * s.completionPricePer1K.shifted(right: 3)
            }
            for (id, v) in serviceRevenue {
                let fee = services[id].map { $0.platformFeePct.percent(of: v.revenue) } ?? .zero
                add(p.customerID, v.provider, v.model, revenue: v.revenue, cost: v.revenue - fee)
            }
        }
        byModel = models.values.sorted { ($0.provider, $0.model) < ($1.provider, $1.model) }
        byProvider = providers.values.sorted { $0.provider < $1.provider }
        byCustomer = customers.values.sorted { $0.customerID < $1.customerID }
    }
}

extension MarginRow {
    mutating func add(_ revenue: ExactDecimal, _ cost: ExactDecimal) {
        self.revenue += revenue
        upstreamCost += cost
    }
}
