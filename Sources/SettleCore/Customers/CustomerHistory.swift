/// A customer over time (PRODUCT.md, "Customers over time"): its versions, each in force from
/// its `effective_from` (00:00 UTC; none: from the beginning) until the next one's.
///
/// Plans, tax rates and webhooks change; a past period is billed with the versions that were in
/// force in it, never with today's row.
public struct CustomerHistory: Sendable, Hashable {
    /// Sorted by `effectiveFrom`, the one without a date first; never empty.
    public let versions: [Customer]

    /// `versions` must name one customer, share one billing day and have distinct dates
    /// (`CustomerBook.validated` checks this for a file and says which line is wrong).
    public init(versions: [Customer]) {
        precondition(!versions.isEmpty, "a customer has at least one version")
        self.versions = versions.sorted { ($0.effectiveFrom?.ordinal ?? Int.min) < ($1.effectiveFrom?.ordinal ?? Int.min) }
    }

    public var id: String { versions[0].id }
    public var billingDay: Int { versions[0].billingDay }
    /// The latest version: how the customer is today (names in listings, say).
    public var current: Customer { versions[versions.count - 1] }

    /// The version in force on `day`. Before the first version's date, the first: usage that
    /// arrives with a customer's id is theirs to pay, at the terms they signed up on.
    public func inForce(on day: UTCDay) -> Customer {
        var found = versions[0]
        for v in versions.dropFirst() {
            guard let from = v.effectiveFrom, from <= day else { break }
            found = v
        }
        return found
    }

    /// Whether any version is in force on `day` (false before the first version's date).
    public func exists(on day: UTCDay) -> Bool {
        guard let from = versions[0].effectiveFrom else { return true }
        return from <= day
    }

    /// The stretches of `period` on one plan, in order: consecutive days whose versions name the
    /// same plan form one stretch (a new tax rate or webhook does not split a plan fee). Days
    /// before the customer's first version belong to no stretch.
    public func planStretches(in period: BillingPeriod) -> [PlanStretch] {
        var out: [PlanStretch] = []
        var day = period.firstDay
        while day < period.endDay {
            guard exists(on: day) else {
                day = versions[0].effectiveFrom.map { min($0, period.endDay) } ?? period.endDay
                continue
            }
            let plan = inForce(on: day).plan
            // The next version that changes the plan, or the period's end.
            var end = period.endDay
            for v in versions {
                if let from = v.effectiveFrom, from > day, from < end, v.plan != plan {
                    end = from
                    break
                }
            }
            out.append(PlanStretch(plan: plan, firstDay: day, lastDay: end.adding(days: -1), periodDays: period.dayCount))
            day = end
        }
        return out
    }
}

/// Days of a billing period on one plan: the unit a plan fee is prorated by.
public struct PlanStretch: Sendable, Hashable {
    public var plan: String
    public var firstDay: UTCDay
    public var lastDay: UTCDay
    public var periodDays: Int

    public init(plan: String, firstDay: UTCDay, lastDay: UTCDay, periodDays: Int) {
        self.plan = plan
        self.firstDay = firstDay
        self.lastDay = lastDay
        self.periodDays = periodDays
    }

    public var days: Int { lastDay.ordinal - firstDay.ordinal + 1 }
    public var isWholePeriod: Bool { days == periodDays }
}

/// Every customer of customers.csv, each with its versions.
public struct CustomerBook: Sendable {
    public private(set) var histories: [String: CustomerHistory] = [:]
    /// Customer ids, sorted: the order invoices are numbered in.
    public private(set) var ids: [String] = []
    /// Stripe's customer ids (customers.csv `stripe_customer`) → ours.
    public private(set) var byStripeCustomer: [String: String] = [:]

    public init() {}

    /// Versions in any order (several per customer).
    public init(_ versions: [Customer]) {
        var builder = Builder()
        for v in versions { builder.add(v) }
        self = builder.book
    }

    /// A book gathered one version at a time (customers.csv read a row at a time: at a
    /// million customers, a second copy of the file's versions would be half a gigabyte).
    public struct Builder: Sendable {
        var histories: [String: CustomerHistory] = [:]
        var stripe: [String: (id: String, line: Int)] = [:]

        public init() {}

        /// Adds `version`, unchecked (`problem(adding:)` says first whether it may be added).
        public mutating func add(_ version: Customer) {
            if !version.stripeCustomer.isEmpty, stripe[version.stripeCustomer] == nil { stripe[version.stripeCustomer] = (version.id, version.line) }
            if let h = histories[version.id] {
                histories[version.id] = CustomerHistory(versions: h.versions + [version])
            } else {
                histories[version.id] = CustomerHistory(versions: [version])
            }
        }

        /// What a set of versions must hold to be a history (PRODUCT.md, "customers.csv"): one
        /// version per date (at most one without a date) and one billing day per customer.
        /// The problem `version` would make with the versions added before it, as (line,
        /// column, message), or nil.
        public func problem(adding v: Customer) -> (line: Int, key: String, message: String)? {
            if let p = stripeProblem(v) { return p }
            // The versions are kept by date; the one the file gave first has the lowest line.
            guard let earlier = histories[v.id]?.versions, let first = earlier.min(by: { $0.line < $1.line }) else { return nil }
            if first.billingDay != v.billingDay {
                return (v.line, "billing_day", "\(v.id) is billed on day \(first.billingDay) on line \(first.line) and on day \(v.billingDay) here; billing_day is the same in every version of a customer (a new billing day is a new customer)")
            }
            if first.currency != v.currency {
                return (v.line, "currency", "\(v.id) is invoiced in \(first.currency ?? "the configured currency") on line \(first.line) and in \(v.currency ?? "the configured currency") here; a customer's currency is the same in every version (a new currency is a new customer)")
            }
            if let other = earlier.first(where: { $0.effectiveFrom == v.effectiveFrom }) {
                let when = v.effectiveFrom.map { "from \($0)" } ?? "from the beginning (no effective_from)"
                return (v.line, "effective_from", "a second version of \(v.id) in force \(when) (first on line \(other.line)); each version needs its own effective_from")
            }
            return nil
        }

        /// One customer per Stripe customer: a payment naming it must name one of ours.
        func stripeProblem(_ v: Customer) -> (line: Int, key: String, message: String)? {
            guard !v.stripeCustomer.isEmpty, let other = stripe[v.stripeCustomer], other.id != v.id else { return nil }
            return (v.line, "stripe_customer", "\(v.stripeCustomer) is \(other.id)'s on line \(other.line); a Stripe customer is one customer of ours")
        }

        public var book: CustomerBook {
            var book = CustomerBook()
            book.histories = histories
            book.ids = histories.keys.sorted()
            book.byStripeCustomer = stripe.mapValues(\.id)
            return book
        }
    }

    public subscript(id: String) -> CustomerHistory? { histories[id] }
    public var count: Int { ids.count }
    public var isEmpty: Bool { ids.isEmpty }
    public func contains(_ id: String) -> Bool { histories[id] != nil }
    /// In id order.
    public var all: [CustomerHistory] { ids.compactMap { histories[$0] } }
    public var billingDays: Set<Int> { Set(histories.values.map(\.billingDay)) }

    /// The first problem of a set of versions in file order (`Builder.problem(adding:)`), or nil.
    public static func problem(in versions: [Customer]) -> (line: Int, key: String, message: String)? {
        var builder = Builder()
        for v in versions {
            if let p = builder.problem(adding: v) { return p }
            builder.add(v)
        }
        return nil
    }
}
