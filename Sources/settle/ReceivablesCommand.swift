import ArgumentParser
import SettleCore
import SettleJobs

struct ReceivablesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "receivables",
        abstract: "Write what customers owe on a day, and send the payment reminders due.",
        discussion: """
        Tries unmatched payments again against the invoices issued since, then writes OUT/receivables/D/open-invoices.csv (every invoice with something open: total, paid, credited, open, days overdue, status) and OUT/receivables/D/aging.csv (what each customer owes per currency: current, 1-30, 31-60, 61-90 and over 90 days past due).

        Each overdue invoice gets each reminder of [reminders] days (default 7, 14 and 30 days past due) once, ever; when several steps are reached at once, only the latest is sent. Reminders go to the customer's alert_webhook, else to [alerts] webhook_url, signed like alerts, through the same outbox (retried, kept pending for the next run: exit 3 while any is pending), and are listed in OUT/reminders/reminders.jsonl. Nightly runs this as of its date.

        Examples:
          settle receivables --as-of 2026-11-30
          settle receivables
        """
    )

    @OptionGroup(title: "Global options") var global: GlobalOptions

    @Option(name: .customLong("as-of"), help: "The day to look at, YYYY-MM-DD (default: today, UTC).")
    var asOf: UTCDay?

    func run() throws {
        let console = global.console
        try withExitStatus(console) {
            let env = try global.environment()
            let store = try env.openStore()
            let result = try CollectReceivables(asOf: asOf).execute(store: store, env: env)
            for line in ReceivablesLines.summary(result) { console.say(line) }
            for p in result.problems { console.warn(p) }
            if !result.pending.isEmpty {
                let hosts = Set(result.pending.map { WebhookPoster.host(of: $0.url) }).sorted().prefix(3).joined(separator: ", ")
                console.warn("\(result.pending.count) webhook deliveries pending to \(hosts); the next run retries")
            }
            return result.status
        }
    }
}

/// What receivables says of a run, shared by `settle receivables`, nightly and the demo.
enum ReceivablesLines {
    static func summary(_ r: CollectReceivables.Result) -> [String] {
        var out: [String] = []
        guard !r.outputs.isEmpty else { return ["receivables as of \(r.asOf): no invoice issued and no payment taken in yet"] }
        let open = r.open
        var byCurrency: [String: ExactDecimal] = [:]
        for i in open { byCurrency[i.currency, default: .zero] += i.open }
        let totals = byCurrency.sorted { $0.key < $1.key }.map { "\($0.value.formatted(currency: $0.key)) \($0.key)" }.joined(separator: ", ")
        let overdue = open.filter { $0.status(on: r.asOf) == .overdue }.count
        out.append("receivables as of \(r.asOf): \(open.count) open invoices\(totals.isEmpty ? "" : " (\(totals))"), \(overdue) overdue")
        for p in r.matched { out.append("  matched now: " + PaymentLines.posted(p)) }
        if r.unmatched > 0 { out.append("\(r.unmatched) payments still match no invoice (payments/unmatched.csv)") }
        let sent = r.reminders.filter { !$0.passed }
        for m in sent.prefix(10) {
            out.append("reminder \(m.days) days: \(m.invoice) \(m.customerID), \(m.open.formatted(currency: m.currency)) \(m.currency) open, \(m.daysOverdue) days past due")
        }
        if sent.count > 10 { out.append("… and \(sent.count - 10) more reminders (reminders/reminders.jsonl)") }
        if sent.isEmpty { out.append("no reminders due") }
        if !r.delivered.isEmpty { out.append("delivered \(r.delivered.count) webhook posts") }
        out += r.outputs.map { "wrote \($0)" }
        return out
    }
}
