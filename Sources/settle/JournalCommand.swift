import ArgumentParser
import SettleCore
import SettleJobs
import SettleStore

struct JournalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "journal",
        abstract: "Write a month's accounting journal and trial balance, and check that they tie out.",
        discussion: """
        Books every event dated in calendar month P as balanced entries in the accounting currency ([invoices] issuer accounting_currency, else currency) on the accounts of [journal.accounts]: invoices, credit notes and the credit they apply, top-ups, refunds, adjustments and expired credit, payments (with Stripe's fee, and exchange differences), the platform fee of the sellers' payouts, and the providers' bills. Writes OUT/ledger/P/journal.csv and OUT/ledger/P/trial-balance.csv, and prints the tie-outs: receivable against receivables, customer_credit against the credit statement, tax_payable against the month's documents, seller_payable against the payouts, provider_cost against the reconciled bills.

        A month is written once it is over, and in order; after that it is only read back (the same bytes), and anything dated in it that arrives later is booked in the next month written, on its first day. close writes the journal of the month it closes.

        --format xero also writes xero-manual-journals.csv (Xero's manual journal import, at most 300 lines a file); --format quickbooks writes quickbooks-journal-entries.csv (QuickBooks Online's journal entry import, accounts by their [journal.names]).

        Examples:
          settle journal --period 2026-11
          settle journal --period 2026-11 --format xero
        """
    )

    @OptionGroup(title: "Global options") var global: GlobalOptions
    @Option(help: "The calendar month, YYYY-MM.") var period: PeriodMonth
    @Option(help: "Also write the entries for import: xero or quickbooks.") var format: JournalFileFormat?

    func run() throws {
        let console = global.console
        try withExitStatus(console) {
            let env = try global.environment()
            let store = try env.openStore()
            let result = try WriteJournal(month: period, format: format).execute(store: store, env: env)
            for line in JournalLines.summary(result, month: period) { console.say(line) }
            for t in result.tieOuts where !t.holds { console.warn(t.line) }
            for n in result.notBooked.prefix(10) { console.warn("not booked: \(n)") }
            return result.status
        }
    }
}

extension JournalFileFormat: ExpressibleByArgument {}

/// What a journal run says, for `settle journal`, close and the demo.
enum JournalLines {
    static func dated(_ r: WriteJournal.Result) -> String {
        var parts: [String] = []
        if r.broughtForward > 0 { parts.append("\(r.broughtForward) dated before the first journal, brought forward") }
        if r.late > 0 { parts.append("\(r.late) dated in a month already written, booked late") }
        return parts.isEmpty ? "" : " (\(parts.joined(separator: "; ")))"
    }

    static func summary(_ r: WriteJournal.Result, month: PeriodMonth) -> [String] {
        let lines = r.entries.reduce(0) { $0 + $1.entry.lines.count }
        let debits = r.trialBalance.reduce(ExactDecimal.zero) { $0 + $1.debit }
        var out = ["journal \(month): \(r.entries.count) entries, \(lines) lines, \(debits.formatted(places: 2)) debited and credited"
            + (r.written ? JournalLines.dated(r) : " (written before; read back)")]
        out += r.tieOuts.filter(\.holds).map(\.line)
        out += r.files.map { "wrote \($0)" }
        return out
    }
}
