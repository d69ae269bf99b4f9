/// The charge audit (PRODUCT.md, "Charge audit"): what the gateway charged customers in real
/// time (`reported_cost` of ok events) against settle's own exact charge for the same events,
/// per UTC day, customer, provider, model and tier, and per model over the calendar month.
///
/// Reported and computed are compared over the events that carry a reported cost, whatever
/// share of the cell's events they are. Status, the first that applies (`status(...)`, the one
/// rule for cells and month rows): `unpriced` (some of those events have no price in force:
/// there is nothing exact to compare with), `undercharged` / `overcharged` (the difference is
/// beyond the tolerance: a finding), `partial` (within it, but not every event was compared),
/// `matched`. The tolerance is max(`tolerance`, `tolerancePct` % of computed): an absolute
/// tolerance alone would call a cell charged at half price matched whenever the cell is small,
/// and a month of small cells is how a stale price looks.
public struct ChargeAudit: Sendable {
    public var pricing: CustomerPricing
    public var customers: CustomerBook
    /// The absolute part of the tolerance, in the currency.
    public var tolerance: ExactDecimal
    /// The relative part, a percentage of computed.
    public var tolerancePct: ExactDecimal

    public init(pricing: CustomerPricing, customers: CustomerBook, tolerance: ExactDecimal, tolerancePct: ExactDecimal) {
        self.pricing = pricing
        self.customers = customers
        self.tolerance = tolerance
        self.tolerancePct = tolerancePct
    }

    struct Key: Hashable, Comparable {
        var day: UTCDay, customerID: String, provider: String, model: String, tier: Tier
        static func < (a: Key, b: Key) -> Bool {
            (a.day, a.customerID, a.provider, a.model, a.tier) < (b.day, b.customerID, b.provider, b.model, b.tier)
        }
    }

    /// The cells of the rows' days, sorted; only where some ok event carries a reported cost.
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
                cell.eventsReported += row.events
                cell.reported += row.reportedCost
                // Once one costed row cannot be priced the cell has no exact charge to compare.
                if let sum = cell.computed, let rowCharge = charge(of: row, cache: &markups) {
                    cell.computed = sum + rowCharge
                } else {
                    cell.computed = nil
                }
            }
            acc[key] = cell
        }
        return acc.sorted { $0.key < $1.key }.map { _, c in
            var cell = c
            cell.status = status(reported: c.reported, computed: c.computed, comparedEvents: c.eventsReported, events: c.events)
            return cell
        }
    }

    /// settle's exact charge for a costed row (trial tokens counted as charged: the gateway does
    /// not know them); nil when some of its tokens have no price in force. Requests are charged
    /// only where priced.
    func charge(of row: UsageDailyRow, cache markups: inout CustomerPricing.MarkupCache) -> ExactDecimal? {
        let plan = customers[row.customerID]?.inForce(on: row.day).plan ?? ""
        var computed = ExactDecimal.zero
        for (type, q) in CustomerPricing.quantities(row) where q != 0 {
            if let price = pricing.unitPrice(row, type, plan: plan, cache: &markups) {
                computed += ExactDecimal(q) * price
            } else if type != .request {
                return nil
            }
        }
        return computed
    }

    /// The month's rows, one per provider, model and tier, from the month's cells (sorted).
    ///
    /// The comparison runs over the cells settle could price: an unpriced cell has no computed
    /// charge to add, and one unpriced customer must not hide a model charged at a stale price
    /// all month (its events still count in `events` and `events_reported`, so the row is at
    /// best `partial`). A model with no priced cell at all is `unpriced` and shows what was
    /// reported.
    public func summary(_ cells: [ChargeAuditCell]) -> [ChargeAuditSummaryRow] {
        summary(Self.dayTotals(cells))
    }

    /// The cells of days summed per day, provider, model and tier: what a month's summary adds
    /// up, kept by the store so that a night audits its own days, not the whole month again.
    public static func dayTotals(_ cells: [ChargeAuditCell]) -> [ChargeAuditDayTotal] {
        var byKey: [ChargeAuditDayTotal.Key: ChargeAuditDayTotal] = [:]
        for c in cells {
            let k = ChargeAuditDayTotal.Key(day: c.day, provider: c.provider, model: c.model, tier: c.tier)
            var t = byKey[k] ?? ChargeAuditDayTotal(key: k)
            t.events += c.events
            t.eventsReported += c.eventsReported
            if let computed = c.computed {
                t.priced = true
                t.comparedEvents += c.eventsReported
                t.reported += c.reported
                t.computed += computed
            } else {
                t.unpricedReported += c.reported
            }
            byKey[k] = t
        }
        return byKey.sorted { $0.key < $1.key }.map(\.value)
    }

    /// The month's rows, one per provider, model and tier, from its days' totals: reported and
    /// computed compared over the priced cells (a model with none is `unpriced`, showing what
    /// was reported), by the same rule as a cell.
    public func summary(_ totals: [ChargeAuditDayTotal]) -> [ChargeAuditSummaryRow] {
        struct Model: Hashable, Comparable {
            var provider: String, model: String, tier: Tier
            static func < (a: Model, b: Model) -> Bool { (a.provider, a.model, a.tier) < (b.provider, b.model, b.tier) }
        }
        struct Sums {
            var days = Set<UTCDay>()
            var events: Int64 = 0, eventsReported: Int64 = 0, comparedEvents: Int64 = 0
            var reported = ExactDecimal.zero, unpricedReported = ExactDecimal.zero, computed = ExactDecimal.zero
            var priced = false
        }
        var byModel: [Model: Sums] = [:]
        for t in totals {
            let k = Model(provider: t.key.provider, model: t.key.model, tier: t.key.tier)
            var s = byModel[k] ?? Sums()
            s.days.insert(t.key.day)
            s.events += t.events
            s.eventsReported += t.eventsReported
            s.comparedEvents += t.comparedEvents
            s.reported += t.reported
            s.unpricedReported += t.unpricedReported
            s.computed += t.computed
            s.priced = s.priced || t.priced
            byModel[k] = s
        }
        return byModel.sorted { $0.key < $1.key }.map { k, s in
            var row = ChargeAuditSummaryRow(provider: k.provider, model: k.model, tier: k.tier)
            row.days = s.days.count
            row.events = s.events
            row.eventsReported = s.eventsReported
            row.reported = s.priced ? s.reported : s.unpricedReported
            row.computed = s.priced ? s.computed : nil
            row.status = status(reported: row.reported, computed: row.computed, comparedEvents: s.priced ? s.comparedEvents : 0,
                                events: s.events)
            return row
        }
    }

    /// The one rule of cells and month rows. `comparedEvents`: the events whose reported cost
    /// was compared; `events`: all ok events of the cell or row.
    public func status(reported: ExactDecimal, computed: ExactDecimal?, comparedEvents: Int64, events: Int64) -> ChargeAuditStatus {
        guard let computed else { return .unpriced }
        let difference = reported - computed
        let allowed = max(tolerance, tolerancePct.percent(of: computed.magnitude))
        if difference.magnitude > allowed { return difference.isNegative ? .undercharged : .overcharged }
        return comparedEvents < events ? .partial : .matched
    }
}

