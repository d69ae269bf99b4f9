import SettleCore

/// The journal's files (FINANCE.md, "The journal"): settle's own `journal.csv` and
/// `trial-balance.csv`, and the same entries in the import formats of Xero (manual journals)
/// and QuickBooks Online (journal entries), with the columns their help pages publish.
public enum JournalCSV {
    /// A month's entry number, as journal.csv, Xero's narration and QuickBooks' Journal No. show it.
    public static func entryID(month: PeriodMonth, number: Int) -> String {
        let digits = String(number)
        return "\(month)-" + String(repeating: "0", count: max(0, 6 - digits.count)) + digits
    }

    public static let journalColumns = ["entry", "date", "account", "debit", "credit", "currency", "document", "customer_id", "seller", "memo",
                                        "original_currency", "original_amount", "exchange_rate"]

    /// `journal.csv`: a row per line, amounts in the accounting currency (the other side
    /// empty), a line of another currency with its own amount and rate last.
    public static func journal(_ entries: [(number: Int, entry: JournalEntry)], month: PeriodMonth, chart: ChartOfAccounts, accounting: String) -> String {
        var out = CSVText.record(journalColumns)
        for (number, e) in entries {
            for l in e.lines {
                CSVText.append([entryID(month: month, number: number), e.date.description, chart.code(l.account), money(l.debit, accounting),
                                money(l.credit, accounting), accounting, l.document, l.customerID, l.seller, e.memo, l.original?.currency ?? "",
                                l.original.map { $0.amount.formatted(currency: $0.currency) } ?? "", l.original?.rate ?? ""], to: &out)
            }
        }
        return out
    }

    public static func trialBalance(_ rows: [TrialBalanceRow], chart: ChartOfAccounts, accounting: String) -> String {
        var out = CSVText.record(TrialBalanceRow.columns)
        var total = TrialBalanceRow(account: .receivable)
        for r in rows {
            CSVText.append([chart.code(r.account), chart.name(r.account)] + [r.opening, r.debit, r.credit, r.closing].map { $0.formatted(currency: accounting) },
                           to: &out)
            total.opening += r.opening
            total.debit += r.debit
            total.credit += r.credit
        }
        CSVText.append(["", "total"] + [total.opening, total.debit, total.credit, total.closing].map { $0.formatted(currency: accounting) }, to: &out)
        return out
    }

    /// Xero's manual journal import template (help.xero.com, "Import manual journals"): one
    /// journal per narration and date; a positive amount is a debit, a negative a credit; dates
    /// as `dd/mm/yyyy`; every line needs a tax rate by its name. Xero takes at most 300 lines a
    /// file: a month with more is split between files, never inside a journal.
    public static let xeroColumns = ["*Narration", "*Date", "Description", "*AccountCode", "*TaxRate", "*Amount", "TrackingName1", "TrackingOption1",
                                     "TrackingName2", "TrackingOption2"]
    public static let xeroLinesPerFile = 300

    public static func xero(_ entries: [(number: Int, entry: JournalEntry)], month: PeriodMonth, chart: ChartOfAccounts, accounting: String,
                            taxRate: String) -> [String] {
        var files: [String] = []
        var out = CSVText.record(xeroColumns)
        var lines = 0
        for (number, e) in entries {
            if lines > 0 && lines + e.lines.count > xeroLinesPerFile {
                files.append(out)
                out = CSVText.record(xeroColumns)
                lines = 0
            }
            let date = dayMonthYear(e.date)
            for l in e.lines {
                let description = [l.document, l.customerID, l.seller].filter { !$0.isEmpty }.joined(separator: " ")
                CSVText.append(["\(entryID(month: month, number: number)) \(e.memo)", date, description, chart.code(l.account), taxRate,
                                l.balance.formatted(currency: accounting), "", "", "", ""], to: &out)
                lines += 1
            }
        }
        files.append(out)
        return files
    }

    /// QuickBooks Online's journal entry import (quickbooks.intuit.com, "Import journal
    /// entries"): lines of one entry share its Journal No.; accounts by name (the import wants
    /// account numbers turned off); a line on Accounts Receivable names its customer.
    public static let quickbooksColumns = ["Journal No.", "Journal Date", "Account Name", "Debits", "Credits", "Description", "Name"]

    public static func quickbooks(_ entries: [(number: Int, entry: JournalEntry)], month: PeriodMonth, chart: ChartOfAccounts, accounting: String,
                                  dateFormat: String, customerName: (String) -> String) -> String {
        var out = CSVText.record(quickbooksColumns)
        for (number, e) in entries {
            let date = dateFormat == "DD/MM/YYYY" ? dayMonthYear(e.date) : monthDayYear(e.date)
            for l in e.lines {
                let name = l.account == .receivable && !l.customerID.isEmpty ? customerName(l.customerID) : ""
                CSVText.append([entryID(month: month, number: number), date, chart.name(l.account), money(l.debit, accounting), money(l.credit, accounting),
                                [e.memo, l.document].filter { !$0.isEmpty }.joined(separator: " — "), name], to: &out)
            }
        }
        return out
    }

    static func money(_ d: ExactDecimal, _ currency: String) -> String { d.isZero ? "" : d.formatted(currency: currency) }

    static func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }

    static func dayMonthYear(_ d: UTCDay) -> String {
        let c = d.date
        return "\(two(c.day))/\(two(c.month))/\(c.year)"
    }

    static func monthDayYear(_ d: UTCDay) -> String {
        let c = d.date
        return "\(two(c.month))/\(two(c.day))/\(c.year)"
    }
}
