import SettleCore
import SettleFormats
import SettleStore

/// `settle rerun --from D --to D [--steps …]`: recompute a range from stored data, as if the
/// data had been on time. Nothing is read from the inbox.
///
/// Each step writes what nightly writes for those days (one reconciliation folder per day), so
/// a month of nightly runs and one rerun of the month leave the same state and the same bytes.
/// Issued invoices are never touched: the `invoices` step recomputes them and reports the
/// difference (drift) that `settle invoice --adjust` or `settle close` would settle.
public struct Rerun: Job {
    public enum Step: String, Sendable, CaseIterable {
        case reconcile, aggregate, alerts, invoices
    }

    public var from: UTCDay
    public var to: UTCDay
    public var steps: Set<Step>
    public var alerts: EvaluateAlerts
    /// Sum each day from its events again, not from its current daily rows (`Aggregate.rebuild`).
    public var rebuild = false

    public init(from: UTCDay, to: UTCDay, steps: Set<Step> = Set(Step.allCases), alerts: EvaluateAlerts = EvaluateAlerts()) {
        self.from = from
        self.to = to
        self.steps = steps
        self.alerts = alerts
    }

    /// An issued invoice whose figures changed since it was issued.
    public struct Drift: Sendable {
        public var invoice: String
        public var customerID: String
        public var period: PeriodMonth
        /// What a credit note (negative) or supplementary invoice would carry.
        public var difference: ExactDecimal
    }

    public struct Result: JobResult, Sendable {
        public init() {}
        public var runRecord: RunRecord?
        public var reconciled: [Reconcile.Result] = []
        public var aggregate: Aggregate.Result?
        public var audit: ChargeAuditDays.Result?
        public var alerts: EvaluateAlerts.Result?
        public var drift: [Drift] = []
        public var findings: [String] = []
        public var outputs: [String] = []
        public var status: ExitStatus { findings.isEmpty ? .ok : .findings }
    }

    public var name: String { "rerun" }

    public func parameters(env: JobEnvironment, prepared: Catalog, startedAt: Timestamp) -> [String: String] {
        ["from": from.description, "to": to.description, "steps": Step.allCases.filter(steps.contains).map(\.rawValue).joined(separator: ","),
         "rebuild": rebuild ? "true" : "false"]
    }

    public func run(store: any SettleStore, env: JobEnvironment, prepared catalog: Catalog, runID: String, startedAt: Timestamp) throws -> (Result, JobRun.Outcome) {
        let result = try perform(store: store, env: env, catalog: catalog, runID: runID)
        return (result, JobRun.Outcome(status: result.status, outputs: result.outputs,
                                       message: result.findings.isEmpty ? nil : result.findings.joined(separator: "; ")))
    }

    func perform(store: any SettleStore, env: JobEnvironment, catalog: Catalog, runID: String) throws -> Result {
        var result = Result()
        let days = UTCDay.days(from: from, through: to)
        if steps.contains(.aggregate) {
            var job = Aggregate(days: days)
            job.rebuild = rebuild
            let a = try job.compute(store: store, env: env, catalog: catalog)
            result.aggregate = a
            if let f = a.findings { result.findings.append(f) }
            // The charge audit of the days, as nightly writes it after aggregating them.
            let audit = try ChargeAuditDays(days: days).perform(store: store, env: env, catalog: catalog)
            result.audit = audit
            result.outputs += audit.outputs
            if let f = audit.findings { result.findings.append(f) }
        }
        if steps.contains(.reconcile) {
            for (i, day) in days.enumerated() {
                env.progress.update("rerun: reconciling \(day)", done: Int64(i), total: Int64(days.count), unit: "days")
                let (r, outputs) = try Reconcile(from: day, to: day).perform(store: store, env: env, catalog: catalog, runID: runID)
                result.reconciled.append(r)
                result.outputs += outputs
                result.findings += r.findings
            }
        }
        if steps.contains(.alerts) {
            let (a, jsonl) = try alerts.perform(store: store, env: env, catalog: catalog, runID: runID)
            result.alerts = a
            result.outputs.append(jsonl)
            if let f = a.findings { result.findings.append(f) }
        }
        if steps.contains(.invoices) {
            result.drift = try drift(store: store, env: env, catalog: catalog, runID: runID)
            if !result.drift.isEmpty {
                let months = Set(result.drift.map(\.period)).sorted().map(\.description).joined(separator: ", ")
                result.findings.append("\(result.drift.count) issued invoices differ from the stored usage (\(months)); settle them with settle invoice --adjust or settle close")
            }
        }
        env.progress.finish()
        return result
    }

    /// Issued invoices of the months whose periods overlap the range, recomputed and compared.
    func drift(store: any SettleStore, env: JobEnvironment, catalog: Catalog, runID: String) throws -> [Drift] {
        // A period starting in month M ends by the 28th of M+1: months from the one before `from`.
        let first = PeriodMonth(year: from.date.year, month: from.date.month).previous
        let last = PeriodMonth(year: to.date.year, month: to.date.month)
        var out: [Drift] = []
        for month in try store.invoiceLedger.issuedMonths() where month >= first && month <= last {
            var numbers: [String: String] = [:]
            try store.invoiceLedger.forEachDocument(period: month) { number, customerID, document in
                if try StoredDocuments.read(document, number: number).kind == .invoice { numbers[customerID] = number }
            }
            let check = IssueInvoices(month: month, adjust: true, issueDate: to, dryRun: true)
            for a in try check.compute(store: store, env: env, catalog: catalog, runID: runID).adjustments {
                let signed = a.kind == .creditNote ? -a.total.magnitude : a.total
                out.append(Drift(invoice: numbers[a.customerID] ?? "", customerID: a.customerID, period: month, difference: signed))
            }
        }
        return out
    }
}
