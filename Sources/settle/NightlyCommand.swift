import ArgumentParser
import SettleCore
import SettleFormats
import SettleJobs
import Foundation

struct NightlyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nightly",
        abstract: "Run the night: inbox → ingest → reconcile → aggregate → alerts, under one lock.",
        discussion: """
        Takes in the new files of [inbox] usage and bills (a file is new when its path, size or modification time is new to the store; files stay where they are), reconciles the day and every earlier day whose usage or provider bills changed, aggregates usage per billing period, audits what the gateway charged (audit/DAY/charge-audit.csv, from reported_cost, and the month so far per model, audit/YYYY-MM/charge-audit-summary.csv), fires and delivers alerts. Default date: yesterday, UTC.

        A run killed anywhere is completed by the next one. Silent on success with --quiet; findings (quarantined rows, unmatched cells, unpriced usage, under- or overcharged calls, pending deliveries) go to stderr and make the exit status 3. Another run holding the lock: exit 75.

        Examples:
          settle nightly
          settle nightly --intraday
          settle --config /etc/settle/settle.toml nightly --date 2026-10-31 --quiet --metrics-file /var/lib/node_exporter/settle.prom
        """
    )

    @OptionGroup(title: "Global options") var global: GlobalOptions
    @Option(help: "The UTC day to close, YYYY-MM-DD (default: yesterday; today with --intraday).") var date: UTCDay?
    @Flag(help: "The intraday alert pass: new usage from the inbox, today aggregated, alerts; no provider bills, no reconciliation.")
    var intraday = false

    func validate() throws {
    }

    func run() throws {
        let console = global.console
        try runJob(global, job: intraday ? "intraday" : "nightly") { facts in
            let env = try global.environment()
            let day = date ?? env.clock().day.adding(days: intraday ? 0 : -1)
            let store = try env.openStore()
            let result = try Nightly(date: day, intraday: intraday).execute(store: store, env: env)
            facts.rows = Int64(result.usage.read + result.bills.inputs.reduce(0) { $0 + $1.read })
            facts.findings = Int64(result.findings.count)
            let u = result.usage
            console.say("\(intraday ? "intraday" : "nightly") \(day): \(u.inputs.count) usage files (\(grouped(u.read)) rows: \(grouped(u.accepted)) new, "
                + "\(grouped(u.duplicates)) duplicates, \(grouped(u.quarantined)) quarantined), \(result.bills.inputs.count) provider bills"
                + (result.payments.inputs.isEmpty ? "" : ", \(result.payments.inputs.count) payment files (\(result.payments.posted.count) payments posted, \(result.payments.unmatched.count) unmatched)"))
            let cells = result.reconciled.reduce(0) { $0 + $1.cells.count }
            let notMatched = result.reconciled.reduce(0) { $0 + $1.notMatched }
            let risk = result.reconciled.reduce(ExactDecimal.zero) { $0 + $1.cells.reduce(.zero) { $0 + $1.moneyAtRisk } }
            let periods = Set(result.reconciled.flatMap { $0.cells.compactMap { c in c.through.map { "\(c.day)…\($0)" } } }).sorted()
            if !intraday { console.say("reconciled \((result.reconciled.map { $0.label } + periods).joined(separator: ", ")): \(cells) cells, \(notMatched) not matched, "
                + "money at risk $\(risk.formatted(places: 2))") }
            if let a = result.aggregate {
                console.say("aggregated \(a.days.count) days into \(a.periodCount) customer billing periods")
            }
            if let r = result.receivables, !r.receivables.isEmpty {
                let overdue = r.open.filter { $0.status(on: r.asOf) == .overdue }.count
                console.say("receivables: \(r.open.count) invoices open, \(overdue) overdue, \(r.reminders.filter { !$0.passed }.count) reminders due (\(env.outDir)/receivables/\(r.asOf)/)")
            }
            if let a = result.alerts {
                console.say("alerts: \(a.fired.count) fired, \(a.delivered.count) deliveries sent, \(a.pending.count) pending")
            }
            if let s = result.site { console.say(SiteLines.summary(s)) }
            for f in result.findings { console.warn(f) }
            if !result.reconciled.isEmpty {
                console.say("reconciliation in \(env.outDir)/reconciliation/, alerts in \(env.outDir)/alerts/alerts.jsonl, run record in \(env.outDir)/runs/")
            }
            return result.status
        }
    }
}

struct RerunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rerun",
        abstract: "Recompute a date range from stored data: the same results as if the data had been on time.",
        discussion: """
        Steps (default all): reconcile (one folder per day, as nightly writes), aggregate (and the charge audit of each day, audit/DAY/charge-audit.csv, and of its month, audit/YYYY-MM/charge-audit-summary.csv), alerts (nothing fires twice), invoices (issued invoices are never changed; the difference late data makes to them is reported, exit 3, for settle invoice --adjust or settle close to settle). Nothing is read from the inbox: ingest late files first (or let nightly take them in).

        Examples:
          settle rerun --from 2026-10-03 --to 2026-10-09
          settle rerun --from 2026-10-01 --to 2026-10-31 --steps reconcile,aggregate
          settle rerun --from 2026-10-25 --to 2026-10-25 --steps aggregate --rebuild
        """
    )

    @OptionGroup(title: "Global options") var global: GlobalOptions
    @Option(help: "First UTC day, YYYY-MM-DD.") var from: UTCDay
    @Option(help: "Last UTC day (inclusive), YYYY-MM-DD.") var to: UTCDay
    @Option(help: "Comma-separated steps: reconcile, aggregate, alerts, invoices.") var steps: String = "reconcile,aggregate,alerts,invoices"
    @Flag(help: "Sum every day of the range from its stored events again, even where its daily rows are current (repair).")
    var rebuild = false

    func validate() throws {
        guard from <= to else { throw ValidationError("--from \(from) is after --to \(to)") }
        _ = try stepSet()
    }

    func stepSet() throws -> Set<Rerun.Step> {
        var out = Set<Rerun.Step>()
        for name in steps.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !name.isEmpty {
            guard let s = Rerun.Step(rawValue: name) else {
                throw ValidationError("--steps: \(name) is not a step; use \(Rerun.Step.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            out.insert(s)
        }
        guard !out.isEmpty else { throw ValidationError("--steps names no step") }
        return out
    }

    func run() throws {
        let console = global.console
        try runJob(global, job: "rerun") { facts in
            let env = try global.environment()
            let store = try env.openStore()
            var rerun = Rerun(from: from, to: to, steps: try stepSet())
            rerun.rebuild = rebuild
            let result = try rerun.execute(store: store, env: env)
            facts.findings = Int64(result.findings.count)
            if !result.reconciled.isEmpty {
                let notMatched = result.reconciled.reduce(0) { $0 + $1.notMatched }
                console.say("reconciled \(result.reconciled.count) days: \(result.reconciled.reduce(0) { $0 + $1.cells.count }) cells, \(notMatched) not matched")
            }
            if let a = result.aggregate { console.say("aggregated \(a.days.count) days into \(a.periodCount) customer billing periods") }
            if let a = result.alerts { console.say("alerts: \(a.fired.count) fired, \(a.delivered.count) deliveries sent, \(a.pending.count) pending") }
            for d in result.drift.prefix(20) {
                console.warn("\(d.invoice) \(d.customerID) (\(d.period)): the stored usage now differs by \(d.difference.formatted(places: 2)) \(env.config.currency)")
            }
            for f in result.findings { console.warn(f) }
            return result.status
        }
    }
}
