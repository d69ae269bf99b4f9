/// Everything the month's finance workbook shows, gathered from the store: the billing
/// periods that start in the month (per customer) and the calendar month's days (per
/// provider: reports, reconciliation, daily usage, service quality).
public struct FinanceFigures: Sendable {
    public var month: PeriodMonth
    public var currency: String
    public var plans: [String: Plan]
    /// What the month's issued documents add up to.
    public var issued: IssuedMonth
    /// Documents of the month still draft, every kind.
    public var drafts: Int
    /// Customers whose period's projection reaches one of its plan's limits.
    public var projectedOverLimit: Int
    public var margin: MarginBook
    public var reconciliation: [ReconciliationSummary]
    public var alerts: [FiredAlert]
    public var serviceQuality: [ServiceQualityRow]
    public var daily: [DailyUsage]
    /// The calendar month's credit statement (`invoices/PERIOD/credits.csv`).
    public var credits: [CreditStatementRow]
    /// The charge audit of the calendar month's days.
    public var chargeAudit: [ChargeAuditCell]
    /// The month's charge audit per provider, model and tier (`charge-audit-summary.csv`).
    public var chargeAuditSummary: [ChargeAuditSummaryRow]
    /// The invoices of the month's billing periods and every other one open on
    /// `receivablesAsOf`, with what was paid and credited of them by then.
    public var receivables: [Receivable] = []
    public var receivablesAsOf: UTCDay?

    public init(month: PeriodMonth, currency: String, plans: [String: Plan], issued: IssuedMonth, drafts: Int, projectedOverLimit: Int,
                margin: MarginBook, reconciliation: [ReconciliationSummary], alerts: [FiredAlert], serviceQuality: [ServiceQualityRow],
                daily: [DailyUsage], credits: [CreditStatementRow] = [], chargeAudit: [ChargeAuditCell] = [],
                chargeAuditSummary: [ChargeAuditSummaryRow] = []) {
        self.credits = credits
        self.chargeAudit = chargeAudit
        self.chargeAuditSummary = chargeAuditSummary
        self.month = month
        self.currency = currency
        self.plans = plans
        self.issued = issued
        self.drafts = drafts
        self.projectedOverLimit = projectedOverLimit
        self.margin = margin
        self.reconciliation = reconciliation
        self.alerts = alerts
        self.serviceQuality = serviceQuality
        self.daily = daily
    }

    /// The calendar month's days, first to last.
    public static func days(of month: PeriodMonth) -> (UTCDay, UTCDay) {
        let first = BillingPeriod(month: month, billingDay: 1).firstDay
        return (first, BillingPeriod(month: month.next, billingDay: 1).firstDay.adding(days: -1))
    }

    /// The limits a period's projection reaches (100 % or more), as "tokens, cost".
    public static func projectedOverLimit(_ t: PeriodTotals, plans: [String: Plan]) -> [String] {
        guard let plan = plans[t.plan] else { return [] }
        var over: [String] = []
        if let l = plan.tokenLimit, t.projectedTokens >= l { over.append("tokens") }
        if let l = plan.callLimit, t.projectedCalls >= l { over.append("calls") }
        if let l = plan.costLimit, t.projectedCost >= l { over.append("cost") }
        return over
    }
}

/// One day of gateway traffic, all customers.
public struct DailyUsage: Sendable, Hashable {
    public var day: UTCDay
    public var events: Int64 = 0
    public var errorEvents: Int64 = 0
    public var inputTokens: Int64 = 0
    public var outputTokens: Int64 = 0
    public var requests: Int64 = 0

    public init(day: UTCDay) { self.day = day }

    /// Every day from `first` to `last`, zero where nothing was used, from the daily rows.
    public static func of(_ rows: [UsageDailyRow], from first: UTCDay, to last: UTCDay) -> [DailyUsage] {
        var byDay: [UTCDay: DailyUsage] = [:]
        for r in rows {
            var d = byDay[r.day] ?? DailyUsage(day: r.day)
            d.events += r.events
            if r.status == .error { d.errorEvents += r.events }
            d.inputTokens += r.inputTokens
            d.outputTokens += r.outputTokens
            d.requests += r.requests
            byDay[r.day] = d
        }
        return UTCDay.days(from: first, through: last).map { byDay[$0] ?? DailyUsage(day: $0) }
    }
}
