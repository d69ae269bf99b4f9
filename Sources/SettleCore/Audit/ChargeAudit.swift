/// The charge audit (PRODUCT.md, "Charge audit"): what the gateway charged customers in real
/// time (`reported_cost` of ok events) against settle's own exact charge for the same events,
/// per UTC day, customer, provider, model and tier.
///
/// Status, the first that applies: `undercharged` / `overcharged` (the difference is beyond the
/// tolerance: a finding), `partial` (within it, but some events were not compared: they carry
/// no reported cost, or settle has no price for them, which aggregate reports), `matched`. An
/// undercharge is never hidden behind `partial`; a cell with nothing to compare is left out.
public struct ChargeAudit: Sendable {
    public var pricing: CustomerPricing
    public var customers: CustomerBook
    public var tolerance: ExactDecimal

    public init(pricing: CustomerPricing, customers: CustomerBook, tolerance: ExactDecimal) {
        self.pricing = pricing
        self.customers = customers
        self.tolerance = tolerance
    }

    struct Key: Hashable, Comparable {
        var day: UTCDay, customerID: String, provider: String, model: String, tier: Tier
        static func < (a: Key, b: Key) -> Bool {
            (a.day, a.customerID, a.provider, a.model, a.tier) < (b.day, b.customerID, b.provider, b.model, b.tier)
        }
    }

    /// The cells of the rows' days, sorted; only where some event carries a reported cost.
    public func cells(_ rows: [UsageDailyRow]) -> [ChargeAuditCell] {
        // Most gateways report a cost on every event or on none: a month of a hundred thousand
        // customers' rows without one is not walked twice, nor kept.
        let costed = Set(rows.lazy.filter { $0.costed && $0.status == .ok }.map {
            Key(day: $0.day, customerID: $0.customerID, provider: $0.provider, model: $0.model, tier: $0.tier)
        })
        guard !costed.isEmpty else { return [] }
        var acc: [Key: ChargeAuditCell] = [:]
        var markups = CustomerPricing.MarkupCache()
        for row in rows where row.status == .ok {
            let key = Key(day: row.day, customerID: row.customerID, provider: row.provider, model: row.model, tier: row.tier)
            guard costed.contains(key) else { continue }
            var cell = acc[key] ?? ChargeAuditCell(day: row.day, customerID: row.customerID, provider: row.provider, model: row.model,
                                                   tier: row.tier)
            cell.events += row.events
            if row.costed {
                let plan = customers[row.customerID]?.inForce(on: row.day).plan ?? ""
                var computed = ExactDecimal.zero
                var unpriced: Int64 = 0
                for (type, q) in CustomerPricing.quantities(row) where q != 0 {
                    if let price = pricing.unitPrice(row, type, plan: plan, cache: &markups) {
                        computed += ExactDecimal(q) * price
                    } else if type != .request {
                        // Requests are charged only where priced; tokens without a price cannot be compared.
                        unpriced += q
                    }
                }
                if unpriced > 0 {
                    cell.unpricedQuantity += unpriced
                } else {
                    cell.costedEvents += row.events
                    cell.reported += row.reportedCost
                    cell.computed += computed
                }
            }
            acc[key] = cell
        }
        return acc.filter { $0.value.costedEvents > 0 }.sorted { $0.key < $1.key }.map { _, c in
            var cell = c
            cell.status = status(of: c)
            return cell
        }
    }

    func status(of c: ChargeAuditCell) -> ChargeAuditStatus {
        let d = c.difference
        if d < .zero && -d > tolerance { return .undercharged }
        if d > tolerance { return .overcharged }
        return c.costedEvents < c.events ? .partial : .matched
    }
}

public enum ChargeAuditStatus: String, Sendable, CaseIterable {
    case matched, partial, undercharged, overcharged

    /// Money the gateway charged wrongly: what a human must read (exit 3).
    public var isFinding: Bool { self == .undercharged || self == .overcharged }
}

/// One row of `audit/DAY/charge-audit.csv`.
public struct ChargeAuditCell: Sendable, Hashable {
    public var day: UTCDay
    public var customerID: String
    public var provider: String
    public var model: String
    public var tier: Tier
    /// Ok events, with or without a reported cost.
    public var events: Int64 = 0
    /// Those that carry one and that settle can price: what is compared.
    public var costedEvents: Int64 = 0
    public var reported = ExactDecimal.zero
    /// settle's exact charge for the costed events (trial tokens counted as charged: the
    /// gateway does not know them).
    public var computed = ExactDecimal.zero
    /// Tokens of costed events with no price in force (their events are not compared).
    public var unpricedQuantity: Int64 = 0
    public var status = ChargeAuditStatus.matched

    public init(day: UTCDay, customerID: String, provider: String, model: String, tier: Tier) {
        self.day = day
        self.customerID = customerID
        self.provider = provider
        self.model = model
        self.tier = tier
    }

    /// Reported minus computed: negative when the gateway charged less (revenue lost).
    public var difference: ExactDecimal { reported - computed }
}
