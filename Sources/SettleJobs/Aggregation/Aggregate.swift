import Foundation
import SettleCore
import SettleFormats
import SettleStore
import Logging
import SettleThreads

/// `settle aggregate --from D --to D`: usage per customer and billing period, priced.
///
/// Incremental: each load keeps the daily rows of the days it stores events on up to date
/// (`LoadRollup`), so only the days D…E whose rows are not current (never rolled up, touched by
/// a load that could not sum them, or split at other price stretches than the price book's now)
/// are summed from their events, and so is any day of the periods they touch that was never
/// rolled up; `rebuild` sums D…E from their events whatever their state. Then each customer's
/// periods that overlap D…E are rebuilt from their days. A period is anchored on the customer's
/// billing_day.
public struct Aggregate: Job {
    /// The days whose periods to rebuild, sorted.
    public var days: [UTCDay]
    /// Sum every day of `days` from its events again, even when its daily rows are current
    /// (`rerun`, `aggregate --rebuild`): the repair path.
    public var rebuild = false
    public var from: UTCDay { days.first! }
    public var to: UTCDay { days.last! }

    public init(from: UTCDay, to: UTCDay) {
        self.days = UTCDay.days(from: from, through: to)
    }

    /// Scattered days (nightly's yesterday and the earlier days that late events touched).
    public init(days: [UTCDay]) {
        precondition(!days.isEmpty, "aggregate needs at least one day")
        self.days = Set(days).sorted()
    }

    public struct Result: JobResult, Sendable {
        public init() {}
        public var runRecord: RunRecord?
        /// The days aggregated (their periods rebuilt).
        public var days: [UTCDay] = []
        /// Those of them, and other days of their periods, summed from their events.
        public var daysRolledUp: [UTCDay] = []
        /// The billing periods rebuilt, and their figures summed: the periods themselves are in
        /// the store (a million customers' totals held here were a tenth of a night's memory).
        public var periodCount = 0
        public var tokens: Int64 = 0
        /// Charges before discounts and tax.
        public var cost: ExactDecimal = .zero
        /// Tokens with no price in force, and the first customers (by id) who used them.
        public var unpriced: Int64 = 0
        public var unpricedCustomers: [String] = []
        static let namedUnpricedCustomers = 6
        /// Events of customers missing from customers.csv: counted, not billable.
        public var unknownCustomers: [String: Int64] = [:]

        mutating func count(_ totals: PeriodTotals) {
            periodCount += 1
            tokens += totals.tokens
            cost += totals.cost
            guard totals.unpricedQuantity > 0 else { return }
            unpriced += totals.unpricedQuantity
            if unpricedCustomers.count < Self.namedUnpricedCustomers { unpricedCustomers.append(totals.customerID) }
        }
        public var status: ExitStatus { unknownCustomers.isEmpty && unpriced == 0 ? .ok : .findings }
        /// One line for the run record and the operator, or nil when there is nothing to read.
        public var findings: String? {
            var message: [String] = []
            if unpriced > 0 { message.append("\(unpriced) tokens have no price in force") }
            if !unknownCustomers.isEmpty { message.append("usage of \(unknownCustomers.count) customers not in customers.csv") }
            return message.isEmpty ? nil : message.joined(separator: "; ")
        }
    }

    public var name: String { "aggregate" }

    public func parameters(env: JobEnvironment, prepared: Catalog, startedAt: Timestamp) -> [String: String] {
        ["from": from.description, "to": to.description].merging(rebuild ? ["rebuild": "true"] : [:]) { a, _ in a }
    }

    public func run(store: any SettleStore, env: JobEnvironment, prepared catalog: Catalog, runID: String, startedAt: Timestamp) throws -> (Result, JobRun.Outcome) {
        let result = try compute(store: store, env: env, catalog: catalog)
        return (result, JobRun.Outcome(status: result.status, message: result.findings))
    }

    /// The days of every billing period (any billing_day) that overlaps from…to.
    func periodSpan(billingDays: Set<Int>) -> (UTCDay, UTCDay) {
        var first = from, last = to
        for day in billingDays {
            first = min(first, BillingPeriod(containing: from, billingDay: day).firstDay)
            last = max(last, BillingPeriod(containing: to, billingDay: day).lastDay)
        }
        return (first, last)
    }

