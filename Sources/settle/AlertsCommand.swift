import ArgumentParser
import SettleCore
import SettleJobs

struct AlertsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alerts",
        abstract: "Fire 80/90/100 % plan-limit alerts and deliver them by signed webhook.",
        discussion: """
        Looks at the billing periods that aggregate changed. Each (customer, period, metric, threshold) fires once, ever. New alerts are stored and written to OUT/alerts/alerts.jsonl; each customer's new alerts go in one POST to the customer's alert_webhook, else [alerts] webhook_url, signed with the secret in $SETTLE_WEBHOOK_SECRET (header Settle-Signature: t=UNIX,v1=HMAC-SHA256("UNIX.BODY")). Failed deliveries are retried, then kept pending for the next run (exit 3 while any is pending).

        Examples:
          settle alerts
          settle alerts --dry-run
        """
    )

    @OptionGroup(title: "Global options") var global: GlobalOptions
    @Flag(help: "Show what would fire; store and send nothing.") var dryRun = false

    func run() throws {
        let console = global.console
        try runJob(global, job: dryRun ? "alerts-dry-run" : "alerts") { facts in
            let env = try global.environment()
            let store = try env.openStore()
            let result = try EvaluateAlerts(dryRun: dryRun).execute(store: store, env: env)
            for a in result.fired {
                console.say("\(dryRun ? "would fire" : "fired") \(a.severity.rawValue): \(a.customerID) \(a.period) \(a.metric) "
                    + "\(a.threshold) % (\(a.usage.normalized) of \(a.limit.normalized))")
            }
            if result.fired.isEmpty { console.say(dryRun ? "no new alerts would fire" : "no new alerts") }
            if !result.delivered.isEmpty { console.say("delivered \(result.delivered.count) webhook posts") }
            facts.findings = Int64(result.problems.count + result.pending.count)
            for p in result.problems { console.warn(p) }
            if !result.pending.isEmpty {
                let why = result.pending.compactMap(\.lastError).first.map { " (last error: \($0))" } ?? ""
                // A cron mail names a few hosts, not thousands.
                // Hosts only: a webhook URL's path may hold its secret.
                let all = Set(result.pending.map { WebhookPoster.host(of: $0.url) }).sorted()
                let hosts = all.prefix(3).joined(separator: ", ") + (all.count > 3 ? " and \(all.count - 3) more" : "")
                console.warn("\(result.pending.count) webhook \(result.pending.count == 1 ? "delivery" : "deliveries") pending to \(hosts)\(why); the next run retries")
            }
            return result.status
        }
    }
}
