import SettleCore
import SettleFormats
import SettleStore

/// `settle payouts --period P`: what each marketplace seller is owed from the period's issued
/// invoices, in `payouts/PERIOD/payouts.csv` and one statement per seller.
public struct ComputePayouts: Job {
    public var month: PeriodMonth

    public init(month: PeriodMonth) { self.month = month }

    public struct Result: JobResult, Sendable {
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

    public func parameters(env: JobEnvironment, prepared: Catalog, startedAt: Timestamp) -> [String: String] { ["period": month.description] }

    public func run(store: any SettleStore, env: JobEnvironment, prepared catalog: Catalog, runID: String, startedAt: Timestamp) throws -> (Result, JobRun.Outcome) {
        let (result, outputs) = try perform(store: store, env: env, catalog: catalog, gathered: nil)
        return (result, JobRun.Outcome(status: result.status, outputs: outputs, message: result.findings))
    }

    /// Payouts from the period's issued documents, written. The caller holds the lock.
    /// `gathered`: the documents' payouts when the caller (close) gathered them while it read
    /// the documents; else the documents are read here.
    func perform(store: any SettleStore, env: JobEnvironment, catalog: Catalog, gathered: PayoutStatements?) throws -> (Result, [String]) {
        var result = Result()
        result.folder = "\(env.outDir)/payouts/\(month)"
        let statements: PayoutStatements
        if let gathered {
            statements = gathered
        } else {
            statements = PayoutStatements(services: catalog.services)
            _ = try IssueInvoices.read(month: month, store: store, env: env, label: "payouts \(month): reading invoices") { statements.add($0) }
        }
        result.payouts = statements.book.payouts
        result.unknownServices = statements.book.unknownServices
        let folder = result.folder
        var csv = CSVText.record(["seller", "service_id", "gross", "platform_fee", "net"])
        for p in result.payouts {
            csv += CSVText.record([p.seller, p.serviceID, p.gross.formatted(places: 2), p.platformFee.formatted(places: 2), p.net.formatted(places: 2)])
        }
        try FileSystem.writeAtomically(csv, to: "\(folder)/payouts.csv")
        var outputs = ["\(folder)/payouts.csv"]
        let fees = Dictionary(catalog.services.map { ($0.id, $0.platformFeePct) }, uniquingKeysWith: { a, _ in a })
        for seller in Set(result.payouts.map(\.seller)).sorted() {
            // The seller's name is catalog data: encoded, it cannot lead out of the folder.
            let path = "\(folder)/statement-\(SafeFileName.encode(seller)).csv"
            try statements.writeStatement(of: seller, payouts: result.payouts, fees: fees, to: path)
            outputs.append(path)
        }
        env.progress.finish()
        return (result, outputs)
    }
}
