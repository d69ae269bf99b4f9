import SettleCore
import SettleDocuments
import SettleFormats
import SettleStore

/// `settle documents --period P`: the PDFs customers and sellers receive
/// (PRODUCT.md, "Invoice documents"): `invoices/P/NUMBER.pdf` for every issued invoice, credit
/// note and supplementary invoice of P, and `payouts/P/SELLER.pdf` for every seller's statement
/// (the number and the seller through `SafeFileName`: the catalog and the configured prefixes
/// are data, and no file may land outside `--out`).
///
/// Rendered from the stored documents only, so a rerun gives the same bytes and rewrites no file
/// that has not changed; each file appears whole (a temporary name, renamed). Rendering takes
/// about 2 ms a page, so it runs on two threads while the documents are read, and close leaves
/// it to this command (`jobs/close` runs it right after).
public struct RenderDocuments: Job {
    public var month: PeriodMonth

    public init(month: PeriodMonth) { self.month = month }

    public struct Result: JobResult, Sendable {
        public init() {}
        public var runRecord: RunRecord?
        public var documents = 0
        public var statements = 0
        /// E-invoices written as XML files (`peppol`, `xrechnung`, `cii`), Factur-X PDFs, and
        /// self-billed seller invoices.
        public var einvoices = 0
        public var facturX = 0
        public var selfBilled = 0
        public var folder = ""
    }

    public var name: String { "documents" }

    public func parameters(env: JobEnvironment, prepared: Catalog, startedAt: Timestamp) -> [String: String] { ["period": month.description] }

    public func run(store: any SettleStore, env: JobEnvironment, prepared catalog: Catalog, runID: String, startedAt: Timestamp) throws -> (Result, JobRun.Outcome) {
        let (result, outputs) = try perform(store: store, env: env, catalog: catalog)
        return (result, JobRun.Outcome(status: .ok, outputs: outputs))
    }

    func perform(store: any SettleStore, env: JobEnvironment, catalog: Catalog) throws -> (Result, [String]) {
        let config = env.config
        let paper = Paper(rawValue: config.invoices.paper) ?? .a4
        let logo: Logo?
        do {
            logo = try config.invoices.logo.map { try Logo(path: $0) }
        } catch {
            throw ConfigError(file: config.sourcePath ?? "settle.toml", key: "invoices.logo", "\(error)")
        }
        let issuer = config.invoices.issuer
        let terms = config.invoices.paymentTermsDays
        var result = Result()
        let folder = "\(env.outDir)/invoices/\(month)"
        result.folder = folder
        let existing = FileSystem.names(in: folder)
        let statements = PayoutStatements(services: catalog.services)
        let einvoices = EInvoiceFiles(config: config, catalog: catalog)
        // Two writers, each rendering on a thread of its own, documents dealt alternately.
        let writers = [FileBatchWriter(), FileBatchWriter()]
        do {
            _ = try IssueInvoices.read(month: month, store: store, env: env, label: "documents \(month): rendering") { inv in
                guard let number = inv.number else { return }
                statements.add(inv)
                let box = LogoBox(logo)
                let name = "\(SafeFileName.encode(number)).pdf"
                let writer = writers[result.documents % 2]
                let einvoice = einvoices.document(for: inv)
                if let (format, document) = einvoice, format == .facturx {
                    // Few customers ask for it: attached here, on the reading thread.
                    let pdf = try EInvoiceFiles.facturX(pdf: InvoicePDF.render(inv, issuer: issuer, paper: paper, paymentTermsDays: terms, logo: logo),
                                                        document: document, issuerName: issuer.name)
                    try writer.write(to: "\(folder)/\(name)", mayExist: existing.contains(name), bytes: { pdf })
                    result.facturX += 1
                } else {
                    try writer.write(to: "\(folder)/\(name)", mayExist: existing.contains(name)) {
                        InvoicePDF.render(inv, issuer: issuer, paper: paper, paymentTermsDays: terms, logo: box.logo)
                    }
                }
                if let (format, document) = einvoice, format != .facturx {
                    let xmlName = "\(SafeFileName.encode(number)).xml"
                    try writer.write(to: "\(folder)/\(xmlName)", mayExist: existing.contains(xmlName)) { EInvoiceFiles.xml(document, format: format) }
                    result.einvoices += 1
                }
                result.documents += 1
            }
            for w in writers { try w.finish() }
        } catch {
            for w in writers { try? w.finish() }
            throw error
        }
        var outputs = ["\(folder)/ (\(result.documents) PDFs"
                       + (result.facturX > 0 ? ", \(result.facturX) of them Factur-X" : "")
                       + (result.einvoices > 0 ? ", \(result.einvoices) e-invoices" : "") + ")"]
        let payouts = statements.book.payouts
        // Each seller's payout in its own currency, at the rate of the period's last day.
        let paid = SellerPayout.convert(payouts, sellers: catalog.sellers, services: catalog.services, base: config.currency,
                                        rates: catalog.exchangeRates, on: BillingPeriod(month: month, billingDay: 1).lastDay).payouts
        let fees = Dictionary(catalog.services.map { ($0.id, $0.platformFeePct) }, uniquingKeysWith: { a, _ in a })
        let created = BillingPeriod(month: month.next, billingDay: 1).firstDay
        for seller in Set(payouts.map(\.seller)).sorted() {
            var lines: [[String]] = []
            try statements.forEachLine(of: seller) { lines.append($0) }
            let services = payouts.filter { $0.seller == seller }.map {
                StatementPDF.Service(serviceID: $0.serviceID, gross: $0.gross, feePct: fees[$0.serviceID] ?? .zero, fee: $0.platformFee, net: $0.net)
            }
            let own = paid.filter { $0.payout.seller == seller }
            let paidIn = own.first?.rate.map { StatementPDF.PaidIn(net: own.reduce(ExactDecimal.zero) { $0 + $1.net }, rate: $0) }
            let pdf = StatementPDF.render(seller: seller, period: month, currency: config.currency, lines: lines, services: services,
                                          issuer: issuer, paper: paper, created: created, logo: logo, paidIn: paidIn)
            let path = "\(env.outDir)/payouts/\(month)/\(SafeFileName.encode(seller)).pdf"
            try FileSystem.createDirectory(FileSystem.directory(of: path))
            try FileSystem.writeIfChanged(pdf, to: path)
            outputs.append(path)
            result.statements += 1
            if let seller = catalog.sellers[seller], seller.selfBilling {
                // In the currency the seller is paid in.
                let document = try EInvoice(selfBilled: seller, payouts: own.map(\.inCurrency), month: month,
                                            platform: EInvoice.Issuer(config.invoices), currency: own.first?.currency ?? config.currency,
                                            paymentTermsDays: terms, rates: catalog.vatRates)
                let xmlPath = "\(env.outDir)/payouts/\(month)/\(SafeFileName.encode(seller.id)).xml"
                try FileSystem.writeIfChanged(UBLDocument.xml(document), to: xmlPath)
                outputs.append(xmlPath)
                result.selfBilled += 1
            }
        }
        FileSystem.syncFileSystem(of: folder)
        env.progress.finish()
        return (result, outputs)
    }
}

/// The logo handed to a writing thread (cairo reads the image; nothing writes it).
private struct LogoBox: @unchecked Sendable {
    let logo: Logo?
    init(_ logo: Logo?) { self.logo = logo }
}
