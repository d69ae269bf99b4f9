import Logging
import SettleCore
import SettleStore

/// Periods whose summary no longer prices them as their terms now say (PRODUCT.md, "Current
/// prices" and "Customers over time"): an open period whose catalog was edited since it was
/// summed — a price added, a markup rule or a service changed, a plan changed in place — and an
/// issued period whose terms a back-dated version corrected. Invoicing sums them again first,
/// so that an invoice is issued at the prices its frozen terms hold, and an adjustment never
/// compares with a summary priced otherwise.
enum StalePeriods {
    /// The days, up to `through`, of the periods starting in `months` whose summaries were
    /// priced with other terms than they have now (`PricingFingerprint`): frozen terms for an
    /// issued period, today's catalog for the others.
    static func days(months: [PeriodMonth], store: any SettleStore, env: JobEnvironment, catalog: Catalog, through: UTCDay) throws -> [UTCDay] {
        let book = IssuedTermsBook(store: store, config: env.config, catalog: catalog)
        let customers = catalog.customers.all
        var days = Set<UTCDay>()
        for month in months {
            var start = customers.startIndex
            while start < customers.endIndex {
                let chunk = customers[start..<min(start + 1_000, customers.endIndex)]
                start = chunk.endIndex
                let priced = try store.periods.pricedWith(startingIn: month, customers: chunk.map(\.id))
                guard !priced.isEmpty else { continue }
                var byStart: [UTCDay: [String]] = [:]
                for c in chunk where priced[c.id] != nil {
                    byStart[BillingPeriod(month: month, billingDay: c.billingDay).firstDay, default: []].append(c.id)
                }
                var frozen: [String: IssuedTermsBook.Frozen] = [:]
                for (first, ids) in byStart { frozen.merge(try book.terms(periodStart: first, customers: ids)) { a, _ in a } }
                for c in chunk {
                    guard let stored = priced[c.id] else { continue }
                    let period = BillingPeriod(month: month, billingDay: c.billingDay)
                    let now = frozen[c.id].map { PricingFingerprint.of(catalogDigest: $0.digest, customer: $0.terms.customer, period: period) }
                        ?? PricingFingerprint.of(catalogDigest: book.todayDigest, customer: c, period: period)
                    guard stored != now else { continue }
                    days.formUnion(UTCDay.days(from: period.firstDay, through: min(period.lastDay, through)))
                }
            }
        }
        return days.sorted()
    }

    /// Sums again the stale periods of `months` (`days`) before they are invoiced; the
    /// aggregate's result, or nil when none was stale.
    static func sumAgain(months: [PeriodMonth], store: any SettleStore, env: JobEnvironment, catalog: Catalog,
                         through: UTCDay) throws -> Aggregate.Result? {
        let stale = try days(months: months, store: store, env: env, catalog: catalog, through: through)
        guard let first = stale.first, let last = stale.last else { return nil }
        env.logger.info("\(stale.count) days of periods whose catalog changed since they were summed are summed again (\(first) to \(last))")
        return try Aggregate(days: stale).compute(store: store, env: env, catalog: catalog)
    }
}