public enum ChargeAuditStatus: String, Sendable, CaseIterable {
    case matched, partial, undercharged, overcharged, unpriced

    /// Money the gateway charged wrongly: what a human must read (exit 3). Unpriced usage is
    /// aggregate's finding already (invoices wait as drafts), not the audit's.
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
    /// Those that carry one: what is compared.
    public var eventsReported: Int64 = 0
    /// The sum of their reported costs.
    public var reported = ExactDecimal.zero
    /// settle's exact charge for the same events (trial tokens counted as charged: the gateway
    /// does not know them); nil when some of them have no price in force (`unpriced`).
    public var computed: ExactDecimal? = .zero
    public var status = ChargeAuditStatus.matched

    public init(day: UTCDay, customerID: String, provider: String, model: String, tier: Tier) {
        self.day = day
        self.customerID = customerID
        self.provider = provider
        self.model = model
        self.tier = tier
    }

    /// Reported minus computed: negative when the gateway charged less (revenue lost); nil when unpriced.
    public var difference: ExactDecimal? { computed.map { reported - $0 } }
}

/// One row of `audit/YYYY-MM/charge-audit-summary.csv`: a provider, model and tier over the
/// calendar month's audited days so far.
public struct ChargeAuditSummaryRow: Sendable, Hashable {
    public var provider: String
    public var model: String
    public var tier: Tier
    /// Days with a cell.
    public var days = 0
    public var events: Int64 = 0
    public var eventsReported: Int64 = 0
    /// Over the priced cells (every cell's when none is priced).
    public var reported = ExactDecimal.zero
    /// nil: no cell of the month could be priced (`unpriced`).
    public var computed: ExactDecimal? = .zero
    public var status = ChargeAuditStatus.matched

    public init(provider: String, model: String, tier: Tier) {
        self.provider = provider
        self.model = model
        self.tier = tier
    }

    public var difference: ExactDecimal? { computed.map { reported - $0 } }

    /// The difference per hundred of computed, two decimals (half away from zero); nil when
    /// unpriced or nothing was computed.
    public var differencePct: ExactDecimal? {
        guard let computed, let difference else { return nil }
        return ChargeAuditSummaryRow.percent(difference, of: computed)
    }

    /// `part` × 100 / `whole` to two decimals, from both rounded to billionths (reported costs
    /// are summed in billionths; the percentage is for reading, the status is decided exactly).
    static func percent(_ part: ExactDecimal, of whole: ExactDecimal) -> ExactDecimal? {
        let w = whole.rounded(places: 9).significand
        guard w != 0 else { return nil }
        let (p, overflow) = part.rounded(places: 9).significand.multipliedReportingOverflow(by: 10_000)
        guard !overflow else { return nil }
        var q = p / w
        let r = p % w
        if r.magnitude * 2 >= w.magnitude { q += (p < 0) != (w < 0) ? -1 : 1 }
        return ExactDecimal(significand: q, scale: 2)
    }
}

/// One day's audit of a provider's model and tier over every customer: the cells' sums that a
/// month's summary adds up (`ChargeAudit.summary`).
public struct ChargeAuditDayTotal: Sendable, Hashable {
    public struct Key: Sendable, Hashable, Comparable {
        public var day: UTCDay
        public var provider: String
        public var model: String
        public var tier: Tier
        public init(day: UTCDay, provider: String, model: String, tier: Tier) {
            self.day = day
            self.provider = provider
            self.model = model
            self.tier = tier
        }
        public static func < (a: Key, b: Key) -> Bool { (a.day, a.provider, a.model, a.tier) < (b.day, b.provider, b.model, b.tier) }
    }

    public var key: Key
    public var events: Int64 = 0
    public var eventsReported: Int64 = 0
    /// The reported events of priced cells: those compared.
    public var comparedEvents: Int64 = 0
    /// Reported cost of priced cells, and of unpriced ones.
    public var reported = ExactDecimal.zero
    public var unpricedReported = ExactDecimal.zero
    public var computed = ExactDecimal.zero
    /// Whether any cell of the day was priced.
    public var priced = false

    public init(key: Key) { self.key = key }
}
