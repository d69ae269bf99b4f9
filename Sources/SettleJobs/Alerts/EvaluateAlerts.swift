import Crypto
import Foundation
import SettleCore
import SettleFormats
import SettleStore

/// `settle alerts [--dry-run]`: fires the 80/90/100 % alerts of the periods whose figures
/// changed, stores them, rewrites `alerts/alerts.jsonl`, and delivers each customer's new
/// alerts in one signed POST, and every new alert to the operator in one more.
///
/// An alert fires once per (customer, period, metric, threshold, limit), ever: the store
/// refuses a second. A delivery is stored with its alerts before it is sent, retried with backoff in the
/// run, left pending if it still fails, and retried by the next run with the same body and
/// idempotency key; once a 2xx acknowledges it, it is never sent again.
public struct EvaluateAlerts: Job {
    public var dryRun: Bool
    public var poster: WebhookPoster
    /// Attempts per delivery in one run, and the pause before each retry (doubling).
    public var attempts: Int
    public var backoff: TimeInterval
    public var environment: [String: String]

    public init(dryRun: Bool = false, poster: WebhookPoster = WebhookPoster(), attempts: Int = 3, backoff: TimeInterval = 0.5,
                environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.dryRun = dryRun
        self.poster = poster
        self.attempts = attempts
        self.backoff = backoff
        self.environment = environment
    }

    public struct Result: JobResult, Sendable {
        public init() {}
        public var runRecord: RunRecord?
        public var fired: [FiredAlert] = []
        public var delivered: [AlertDelivery] = []
        public var pending: [AlertDelivery] = []
        public var problems: [String] = []
        public var status: ExitStatus { pending.isEmpty && problems.isEmpty ? .ok : .findings }
        public var findings: String? {
            var message: [String] = problems
            if !pending.isEmpty { message.append("\(pending.count) webhook deliveries pending") }
            return message.isEmpty ? nil : message.joined(separator: "; ")
        }
    }

    public var name: String { "alerts" }
    public func parameters(env: JobEnvironment, prepared: Catalog, startedAt: Timestamp) -> [String: String] { [:] }

    public func dryRun(store: any SettleStore, env: JobEnvironment, prepared catalog: Catalog) throws -> Result? {
        dryRun ? try evaluate(store: store, env: env, catalog: catalog, runID: "dry-run") : nil
    }

    public func run(store: any SettleStore, env: JobEnvironment, prepared catalog: Catalog, runID: String, startedAt: Timestamp) throws -> (Result, JobRun.Outcome) {
        let (result, jsonl) = try perform(store: store, env: env, catalog: catalog, runID: runID)
        return (result, JobRun.Outcome(status: result.status, outputs: [jsonl], message: result.findings))
    }

    /// Fires, stores, writes alerts.jsonl and delivers. The caller holds the lock.
    public func perform(store: any SettleStore, env: JobEnvironment, catalog: Catalog, runID: String) throws -> (Result, String) {
        var result = try evaluate(store: store, env: env, catalog: catalog, runID: runID)
        CrashPoint.reach("alerts:stored")
        let jsonl = try writeJSONLines(store: store, outDir: env.outDir)
        try deliver(store: store, env: env, into: &result)
        return (result, jsonl)
    }

