import SettleCore
import SettleFormats
import SettleStore

/// `reports/oss-YYYY-Qn.csv` (FINANCE.md, "Tax"): the One-Stop Shop lines of the quarter a
/// close's period is in, from every document issued for the quarter's periods so far, so each
/// close of the quarter writes it again with what it now holds.
struct OneStopShopReport {
    let month: PeriodMonth

    static let columns = ["country", "rate_pct", "taxable", "tax", "currency"]

    /// The file's path; nil when the issuer has no country (settle then decides no VAT).
    func write(store: any SettleStore, env: JobEnvironment) throws -> String? {
        guard !env.config.invoices.issuerCountry.isEmpty else { return nil }
        let (name, months) = OneStopShop.quarter(of: month)
        var documents: [Invoice] = []
        for m in months {
            try store.invoiceLedger.forEachDocument(period: m) { number, _, document in
                let inv = try StoredDocuments.read(document, number: number)
                if OneStopShop.belongs(inv) { documents.append(inv) }
            }
        }
        var csv = CSVText.record(Self.columns)
        for l in OneStopShop.lines(documents) {
            csv += CSVText.record([l.country, l.ratePct.description, l.taxable.formatted(currency: l.currency), l.tax.formatted(currency: l.currency), l.currency])
        }
        let path = "\(env.outDir)/reports/oss-\(name).csv"
        try FileSystem.createDirectory(FileSystem.directory(of: path))
        _ = try FileSystem.writeIfChanged(csv, to: path)
        return path
    }
}