    func compute(store: any SettleStore, env: JobEnvironment, catalog: Catalog) throws -> Result {
        var result = Result()
        let periods = store.periods
        let priceBook = PriceBook(rows: catalog.prices, tierMultipliers: env.config.tierMultipliers)
        let customers = catalog.customers
        let (spanStart, spanEnd) = periodSpan(billingDays: customers.billingDays)

        // Roll up the days asked for whose rows are not current, and any day of the touched
        // periods up to `to` whose rows are not current.
        let current = try periods.currentDays(from: spanStart, to: spanEnd, stretches: { priceBook.changes(within: $0) }, bands: priceBook.bands)
        let firstEvent = try periods.firstEventDay()
        let asked = Set(self.days)
        var days: [UTCDay] = []
        var day = max(spanStart, firstEvent ?? spanStart)
        while day <= spanEnd {
            if (asked.contains(day) && rebuild) || (!current.contains(day) && (asked.contains(day) || day <= to)) { days.append(day) }
            day = day.adding(days: 1)
        }
        for (i, d) in days.enumerated() {
            env.logger.debug("aggregate: rebuilding \(d) from its events: \(asked.contains(d) && rebuild ? "--rebuild asked for it" : "its daily rows are not current (a load that did not keep them, or prices that changed since)")")
            env.progress.update("aggregate: rolling up \(d)", done: Int64(i), total: Int64(days.count), unit: "days")
            try periods.rollUp(day: d, stretches: priceBook.changes(within: d), bands: priceBook.bands, at: env.clock())
        }
        result.daysRolledUp = days
        result.days = self.days
        CrashPoint.reach("aggregate:rolled-up")

        let rolled = try periods.rolledUpDays(from: spanStart, to: spanEnd)
        var byCustomer: [String: [UsageDailyRow]] = [:]
        for r in try periods.dailyRows(from: spanStart, to: spanEnd) { byCustomer[r.customerID, default: []].append(r) }
        let summarizer = PeriodSummarizer(priceBook: priceBook, markup: env.config.markup, services: catalog.services)
        let services = Dictionary(catalog.services.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        // Issued periods are priced with the terms they were issued on, never today's catalog.
        let termsBook = IssuedTermsBook(store: store, config: env.config, catalog: catalog)
        var frozenByStart: [UTCDay: [String: IssuedTermsBook.Frozen]] = [:]
        var candidates: [UTCDay: Set<String>] = [:]
        var startsByBillingDay: [Int: Set<UTCDay>] = [:]
        for customerID in byCustomer.keys {
            guard let customer = customers[customerID] else { continue }
            let day = customer.billingDay
            if startsByBillingDay[day] == nil {
                startsByBillingDay[day] = Set(self.days.map { BillingPeriod(containing: $0, billingDay: day).firstDay })
            }
            for start in startsByBillingDay[day] ?? [] { candidates[start, default: []].insert(customerID) }
        }
        for (start, ids) in candidates { frozenByStart[start] = try termsBook.terms(periodStart: start, customers: ids.sorted()) }
        // Archived months, read once: a period with any archived day keeps the trial use stored.
        let archivedMonths = try store.archive.records().map(\.month)
        // First, on this thread, what needs the store: each period's rows and trial use.
        var work: [PeriodWork] = []
        for customerID in byCustomer.keys.sorted() {
            // Taken out as its periods are copied: the month's rows are held about once.
            let customerRows = byCustomer.removeValue(forKey: customerID)!
            guard let customer = customers[customerID] else {
                result.unknownCustomers[customerID] = customerRows.filter { asked.contains($0.day) }.reduce(0) { $0 + $1.events }
                continue
            }
            var seen = Set<BillingPeriod>()
            for d in self.days {
                let period = BillingPeriod(containing: d, billingDay: customer.billingDay)
                guard seen.insert(period).inserted else { continue }
                let inPeriod = customerRows.filter { period.contains($0.day) }
                guard !inPeriod.isEmpty else { continue }
                let asOf = PeriodSummarizer.asOf(period, aggregatedThrough: to, lastRolledUp: rolled.filter { period.contains($0) }.max())
                if let frozen = frozenByStart[period.firstDay]?[customerID] {
                    let frozenServices = Dictionary(frozen.terms.catalog.services.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
                    let trials = try trialUse(customer: frozen.terms.customer, period: period, rows: inPeriod, services: frozenServices,
                                              store: store, firstEvent: firstEvent,
                                              archivedMonths: archivedMonths)
                    work.append(PeriodWork(customer: frozen.terms.customer, period: period, rows: inPeriod, trials: trials, asOf: asOf,
                                           summarizer: termsBook.summarizer(frozen),
                                           pricedWith: PricingFingerprint.of(catalogDigest: frozen.digest, customer: frozen.terms.customer,
                                                                             period: period)))
                    continue
                }
                let trials = try trialUse(customer: customer, period: period, rows: inPeriod, services: services, store: store,
                                          firstEvent: firstEvent, archivedMonths: archivedMonths)
                work.append(PeriodWork(customer: customer, period: period, rows: inPeriod, trials: trials, asOf: asOf,
                                       pricedWith: PricingFingerprint.of(catalogDigest: termsBook.todayDigest, customer: customer, period: period)))
            }
        }
        // Then the periods are summarized on a second thread while this one stores them, all in
        // one transaction: a killed run leaves the summaries as they were.
        let keys = work.map { ($0.customer.id, $0.period.firstDay) }
        // Handed over whole: the summarizing thread lets each period's rows go once summarized.
        let items = WorkQueue(work)
        work = []
        let chunks = Producer<[UsagePeriods.Replacement], Void>(capacity: 4) { send in
            while let next = items.take(256) {
                try send(next.map { w in
                    var (lines, totals) = (w.summarizer ?? summarizer).summarize(customer: w.customer, period: w.period, rows: w.rows,
                                                                                   trials: w.trials, asOf: w.asOf)
                    totals.pricedWith = w.pricedWith
                    return UsagePeriods.Replacement(totals: totals, billingDay: w.customer.billingDay, lines: lines, trials: w.trials)
                })
            }
        }
        defer { chunks.cancel() }
        try periods.replace(keys: keys, clearingPending: Set(days).union(self.days).sorted()) {
            guard let chunk = chunks.next() else { return nil }
            for p in chunk { result.count(p.totals) }
            return chunk
        }
        try chunks.finish()
        env.progress.finish()
        return result
    }

    /// The periods to summarize, owned by the summarizing thread once handed over: it takes them
    /// a chunk at a time, and each chunk's rows are freed when it has been summarized.
    final class WorkQueue: @unchecked Sendable {
        private var items: [PeriodWork]
        private var at = 0
        init(_ items: [PeriodWork]) { self.items = items }
        func take(_ n: Int) -> [PeriodWork]? {
            guard at < items.count else { return nil }
            let end = min(at + n, items.count)
            var out: [PeriodWork] = []
            out.reserveCapacity(end - at)
            for i in at..<end {
                out.append(items[i])
                items[i].rows = []
                items[i].trials = []
            }
            at = end
            return out
        }
    }

    /// A customer's period to summarize, with what the store said of it.
    struct PeriodWork: Sendable {
        var customer: CustomerHistory
        var period: BillingPeriod
        var rows: [UsageDailyRow]
        var trials: [TrialUse]
        var asOf: UTCDay
        /// The frozen terms' summarizer of an issued period; nil: today's catalog.
        var summarizer: PeriodSummarizer? = nil
        /// What the summary is priced with (`PricingFingerprint`).
        var pricedWith: String
    }

    /// The free trial tokens of each service the customer used in the period (`TrialAllowance`).
    /// No event is older than `firstEvent`'s day, so a period that starts by then has used
    /// none of any trial before it, and the store need not be asked.
    func trialUse(customer: CustomerHistory, period: BillingPeriod, rows: [UsageDailyRow], services: [String: Service],
                  store: any SettleStore, firstEvent: UTCDay?, archivedMonths: [PeriodMonth]) throws -> [TrialUse] {
        let trials = Set(rows.filter { !$0.serviceID.isEmpty && $0.status == .ok }.map(\.serviceID))
            .compactMap { services[$0] }.filter { $0.trialTokens > 0 }.sorted { $0.id < $1.id }
        guard !trials.isEmpty else { return [] }
        // A period with archived days keeps the trial use counted while its events were in the
        // store: a trial is used up event by event, and daily rows do not keep their order.
        if archivedMonths.contains(where: { $0.lastDay >= period.firstDay && $0.firstDay <= period.lastDay }) {
            return try store.periods.trials(customer: customer.id, period: period)
        }
        var out: [TrialUse] = []
        for service in trials {
            let id = service.id
            let before = period.firstDay <= (firstEvent ?? period.firstDay) ? 0
                : try store.periods.serviceTokens(customer: customer.id, service: id, before: period.firstDay.start)
            var trial = TrialAllowance(service: service, usedBefore: before)
            guard !trial.isUsedUp else { continue }
            try store.periods.serviceEvents(customer: customer.id, service: id, from: period.firstDay.start, to: period.endDay.start,
                                            checkingArchive: false) { input, output in
                trial.consume(input: input, output: output)
            }
            let use = trial.use
            if use.freeInput + use.freeOutput > 0 { out.append(use) }
        }
        return out
    }
}
