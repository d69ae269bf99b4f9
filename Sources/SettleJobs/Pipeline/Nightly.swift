import SettleCore
import SettleFormats
import SettleStore
import Logging

/// `settle nightly [--date D]`: the inbox in, yesterday (and every earlier day whose inputs
/// changed) reconciled, usage aggregated and its charges audited, alerts evaluated and
/// delivered, receivables and reminders as of the date; one lock, one run.
///
/// Every step commits its own work, and a day stays pending for a step until that step's
/// results for it are stored and written. So a run killed anywhere is completed by the next
/// one, and the final state and files are those of an uninterrupted run.
public struct Nightly: Job {
    public var date: UTCDay
    public var alerts: EvaluateAlerts
    /// The intraday alert pass: new usage in, today aggregated, alerts; no provider bills and
    /// no reconciliation (a day is reconciled once it is over, by the nightly run).
    public var intraday: Bool

    public init(date: UTCDay, intraday: Bool = false, alerts: EvaluateAlerts = EvaluateAlerts()) {
        self.date = date
        self.intraday = intraday
        self.alerts = alerts
    }

    /// Receivables and reminders, delivered through the same outbox as alerts.
    var receivables: CollectReceivables { CollectReceivables(asOf: date, outbox: alerts.outbox) }

    public struct Result: JobResult, Sendable {
        public init() {}
        public var runRecord: RunRecord?
        public var usage = IngestUsage.Result()
        public var bills = IngestBills.Result()
        public var payments = IngestPayments.Result()
        public var receivables: CollectReceivables.Result?
        public var site: WriteSite.Result?
        public var reconciled: [Reconcile.Result] = []
        public var aggregate: Aggregate.Result?
        public var audit: ChargeAuditDays.Result?
        public var alerts: EvaluateAlerts.Result?
        /// Each step's findings, for the operator and the run record.
        public var findings: [String] = []
        public var outputs: [String] = []
        public var status: ExitStatus { findings.isEmpty ? .ok : .findings }
    }

    public var name: String { intraday ? "intraday" : "nightly" }

    /// The catalog and the inboxes, checked before the lock; the payments inbox is optional.
    public struct Prepared {
        var catalog: Catalog
        var inboxes: (usage: Inbox, bills: Inbox)
        var payments: Inbox?
    }

    public func prepare(env: JobEnvironment) throws -> Prepared {
        let catalog = try CatalogLoader.load(config: env.config)
        return Prepared(catalog: catalog, inboxes: (try Inbox.configured(.usage, config: env.config), try Inbox.configured(.bills, config: env.config)),
                        payments: env.config.inbox.payments == nil ? nil : try Inbox.configured(.payments, config: env.config))
    }

    public func parameters(env: JobEnvironment, prepared: Prepared, startedAt: Timestamp) -> [String: String] { ["date": date.description] }

    public func run(store: any SettleStore, env: JobEnvironment, prepared: Prepared, runID: String, startedAt: Timestamp) throws -> (Result, JobRun.Outcome) {
        let result = try perform(store: store, env: env, catalog: prepared.catalog, inboxes: prepared.inboxes, payments: prepared.payments,
                                 runID: runID)
        return (result, JobRun.Outcome(status: result.status, inputs: result.usage.inputs + result.bills.inputs + result.payments.inputs,
                                       outputs: result.outputs,
                                       message: result.findings.isEmpty ? nil : result.findings.joined(separator: "; ")))
    }

