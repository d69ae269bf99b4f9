import SettleCore
import SettleFormats
import SettleStore

extension ChargeAudit {
    /// The audit with settle.toml's prices, markup and tolerance and the catalog's customers.
    static func configured(_ config: SettleConfig, catalog: Catalog) -> ChargeAudit {
        ChargeAudit(pricing: CustomerPricing(priceBook: PriceBook(rows: catalog.prices, tierMultipliers: config.tierMultipliers),
                                             markup: config.markup, services: catalog.services),
                    customers: catalog.customers, tolerance: config.audit.tolerance)
    }
}

/// The charge audit of days just aggregated (nightly, rerun): `audit/DAY/charge-audit.csv`
/// for each day whose events carry a reported cost, from the day's rolled-up rows.
public struct ChargeAuditDays {
    public var days: [UTCDay]

    public init(days: [UTCDay]) { self.days = days }

    public struct Report: Sendable {
        public var cells: [ChargeAuditCell] = []
        public var outputs: [String] = []
        public var undercharged: [ChargeAuditCell] { cells.filter { $0.status == .undercharged } }
        public var overcharged: [ChargeAuditCell] { cells.filter { $0.status == .overcharged } }
        /// One line for the operator, or nil when the gateway charged what settle would.
        public var findings: String? {
            let under = undercharged, over = overcharged
            guard !under.isEmpty || !over.isEmpty else { return nil }
            var parts: [String] = []
            if !under.isEmpty {
                let lost = under.reduce(ExactDecimal.zero) { $0 - $1.difference }
                let models = Set(under.map { "\($0.provider) \($0.model)" }).sorted().joined(separator: ", ")
                parts.append("the gateway undercharged \(lost.formatted(places: 2)) in \(under.count) charge-audit cells (\(models))")
            }
            if !over.isEmpty {
                let extra = over.reduce(ExactDecimal.zero) { $0 + $1.difference }
                parts.append("overcharged \(extra.formatted(places: 2)) in \(over.count) cells")
            }
            return parts.joined(separator: "; ") + "; see audit/DAY/charge-audit.csv"
        }
    }

    /// Writes each day's file, then clears the days pending for the audit: a run killed in
    /// between audits them again.
    public func perform(store: any SettleStore, env: JobEnvironment, catalog: Catalog) throws -> Report {
        var report = Report()
        let audit = ChargeAudit.configured(env.config, catalog: catalog)
        for day in days {
            let cells = audit.cells(try store.periods.dailyRows(from: day, to: day))
            guard !cells.isEmpty else { continue }
            let path = "\(env.outDir)/audit/\(day)/charge-audit.csv"
            try FileSystem.writeAtomically(ChargeAuditCSV.text(cells), to: path)
            report.cells += cells
            report.outputs.append(path)
        }
        try store.pending.clear(.audit, days: days)
        return report
    }
}
