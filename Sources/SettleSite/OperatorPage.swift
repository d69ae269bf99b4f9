import SettleCharts
import SettleCore

/// `site/index.html`, the operator's night (FINANCE.md, "The site"): the last runs and what they
/// found, reconciliation per provider with money at risk and its 30-day trend, the charge
/// audit, alerts, quarantined rows.
public struct OperatorPage: Sendable {
    public struct ProviderDay: Sendable, Hashable {
        public var provider: String
        public var day: UTCDay
        public var cells: Int
        public var notMatched: Int
        public var billed: ExactDecimal
        public var moneyAtRisk: ExactDecimal
        public init(provider: String, day: UTCDay, cells: Int, notMatched: Int, billed: ExactDecimal, moneyAtRisk: ExactDecimal) {
            self.provider = provider
            self.day = day
            self.cells = cells
            self.notMatched = notMatched
            self.billed = billed
            self.moneyAtRisk = moneyAtRisk
        }
    }

    public struct Quarantined: Sendable, Hashable {
        public var file: String
        public var rows: Int
        public init(file: String, rows: Int) {
            self.file = file
            self.rows = rows
        }
    }

    public var asOf: UTCDay
    /// The last day reconciled by `asOf`: the 30 days shown end there.
    public var lastReconciled: UTCDay
    public var currency: String
    public var runs: [RunRecord]
    /// The last 30 days' reconciliation, per provider and day.
    public var reconciliation: [ProviderDay]
    public var audit: [ChargeAuditSummaryRow]
    public var auditMonth: PeriodMonth
    public var alerts: [FiredAlert]
    public var quarantined: [Quarantined]
    /// The finance pages written, newest first (linked).
    public var financeMonths: [PeriodMonth]

    public init(asOf: UTCDay, lastReconciled: UTCDay, currency: String, runs: [RunRecord], reconciliation: [ProviderDay], audit: [ChargeAuditSummaryRow], auditMonth: PeriodMonth,
                alerts: [FiredAlert], quarantined: [Quarantined], financeMonths: [PeriodMonth]) {
        self.asOf = asOf
        self.lastReconciled = lastReconciled
        self.currency = currency
        self.runs = runs
        self.reconciliation = reconciliation
        self.audit = audit
        self.auditMonth = auditMonth
        self.alerts = alerts
        self.quarantined = quarantined
        self.financeMonths = financeMonths
    }

    /// A run's findings as the table shows them: the first 240 characters (the run record has
    /// them all).
    static func short(_ message: String) -> String {
        message.count <= 240 ? message : String(message.prefix(239)) + "…"
    }

    public func html() -> String {
        let days = (0..<30).map { lastReconciled.adding(days: $0 - 29) }
        let providers = Set(reconciliation.map(\.provider)).sorted()
        var risk: [String: [UTCDay: ExactDecimal]] = [:]
        for r in reconciliation { risk[r.provider, default: [:]][r.day, default: .zero] += r.moneyAtRisk }
        let chart = LineChart(title: "Money at risk per provider, last 30 days (\(currency))", categories: days.map { String($0.description.suffix(5)) },
                              series: providers.map { p in LineChart.Series(name: p, values: days.map { risk[p]?[$0] ?? .zero }) })
        let riskRows = days.reversed().compactMap { d -> [String]? in
            let cells = providers.map { risk[$0]?[d] ?? .zero }
            return cells.allSatisfy(\.isZero) ? nil : [d.description] + cells.map { Format.amount($0, currency) }
        }
        var byProvider: [String: (cells: Int, notMatched: Int, billed: ExactDecimal, risk: ExactDecimal)] = [:]
        for r in reconciliation {
            var v = byProvider[r.provider] ?? (0, 0, .zero, .zero)
            v.cells += r.cells
            v.notMatched += r.notMatched
            v.billed += r.billed
            v.risk += r.moneyAtRisk
            byProvider[r.provider] = v
        }
        let findings = runs.filter { $0.status != .succeeded }
        let body: [HTML] = [
            Page.cards([
                ("runs with findings or failed, of the last \(runs.count)", Format.count(findings.count)),
                ("money at risk, 30 days", Format.money(reconciliation.reduce(.zero) { $0 + $1.moneyAtRisk }, currency)),
                ("reconciliation cells not matched, 30 days", Format.count(reconciliation.reduce(0) { $0 + $1.notMatched })),
                ("alerts, 30 days", Format.count(alerts.filter { $0.firedAt.day >= days[0] }.count)),
                ("quarantined rows", Format.count(quarantined.reduce(0) { $0 + $1.rows })),
            ]),
            Page.section("Reconciliation, the 30 days to \(lastReconciled)", [
                Page.table(["provider", "cells", "not matched", "billed (\(currency))", "money at risk (\(currency))"], providers.map { p in
                    let v = byProvider[p] ?? (0, 0, .zero, .zero)
                    return [p, Format.count(v.cells), Format.count(v.notMatched), Format.amount(v.billed, currency), Format.amount(v.risk, currency)]
                }, numeric: [1, 2, 3, 4]),
                Page.figure(chart.svg(), table: Page.table(["day"] + providers, riskRows, numeric: Set(1...max(providers.count, 1))),
                            caption: "Money at risk per day and provider (days with none left out)"),
            ]),
            Page.section("Charge audit, \(auditMonth)", audit.isEmpty ? [Page.paragraph("No charge audit for the month yet.")] : [
                Page.table(["provider", "model", "tier", "days", "events", "reported", "computed", "difference", "status"], audit.map { r in
                    [r.provider, r.model, r.tier.rawValue, String(r.days), Format.count(r.events), r.reported.rounded(places: 6).normalized.description,
                     r.computed.map { $0.rounded(places: 6).normalized.description } ?? "", r.difference.map { $0.rounded(places: 6).normalized.description } ?? "",
                     r.status.rawValue]
                }, numeric: [3, 4, 5, 6, 7], classes: [8: { "status-\($0 == "matched" ? "matched" : "mismatch")" }]),
            ]),
            Page.section("Runs", [Page.table(["run", "job", "status", "exit", "started", "findings"], runs.map { r in
                [r.runID, r.job, r.status.rawValue, r.exitCode.map { String($0) } ?? "", r.startedAt.description, Self.short(r.message ?? "")]
            }, numeric: [3], classes: [2: { $0 == "succeeded" ? "status-ok" : $0 == "failed" || $0 == "interrupted" ? "status-failed" : $0 == "running" ? "" : "status-findings" }])]),
            Page.section("Alerts", alerts.isEmpty ? [Page.paragraph("No alert has fired.")] : [
                Page.table(["fired", "customer", "period", "metric", "threshold", "usage", "limit"], alerts.prefix(50).map { a in
                    [a.firedAt.description, a.customerID, a.period.description, a.metric.description, "\(a.threshold) %", a.usage.normalized.description,
                     a.limit.normalized.description]
                }, numeric: [4, 5, 6]),
            ]),
            Page.section("Quarantined rows", quarantined.isEmpty ? [Page.paragraph("Nothing quarantined.")] : [
                Page.table(["quarantine file", "rows"], quarantined.map { [$0.file, Format.count($0.rows)] }, numeric: [1]),
            ]),
        ]
        return Page.document(title: "settle: the night of \(asOf)", subtitle: "The operator's page: runs, reconciliation, charge audit, alerts and quarantine, from the store as of \(asOf).",
                             nav: financeMonths.map { ("Finance \($0)", "finance/\($0).html") }, body: body)
    }
}
