import SettleCore
import SettleFormats
import SettleStore

/// `settle receivables --as-of D`: what customers owe on day D, and the reminders due then
/// (FINANCE.md, "Payments and receivables").
///
/// Unmatched payments are first tried again against the invoices issued since. Then
/// `receivables/D/open-invoices.csv` (every invoice with something open on D) and
/// `receivables/D/aging.csv` are written; each overdue invoice reaching a step of `[reminders]
/// days` gets that reminder once, ever, stored with its delivery before anything is sent (the
/// outbox alerts use); `reminders/reminders.jsonl` is rewritten from the store, and the
/// pending deliveries are sent.
public struct CollectReceivables: Job {
    public var asOf: UTCDay?
    public var outbox: WebhookOutbox

    public init(asOf: UTCDay? = nil, outbox: WebhookOutbox = WebhookOutbox()) {
        self.asOf = asOf
        self.outbox = outbox
    }

    public struct Result: JobResult, Sendable {
        public init() {}
        public var runRecord: RunRecord?
        public var asOf = UTCDay(ordinal: 0)
        /// Every invoice issued by the day, with what is open of it.
        public var receivables: [Receivable] = []
        public var aging: [AgingRow] = []
        /// Reminders decided on this run: sent, or passed (a later step reached at once).
        public var reminders: [Reminder] = []
        /// Unmatched payments that matched an invoice issued since.
        public var matched: [PostedPayment] = []
        /// Payments stored that still match nothing.
        public var unmatched = 0
        public var delivered: [AlertDelivery] = []
        public var pending: [AlertDelivery] = []
        public var problems: [String] = []
        public var outputs: [String] = []
        public var open: [Receivable] { receivables.filter { $0.open > .zero } }
        public var status: ExitStatus { pending.isEmpty && problems.isEmpty ? .ok : .findings }
        public var findings: String? {
            var out = problems
            if !pending.isEmpty { out.append("\(pending.count) webhook deliveries pending") }
            return out.isEmpty ? nil : out.joined(separator: "; ")
        }
    }

    public var name: String { "receivables" }

    public func parameters(env: JobEnvironment, prepared: Catalog, startedAt: Timestamp) -> [String: String] {
        ["as_of": (asOf ?? startedAt.day).description]
    }

    public func run(store: any SettleStore, env: JobEnvironment, prepared catalog: Catalog, runID: String, startedAt: Timestamp) throws -> (Result, JobRun.Outcome) {
        let result = try perform(store: store, env: env, catalog: catalog, runID: runID, day: asOf ?? startedAt.day)
        return (result, JobRun.Outcome(status: result.status, outputs: result.outputs, message: result.findings))
    }

    /// The work, for `day`. The caller holds the lock.
    /// `deliver`: false when the caller sends the outbox itself (nightly, through alerts).
    public func perform(store: any SettleStore, env: JobEnvironment, catalog: Catalog, runID: String, day: UTCDay,
                        deliver: Bool = true) throws -> Result {
        var result = Result()
        result.asOf = day
        let ledger = store.payments
        var book = try StoredPaymentBook(ledger, catalog: catalog, base: env.config.currency)
        result.matched = book.rematch()
        try ledger.post(result.matched)
        let payments = try ledger.all()
        result.unmatched = payments.filter { !$0.posting.isPosted }.count
        result.receivables = ReceivableBook.on(day, invoices: try ledger.receivables(base: env.config.currency), payments: payments,
                                               settlements: try ledger.settlements())
        // Nothing issued and nothing paid yet (a new site's first nights): no empty files.
        guard !result.receivables.isEmpty || !payments.isEmpty else { return result }
        result.aging = AgingRow.of(result.receivables, on: day)
        result.outputs += try ReceivablesFiles.write(result.receivables, aging: result.aging, on: day, outDir: env.outDir)
        if !payments.isEmpty { result.outputs.append(try UnmatchedPaymentsFile.write(payments, outDir: env.outDir)) }

        let due = Reminder.due(result.receivables, on: day, steps: env.config.reminderDays, earlier: try ledger.reminderKeys())
        let references = Dictionary(result.receivables.map { ($0.number, CreditorReference.of(invoiceNumber: $0.number)) },
                                    uniquingKeysWith: { a, _ in a })
        let (deliveries, deliveryOf) = ReminderDeliveries.make(due, catalog: catalog, operatorURL: env.config.alerts.webhookURL,
                                                               references: references, at: env.clock())
        CrashPoint.reach("receivables:decided")
        try ledger.record(due, deliveries: deliveries, deliveryOf: deliveryOf, createdAt: env.clock(), runID: runID)
        result.reminders = due
        result.outputs.append(try ReminderDeliveries.writeJSONLines(try ledger.reminders(), references: references, outDir: env.outDir))
        guard deliver else { return result }
        let sent = try outbox.deliver(store: store, env: env)
        result.delivered = sent.delivered
        result.pending = sent.pending
        if let problem = sent.problem { result.problems.append(problem) }
        return result
    }
}

/// `receivables/D/open-invoices.csv` and `receivables/D/aging.csv`.
enum ReceivablesFiles {
    static let openColumns = ["number", "customer_id", "currency", "issue_date", "due_date", "total", "paid", "credited", "open",
                              "days_overdue", "status"]

    static func write(_ receivables: [Receivable], aging: [AgingRow], on day: UTCDay, outDir: String) throws -> [String] {
        let folder = "\(outDir)/receivables/\(day)"
        try FileSystem.writeAtomically(openInvoices(receivables, on: day), to: "\(folder)/open-invoices.csv")
        try FileSystem.writeAtomically(agingCSV(aging), to: "\(folder)/aging.csv")
        return ["\(folder)/open-invoices.csv", "\(folder)/aging.csv"]
    }

    static func openInvoices(_ receivables: [Receivable], on day: UTCDay) -> String {
        var out = CSVText.record(openColumns)
        for r in receivables where r.open > .zero {
            let money = { (d: ExactDecimal) in d.formatted(currency: r.currency) }
            CSVText.append([r.number, r.customerID, r.currency, r.issueDate.description, r.dueDate.description, money(r.total), money(r.paid),
                            money(r.credited), money(r.open), String(r.daysOverdue(on: day)), r.status(on: day).rawValue], to: &out)
        }
        return out
    }

    static func agingCSV(_ rows: [AgingRow]) -> String {
        var out = CSVText.record(AgingRow.columns)
        for r in rows {
            CSVText.append([r.customerID, r.currency] + [r.current, r.days1to30, r.days31to60, r.days61to90, r.over90, r.total]
                .map { $0.formatted(currency: r.currency) }, to: &out)
        }
        return out
    }
}