    func perform(store: any SettleStore, env: JobEnvironment, catalog: Catalog, inboxes: (Inbox, Inbox), payments: Inbox? = nil,
                 runID: String) throws -> Result {
        var result = Result()
        // Every new file is checked readable before anything is written (exit 65 names it).
        let newUsage = try inboxes.0.newFiles(store: store)
        let newBills = intraday ? [] : try inboxes.1.newFiles(store: store)
        var ingestUsage = IngestUsage(paths: newUsage.map(\.path))
        ingestUsage.inbox = Dictionary(newUsage.map { ($0.path, $0) }, uniquingKeysWith: { a, _ in a })
        var ingestBills = IngestBills(paths: newBills.map(\.path), options: BillReadOptions(config: env.config, exchangeRates: catalog.exchangeRates))
        ingestBills.inbox = Dictionary(newBills.map { ($0.path, $0) }, uniquingKeysWith: { a, _ in a })
        let usageSources = newUsage.isEmpty ? [] : try ingestUsage.plan()
        let billReaders = newBills.isEmpty ? [] : try ingestBills.plan()
        let newPayments = intraday ? [] : try payments?.newFiles(store: store) ?? []
        var ingestPayments = IngestPayments(paths: newPayments.map(\.path))
        ingestPayments.inbox = Dictionary(newPayments.map { ($0.path, $0) }, uniquingKeysWith: { a, _ in a })
        let paymentFiles = newPayments.isEmpty ? [] : try ingestPayments.plan()

        result.usage = try ingestUsage.run(usageSources, store: store, env: env, runID: runID)
        result.bills = try ingestBills.run(billReaders, store: store, env: env, runID: runID)
        result.payments = try ingestPayments.run(paymentFiles, store: store, env: env, catalog: catalog, runID: runID)
        if let f = result.payments.findings { result.findings.append(f) }
        if let path = result.payments.unmatchedFile { result.outputs.append(path) }
        CrashPoint.reach("nightly:ingested")
        FreedMemory.release()
        result.outputs += result.usage.quarantineFiles + result.bills.quarantineFiles + result.payments.quarantineFiles
            + (try QuarantineRepair.restoreMissing(store: store, outDir: env.outDir))
        if result.usage.quarantined + result.bills.quarantined > 0 {
            result.findings.append("\(result.usage.quarantined + result.bills.quarantined) input rows quarantined")
        }

        // Aggregate first: reconcile then reads the day's rolled-up rows, not its events again.
        let toAggregate = Set(try store.pending.days(.aggregate, through: date) + [date]).sorted()
        if toAggregate.count > 1 { env.logger.debug("nightly: aggregating \(toAggregate.map(\.description).joined(separator: ", ")): new usage was stored for those days") }
        let aggregate = try Aggregate(days: toAggregate).compute(store: store, env: env, catalog: catalog)
        result.aggregate = aggregate
        if let f = aggregate.findings { result.findings.append(f) }

        if !intraday {
            // The days aggregated now, and any an intraday run or a killed run left unaudited.
            let toAudit = Set(try store.pending.days(.audit, through: date) + toAggregate).sorted()
            let audit = try ChargeAuditDays(days: toAudit).perform(store: store, env: env, catalog: catalog)
            result.audit = audit
            result.outputs += audit.outputs
            if let f = audit.findings { result.findings.append(f) }
        }
        CrashPoint.reach("nightly:aggregated")
        FreedMemory.release()
        // A pending day inside a charge period (late usage, a late day line) changes the
        // period's cells too: its last day is reconciled again once it is over.
        let pending = intraday ? [] : try store.pending.days(.reconcile, through: date) + [date]
        let periodEnds = try store.providerBills.periodEnds(covering: pending).filter { $0 <= date }
        let toReconcile = Set(pending + periodEnds).sorted()
        for day in toReconcile where day != date {
            env.logger.debug("nightly: reconciling \(day) again: \(periodEnds.contains(day) && !pending.contains(day) ? "a charge period ending that day holds a day whose data changed" : "new usage or provider bills for it were stored since it was last reconciled")")
        }
        for day in toReconcile {
            env.progress.update("nightly: reconciling \(day)", done: 0, total: nil, unit: "cells")
            let (r, outputs) = try Reconcile(from: day, to: day).perform(store: store, env: env, catalog: catalog, runID: runID)
            result.reconciled.append(r)
            result.outputs += outputs
            result.findings += r.findings
        }

        if !intraday {
            let reconciled = Set(try env.config.reconcile.providers ?? store.providerBills.billedProviders())
            for late in ChargePeriods.overdue(try store.providerBills.providersBillingByPeriod(), on: date) where reconciled.contains(late.provider) {
                result.findings.append("\(late.provider) bills by charge period, and no bill covers its usage since \(late.since) yet: those days are not reconciled")
            }
        }
        CrashPoint.reach("nightly:reconciled")
        FreedMemory.release()
        if !intraday {
            // Reminders go into the outbox here; alerts then sends everything pending, once.
            let receivables = try self.receivables.perform(store: store, env: env, catalog: catalog, runID: runID, day: date, deliver: false)
            result.receivables = receivables
            result.outputs += receivables.outputs
            if let f = receivables.findings { result.findings.append(f) }
            CrashPoint.reach("nightly:receivables")
        }
        let (alerts, jsonl) = try self.alerts.perform(store: store, env: env, catalog: catalog, runID: runID)
        result.alerts = alerts
        result.outputs.append(jsonl)
        if let f = alerts.findings { result.findings.append(f) }
        if !intraday {
            // The site, for the month of the night's date, as of it.
            let site = try WriteSite(month: PeriodMonth(year: date.date.year, month: date.date.month), asOf: date)
                .perform(store: store, env: env, catalog: catalog, day: date)
            result.site = site
            result.outputs.append(site.folder)
        }
        return result
    }
}
