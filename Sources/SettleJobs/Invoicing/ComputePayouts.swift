import SettleCore
import SettleFormats
import SettleStore

/// `settle payouts --period P`: what each marketplace seller is owed from the period's issued
/// invoices, in `payouts/PERIOD/payouts.csv` and one statement per seller.
public struct ComputePayouts: Job {
    public var month: PeriodMonth

    public init(month: PeriodMonth) { self.month = month }

    public struct Report: JobReport, Sendable {
        public init() {}
        public var runRecord: RunRecord?
        public var payouts: [Payout] = []
        public var folder = ""
        /// Services on the period's invoices that services.csv does not list: no payout.
        public var unknownServices: [String] = []
        public var status: ExitStatus { unknownServices.isEmpty ? .ok : .findings }
        public var findings: String? {
            unknownServices.isEmpty ? nil
                : "services billed on issued invoices but not in services.csv, so no payout was computed: \(unknownServices.joined(separator: ", ")); add them to services.csv and run settle payouts again"
        }
    }

    public var name: String { "payouts" }

    public func parameters(env: JobEnvironment, startedAt: Timestamp) -> [String: String] { ["period": month.description] }

    public func run(store: any SettleStore, env: JobEnvironment, catalog: Catalog, runID: String, startedAt: Timestamp) throws -> (Report, JobRun.Outcome) {
        let (report, outputs) = try perform(store: store, env: env, catalog: catalog, issued: nil)
        return (report, JobRun.Outcome(status: report.status, outputs: outputs, message: report.findings))
    }

    /// Payouts from the period's issued documents, written. The caller holds the lock.
    /// `issued`: the documents when the caller (close) has just read them; else they are read.
    public func perform(store: any SettleStore, env: JobEnvironment, catalog: Catalog, issued: IssuedMonth?) throws -> (Report, [String]) {
        var report = Report()
        report.folder = "\(env.outDir)/payouts/\(month)"
        let invoices = try (issued ?? IssueInvoices.read(month: month, store: store, env: env, label: "payouts \(month): reading invoices")).marketplace
        report.payouts = Payout.of(invoices, services: catalog.services)
        report.unknownServices = Payout.unknownServices(invoices, services: catalog.services)
        let folder = report.folder
        var csv = CSVText.record(["seller", "service_id", "gross", "platform_fee", "net"])
        for p in report.payouts {
            csv += CSVText.record([p.seller, p.serviceID, p.gross.formatted(places: 2), p.platformFee.formatted(places: 2), p.net.formatted(places: 2)])
        }
        try FileSystem.writeAtomically(csv, to: "\(folder)/payouts.csv")
        var outputs = ["\(folder)/payouts.csv"]
        let fees = Dictionary(catalog.services.map { ($0.id, $0.platformFeePct) }, uniquingKeysWith: { a, _ in a })
        for seller in Set(report.payouts.map(\.seller)).sorted() {
            var s = CSVText.record(["invoice", "customer_id", "service_id", "kind", "description", "quantity", "amount"])
            for inv in invoices {
                for l in inv.lines where (l.kind == .service || l.kind == .trial) && report.payouts.contains(where: { $0.seller == seller && $0.serviceID == l.serviceID }) {
                    s += CSVText.record([inv.number ?? "", inv.customerID, l.serviceID ?? "", l.kind.rawValue, l.description,
                                         String(l.quantity), l.amount.formatted(places: 2)])
                }
            }
            for p in report.payouts where p.seller == seller {
                s += CSVText.record(["", "", p.serviceID, "gross", "", "", p.gross.formatted(places: 2)])
                s += CSVText.record(["", "", p.serviceID, "platform_fee", "\(fees[p.serviceID]?.normalized.description ?? "") %", "",
                                     (-p.platformFee).formatted(places: 2)])
                s += CSVText.record(["", "", p.serviceID, "net", "", "", p.net.formatted(places: 2)])
            }
            let path = "\(folder)/statement-\(seller).csv"
            try FileSystem.writeAtomically(s, to: path)
            outputs.append(path)
        }
        env.progress.finish()
        return (report, outputs)
    }
}
