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
        /// The same in each seller's currency (sellers.csv `currency`), at the rate of the
        /// period's last day.
        public var sellerPayouts: [SellerPayout] = []
        /// Sellers paid in another currency with no rate for it: their payouts are in the base.
        public var unconvertedSellers: [String] = []
        public var folder = ""
        /// Services on the period's invoices that services.csv does not list: no payout.
        public var unknownServices: [String] = []
        public var status: ExitStatus { findings == nil ? .ok : .findings }
        public var findings: String? {
            var out: [String] = []
            if !unknownServices.isEmpty {
                out.append("services billed on issued invoices but not in services.csv, so no payout was computed: \(unknownServices.joined(separator: ", ")); add them to services.csv and run settle payouts again")
            }
            if !unconvertedSellers.isEmpty {
                out.append("no exchange rate for the currency of \(unconvertedSellers.joined(separator: ", ")) on the period's last day: their payouts are in the base currency; add the ECB's rates and run settle payouts again")
            }
            return out.isEmpty ? nil : out.joined(separator: "; ")
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
        (result.sellerPayouts, result.unconvertedSellers) = SellerPayout.convert(
            result.payouts, sellers: catalog.sellers, services: catalog.services, base: env.config.currency, rates: catalog.exchangeRates,
            on: BillingPeriod(month: month, billingDay: 1).lastDay)
        let folder = result.folder
        // PRODUCT.md's columns in the base currency, then the payout in the seller's currency.
        var csv = CSVText.record(["seller", "service_id", "gross", "platform_fee", "net", "currency", "gross_in_currency",
                                  "platform_fee_in_currency", "net_in_currency", "exchange_rate", "rate_date"])
        for sp in result.sellerPayouts {
            let p = sp.payout
            csv += CSVText.record([p.seller, p.serviceID, p.gross.formatted(places: 2), p.platformFee.formatted(places: 2), p.net.formatted(places: 2),
                                   sp.currency, sp.gross.formatted(currency: sp.currency), sp.platformFee.formatted(currency: sp.currency),
                                   sp.net.formatted(currency: sp.currency), sp.rate?.rate.normalized.description ?? "", sp.rate?.date.description ?? ""])
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
