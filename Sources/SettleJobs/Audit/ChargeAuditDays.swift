import SettleCore
import SettleFormats
import SettleStore

extension ChargeAudit {
    /// The audit with settle.toml's prices, markup and tolerance and the catalog's customers.
    static func configured(_ config: SettleConfig, catalog: Catalog) -> ChargeAudit {
        ChargeAudit(pricing: CustomerPricing(priceBook: PriceBook(rows: catalog.prices, tierMultipliers: config.tierMultipliers),
                                             markup: config.markup, services: catalog.services),
                    customers: catalog.customers, tolerance: config.audit.tolerance, tolerancePct: config.audit.tolerancePct)
    }
}

/// The charge audit of days just aggregated (nightly, rerun): `audit/DAY/charge-audit.csv`
/// for each day whose events carry a reported cost, and `audit/YYYY-MM/charge-audit-summary.csv`
/// for each calendar month those days fall in.
///
/// Both come from the store: a day's cells from its daily rows (which keep each day's reported
/// cost, summed, apart from the events without one), and the month's summary from the totals
/// per day and model the store keeps for every audited day (`AuditLedger`), not from the day
/// files under `--out`, which may be missing (another `--out`, a file deleted), stale (a day
/// re-aggregated by a run killed before its audit) or edited by hand. A night reads its own
/// days' rows, never the whole month's.
public struct ChargeAuditDays {
    public var days: [UTCDay]

    public init(days: [UTCDay]) { self.days = days }

    /// One month's summary rows, as written.
    public struct MonthSummary: Sendable {
        public var month: PeriodMonth
        public var rows: [ChargeAuditSummaryRow]
    }

    public struct Result: Sendable {
        /// The cells of the audited days (not of the rest of their months).
        public var cells: [ChargeAuditCell] = []
        /// The summaries of the months the days fall in.
        public var months: [MonthSummary] = []
        public var outputs: [String] = []
        public var undercharged: [ChargeAuditCell] { cells.filter { $0.status == .undercharged } }
        public var overcharged: [ChargeAuditCell] { cells.filter { $0.status == .overcharged } }
        /// Month rows that are a finding, with their month.
        public var flaggedMonthRows: [(month: PeriodMonth, row: ChargeAuditSummaryRow)] {
            months.flatMap { m in m.rows.filter(\.status.isFinding).map { (month: m.month, row: $0) } }
        }

        /// An amount for the operator: to the cent, or to six decimals (as the audit files write
        /// them) when it is under a cent, so that a difference never reads "by 0.00".
        static func amount(_ d: ExactDecimal) -> String {
            d.magnitude < ExactDecimal(significand: 1, scale: 2) && !d.isZero ? d.formatted(places: 6) : d.formatted(places: 2)
        }

        /// One line for the operator, or nil when the gateway charged what settle would.
        public var findings: String? {
            let under = undercharged, over = overcharged, flagged = flaggedMonthRows
            guard !under.isEmpty || !over.isEmpty || !flagged.isEmpty else { return nil }
            var parts: [String] = []
            if !under.isEmpty {
                let lost = under.reduce(ExactDecimal.zero) { $0 - ($1.difference ?? .zero) }
                let models = Set(under.map { "\($0.provider) \($0.model)" }).sorted().joined(separator: ", ")
                parts.append("the gateway undercharged \(Self.amount(lost)) in \(under.count) charge-audit cells (\(models))")
            }
            if !over.isEmpty {
                let extra = over.reduce(ExactDecimal.zero) { $0 + ($1.difference ?? .zero) }
                parts.append("overcharged \(Self.amount(extra)) in \(over.count) cells")
            }
            if !flagged.isEmpty {
                var rows: [String] = []
                for (month, r) in flagged {
                    let by = Self.amount((r.difference ?? .zero).magnitude)
                    let pct = r.differencePct.map { " (\($0.magnitude.formatted(places: 2)) %)" } ?? ""
                    rows.append("\(r.provider) \(r.model) \(r.tier.rawValue) \(r.status.rawValue) by \(by)\(pct) in \(month)")
                }
                parts.append("over the month: \(rows.joined(separator: ", "))")
            }
            var files: [String] = []
            if !under.isEmpty || !over.isEmpty { files.append("audit/DAY/charge-audit.csv") }
            if !flagged.isEmpty { files.append("audit/YYYY-MM/charge-audit-summary.csv") }
            return parts.joined(separator: "; ") + "; see " + files.joined(separator: " and ")
        }
    }

    /// Writes each day's file and each month's summary, then clears the days pending for the
    /// audit: a run killed in between audits them again.
    public func perform(store: any SettleStore, env: JobEnvironment, catalog: Catalog) throws -> Result {
        var result = Result()
        let audit = ChargeAudit.configured(env.config, catalog: catalog)
        let byMonth = Dictionary(grouping: Set(days), by: { PeriodMonth(containing: $0) })
        for (month, asked) in byMonth.sorted(by: { $0.key < $1.key }) {
            // The days asked for, and any day of the month audited by no run since the store
            // kept totals (a store of an earlier release): each read on its own, a day at a time.
            let monthDays = Set(asked).union(try store.audits.unauditedDays(from: month.firstDay, to: month.lastDay)).sorted()
            for day in monthDays {
                let dayCells = audit.cells(try store.periods.dailyRows(from: day, to: day))
                try store.audits.replace(days: [day], with: ChargeAudit.dayTotals(dayCells))
                guard !dayCells.isEmpty else { continue }
                let path = "\(env.outDir)/audit/\(day)/charge-audit.csv"
                try FileSystem.writeAtomically(ChargeAuditCSV.text(dayCells), to: path)
                if asked.contains(day) { result.cells += dayCells }
                result.outputs.append(path)
            }
            // The month's summary adds up the stored totals of its days.
            let rows = audit.summary(try store.audits.totals(from: month.firstDay, to: month.lastDay))
            guard !rows.isEmpty else { continue }
            let path = "\(env.outDir)/audit/\(month)/charge-audit-summary.csv"
            try FileSystem.writeAtomically(ChargeAuditSummaryCSV.text(rows), to: path)
            result.months.append(MonthSummary(month: month, rows: rows))
            result.outputs.append(path)
        }
        try store.pending.clear(.audit, days: days)
        return result
    }
}