    /// The alerts due now; stored (with their deliveries) unless this is a dry run. Each
    /// customer with a webhook of their own (in the version in force on the last day
    /// aggregated) gets their new alerts in one POST; the operator's `[alerts] webhook_url`
    /// gets every new alert of every customer in one POST.
    func evaluate(store: any SettleStore, env: JobEnvironment, catalog: Catalog, runID: String) throws -> Result {
        var result = Result()
        let due = try store.periods.totals(dueOnly: true)
        let firedBefore = try store.alertLedger.firedInDuePeriods()
        let now = env.clock()
        var byCustomer: [String: [FiredAlert]] = [:]
        var webhooks: [String: String] = [:]
        for totals in due {
            guard let plan = env.config.plans[totals.plan] else {
                result.problems.append("customer \(totals.customerID) is on plan \(totals.plan), which settle.toml does not define")
                continue
            }
            if let url = catalog.customers[totals.customerID]?.inForce(on: totals.asOf).alertWebhook, !url.isEmpty {
                webhooks[totals.customerID] = url
            }
            let fired = firedBefore[PeriodKey(customerID: totals.customerID, periodStart: totals.period.firstDay)] ?? []
            for c in AlertRule.reached(totals, plan: plan, thresholds: env.config.alerts.thresholds)
            where !fired.contains(c.key) {
                byCustomer[c.customerID, default: []].append(FiredAlert(id: Self.alertID(c), candidate: c, firedAt: now))
            }
        }
        var all: [FiredAlert] = []
        var deliveries: [AlertDelivery] = []
        for (customerID, fired) in byCustomer.sorted(by: { $0.key < $1.key }) {
            var alerts = fired
            if let url = webhooks[customerID] {
                let id = "dlv_" + Self.digest(alerts.map(\.id).joined(separator: ","))
                for i in alerts.indices { alerts[i].deliveryID = id }
                deliveries.append(AlertDelivery(id: id, customerID: customerID, url: url, body: Self.body(customerID, alerts), createdAt: now))
            }
            all += alerts
        }
        if let url = env.config.alerts.webhookURL, !url.isEmpty, !all.isEmpty {
            let id = "dlv_" + Self.digest("operator|" + all.map(\.id).joined(separator: ","))
            for i in all.indices where all[i].deliveryID == nil { all[i].deliveryID = id }
            deliveries.append(AlertDelivery(id: id, customerID: "", url: url, body: Self.operatorBody(all), createdAt: now))
        }
        if !dryRun {
            try store.alertLedger.record(all, deliveries: deliveries, runID: runID)
            try store.periods.markAlertsEvaluated(due)
        }
        result.fired = all
        return result
    }

    /// Sends every pending delivery of the outbox (`WebhookOutbox`).
    func deliver(store: any SettleStore, env: JobEnvironment, into result: inout Result) throws {
        let sent = try outbox.deliver(store: store, env: env)
        result.delivered += sent.delivered
        result.pending += sent.pending
        if let problem = sent.problem { result.problems.append(problem) }
    }

    var outbox: WebhookOutbox {
        WebhookOutbox(poster: poster, attempts: attempts, backoff: backoff, environment: environment)
    }

    /// `alerts/alerts.jsonl`: every alert ever fired, oldest first. Rewritten whole, atomically,
    /// from the store, so a crash cannot leave it without an alert the store has.
    func writeJSONLines(store: any SettleStore, outDir: String) throws -> String {
        let path = "\(outDir)/alerts/alerts.jsonl"
        let text = try store.alertLedger.all().map { Self.json($0).rendered() + "\n" }.joined()
        try FileSystem.writeAtomically(text, to: path)
        return path
    }

    static func json(_ a: FiredAlert) -> JSONText {
        .object([
            ("id", .string(a.id)), ("customer_id", .string(a.customerID)), ("period", .string(a.period.description)),
            ("metric", .string(a.metric.description)), ("threshold", .int(Int64(a.threshold))), ("severity", .string(a.severity.rawValue)),
            ("usage", .number(a.usage.normalized.description)), ("limit", .number(a.limit.normalized.description)),
            ("fired_at", .string(a.firedAt.description)),
        ])
    }

    static func body(_ customerID: String, _ alerts: [FiredAlert]) -> String {
        JSONText.object([("customer_id", .string(customerID)), ("alerts", .array(alerts.map(json)))]).rendered()
    }

    /// The operator's copy: every customer's new alerts of the run.
    static func operatorBody(_ alerts: [FiredAlert]) -> String {
        JSONText.object([("alerts", .array(alerts.map(json)))]).rendered()
    }

    /// The digest of what makes the alert once-ever (`AlertCandidate.identity`), so a rerun
    /// makes the same id.
    static func alertID(_ c: AlertCandidate) -> String {
        "alt_" + digest(c.identity)
    }

    static func digest(_ s: String) -> String {
        String(hexString(SHA256.hash(data: Data(s.utf8))).prefix(20))
    }
}
