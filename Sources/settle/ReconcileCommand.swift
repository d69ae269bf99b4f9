import ArgumentParser
import SettleCore
import SettleFormats
import SettleJobs

struct ReconcileCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reconcile",
        abstract: "Compare what the gateway metered with what providers billed, per day, model, tier and token type.",
        discussion: """
        Every cell gets the first status that applies: missing_in_gateway, missing_in_bill, token_mismatch, cost_mismatch, unpriced, matched (tolerances in [reconcile]). The cells are stored and written to OUT/reconciliation/DAY (or FROM_TO)/reconciliation.csv, summary.csv and reconciliation.xlsx. Exit 3 when any cell is not matched.

        A provider that bills by a longer charge period (a FOCUS month) is reconciled over the whole period once its last day is in the range, and written to OUT/reconciliation/FIRST_LAST/; its days are never also reconciled one by one.

        Examples:
          settle reconcile --date 2026-10-25
          settle reconcile --from 2026-10-01 --to 2026-10-31
        """
    )

    @OptionGroup(title: "Global options") var global: GlobalOptions

    @Option(help: "The UTC day to reconcile, YYYY-MM-DD.")
    var date: UTCDay?

    @Option(help: "First UTC day of a range, YYYY-MM-DD.")
    var from: UTCDay?

    @Option(help: "Last UTC day of a range (inclusive), YYYY-MM-DD.")
    var to: UTCDay?

    func validate() throws {
        _ = try days()
    }

    func days() throws -> (UTCDay, UTCDay) {
        if let date {
            guard from == nil, to == nil else { throw ValidationError("give --date, or --from and --to, not both") }
            return (date, date)
        }
        guard let from, let to else { throw ValidationError("give --date D, or --from D --to D") }
        guard from <= to else { throw ValidationError("--from \(from) is after --to \(to)") }
        return (from, to)
    }

    func run() throws {
        let console = global.console
        try withExitStatus(console) {
            let (from, to) = try days()
            let env = try global.environment()
            let store = try env.openStore()
            let result = try Reconcile(from: from, to: to).execute(store: store, env: env)
            if result.providers.isEmpty {
                console.say("nothing to reconcile: no provider bill is stored and [reconcile] providers is not set")
            }
            for s in result.summaries {
                let findings = ReconciliationStatus.allCases.filter { $0 != .matched }
                    .compactMap { st in s.byStatus[st].map { "\($0) \(st.rawValue)" } }
                console.say("\(s.through.map { "\(s.day)…\($0)" } ?? s.day.description) \(s.provider): \(s.matched)/\(s.cells) cells matched"
                    + (findings.isEmpty ? "" : " (\(findings.joined(separator: ", ")))")
                    + "; billed $\(s.billedCost.formatted(places: 2)), money at risk $\(s.moneyAtRisk.formatted(places: 2))")
            }
            console.say("reconciliation written to \(result.folder)/ (reconciliation.csv, summary.csv, reconciliation.xlsx)")
            for folder in result.periodFolders { console.say("charge periods longer than a day: \(folder)/") }
            if result.notMatched > 0 {
                var byStatus: [ReconciliationStatus: Int] = [:]
                result.cells.filter { $0.status != .matched }.forEach { byStatus[$0.status, default: 0] += 1 }
                let risk = result.cells.reduce(ExactDecimal.zero) { $0 + $1.moneyAtRisk }
                let list = byStatus.keys.sorted().map { "\($0.rawValue) \(byStatus[$0]!)" }.joined(separator: ", ")
                console.warn("\(result.notMatched) of \(result.cells.count) reconciliation cells not matched (\(list)); "
                    + "money at risk $\(risk.formatted(places: 2)); see \(result.folder)/reconciliation.csv")
            }
            return result.status
        }
    }
}
