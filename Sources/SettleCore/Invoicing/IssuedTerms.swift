/// What a period was issued on (PRODUCT.md, "Customers over time"): an issued invoice is never
/// recomputed from today's catalog. Issuing a period stores these terms with its document, and
/// every later computation for that period — late usage, a restatement, `--adjust`, `close`,
/// `rerun` — prices with them, so that an in-place edit of customers.csv, settle.toml,
/// services.csv or prices.csv changes periods not yet issued and never issued ones.
public struct IssuedTerms: Sendable {
    /// The customer's versions as the catalog held them when the period was issued.
    public var customer: CustomerHistory
    /// The rest of the catalog that prices a period, as it was then.
    public var catalog: CatalogTerms

    public init(customer: CustomerHistory, catalog: CatalogTerms) {
        self.customer = customer
        self.catalog = catalog
    }

    /// The customer's history with the versions the catalog has since gained inside `period`
    /// (a back-dated `effective_from` in an issued period: the one way to correct a past plan,
    /// applied by `invoice --adjust --catalog`), or nil when it has none. Versions the terms
    /// already hold keep their frozen contents: an in-place edit of an existing row is not a
    /// correction, and only the new versions come from today's catalog.
    public func backdated(_ today: CustomerHistory, in period: BillingPeriod) -> CustomerHistory? {
        let frozen = Dictionary(customer.versions.map { ($0.effectiveFrom?.ordinal ?? Int.min, $0) }, uniquingKeysWith: { a, _ in a })
        let added = today.versions.filter { v in
            guard let from = v.effectiveFrom, from >= period.firstDay, from <= period.lastDay else { return false }
            return frozen[from.ordinal] == nil
        }
        guard !added.isEmpty else { return nil }
        let merged = today.versions.map { frozen[$0.effectiveFrom?.ordinal ?? Int.min] ?? $0 }
        return CustomerHistory(versions: merged)
    }
}

/// The parts of the catalog that price a customer's period: plans (fees and limits), markup
/// rules, marketplace services, the price book and tier multipliers, and volume discounts. A
/// month-end freezes one of these for every period it issues; all of them are usually the same
/// value, so the store keeps each distinct one once.
public struct CatalogTerms: Sendable, Hashable {
    public var plans: [String: Plan]
    public var markupDefaultPct: ExactDecimal
    public var markupRules: [MarkupRule]
    public var services: [Service]
    public var prices: [PriceRow]
    public var tierMultipliers: [Tier: ExactDecimal]
    public var volumeDiscounts: [VolumeDiscount]

    public init(plans: [String: Plan], markupDefaultPct: ExactDecimal, markupRules: [MarkupRule], services: [Service],
                prices: [PriceRow], tierMultipliers: [Tier: ExactDecimal], volumeDiscounts: [VolumeDiscount]) {
        self.plans = plans
        self.markupDefaultPct = markupDefaultPct
        self.markupRules = markupRules
        self.services = services
        self.prices = prices
        self.tierMultipliers = tierMultipliers
        self.volumeDiscounts = volumeDiscounts
    }

    /// Today's terms: what a period issued now is frozen with.
    public init(config: SettleConfig, catalog: Catalog) {
        self.init(plans: config.plans, markupDefaultPct: config.markup.defaultPct, markupRules: config.markup.rules,
                  services: catalog.services, prices: catalog.prices, tierMultipliers: config.tierMultipliers,
                  volumeDiscounts: config.volumeDiscounts)
    }

    public var markup: MarkupPolicy {
        var m = MarkupPolicy()
        m.defaultPct = markupDefaultPct
        m.rules = markupRules
        return m
    }

    public var priceBook: PriceBook { PriceBook(rows: prices, tierMultipliers: tierMultipliers) }

    public var summarizer: PeriodSummarizer { PeriodSummarizer(priceBook: priceBook, markup: markup, services: services) }

    /// The invoice rules of these terms; currency and payment terms are the issuer's of today
    /// (they belong to the new document, not to the period's prices).
    public func rules(currency: String, paymentTermsDays: Int) -> InvoiceRules {
        InvoiceRules(currency: currency, paymentTermsDays: paymentTermsDays, volumeDiscounts: volumeDiscounts, services: services,
                     plans: plans)
    }

    /// These terms with plans today's settle.toml has and these lack (a back-dated version may
    /// name a plan made after the period was issued); plans the terms hold keep their frozen fees.
    public func addingPlans(_ today: [String: Plan]) -> CatalogTerms {
        var out = self
        out.plans.merge(today) { frozen, _ in frozen }
        return out
    }
}

/// What a period's summary was priced with: the catalog terms (by digest) and the plans the
/// customer was on during the period (markup rules may name a plan). Kept with the summary, it
/// tells a month-end whether the summary still prices the period as its terms now say — after
/// an in-place edit of an open period's catalog, or a back-dated version applied to an issued
/// one — so that it is summed again before it is invoiced.
public enum PricingFingerprint {
    public static func of(catalogDigest: String, customer: CustomerHistory, period: BillingPeriod) -> String {
        var plans = ["\(customer.inForce(on: period.firstDay).plan)@"]
        for v in customer.versions {
            guard let from = v.effectiveFrom, from > period.firstDay, from <= period.lastDay else { continue }
            plans.append("\(v.plan)@\(from)")
        }
        return catalogDigest + "|" + plans.joined(separator: ",")
    }
}
