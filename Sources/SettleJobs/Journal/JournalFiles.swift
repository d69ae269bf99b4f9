import SettleCore
import SettleFormats
import SettleStore

/// `ledger/P/`: journal.csv, trial-balance.csv, and the import file of `--format`, each written
/// whole and atomically from the stored entries.
enum JournalFiles {
    static func write(month: PeriodMonth, entries: [JournalLedger.StoredEntry], trialBalance: [TrialBalanceRow], accounting: String,
                      settings: JournalSettings, format: JournalFileFormat?, customerName: (String) -> String = { $0 },
                      outDir: String) throws -> [String] {
        let folder = "\(outDir)/ledger/\(month)"
        let numbered = entries.map { (number: $0.number, entry: $0.entry) }
        var files: [(String, String)] = [
            ("journal.csv", JournalCSV.journal(numbered, month: month, chart: settings.chart, accounting: accounting)),
            ("trial-balance.csv", JournalCSV.trialBalance(trialBalance, chart: settings.chart, accounting: accounting)),
        ]
        switch format {
        case .xero:
            let parts = JournalCSV.xero(numbered, month: month, chart: settings.chart, accounting: accounting, taxRate: settings.xeroTaxRate)
            for (i, text) in parts.enumerated() {
                files.append((parts.count == 1 ? "xero-manual-journals.csv" : "xero-manual-journals-\(i + 1).csv", text))
            }
        case .quickbooks:
            files.append(("quickbooks-journal-entries.csv", JournalCSV.quickbooks(numbered, month: month, chart: settings.chart, accounting: accounting,
                                                                                  dateFormat: settings.quickbooksDateFormat, customerName: customerName)))
        case nil:
            break
        }
        var out: [String] = []
        for (name, text) in files {
            try FileSystem.writeAtomically(text, to: "\(folder)/\(name)")
            out.append("\(folder)/\(name)")
        }
        return out
    }
}
