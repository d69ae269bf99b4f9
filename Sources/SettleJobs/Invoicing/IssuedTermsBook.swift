import Crypto
import Foundation
import SettleCore
import SettleFormats
import SettleStore

/// The terms issued periods are priced with, as a job reads them: the customer's part per
/// period, each catalog read and decoded once by its digest; and today's catalog terms, which
/// a period issued by this run is frozen with.
final class IssuedTermsBook {
    let store: any SettleStore
    /// Today's catalog terms, their stored text and its digest.
    let today: CatalogTerms
    let todayText: String
    let todayDigest: String
    /// Today's VAT rates: the rates in force on a period's last day do not change with the catalog.
    let vatRates: VATRateBook
    /// Today's exchange rates: a period's own rate is frozen with its documents (`frozenRate`).
    let exchangeRates: ExchangeRateTable
    private var catalogs: [String: CatalogTerms] = [:]

    init(store: any SettleStore, config: SettleConfig, catalog: Catalog) {
        vatRates = catalog.vatRates
        exchangeRates = catalog.exchangeRates
        self.store = store
        today = CatalogTerms(config: config, catalog: catalog)
        todayText = IssuedTermsText.catalog(today)
        todayDigest = Self.digest(todayText)
        catalogs[todayDigest] = today
    }

    static func digest(_ text: String) -> String { hexString(SHA256.hash(data: Data(text.utf8))) }

    /// What a period issued now stores for `customer`.
    func freezing(_ customer: CustomerHistory) -> IssuedTermsLedger.Stored {
        IssuedTermsLedger.Stored(customer: IssuedTermsText.customer(customer), catalogDigest: todayDigest)
    }

    /// What an adjustment applying a back-dated version stores: the corrected versions, and
    /// the digest of the catalog terms it was priced with.
    func freezing(_ corrected: Frozen) -> IssuedTermsLedger.Stored {
        IssuedTermsLedger.Stored(customer: IssuedTermsText.customer(corrected.terms.customer), catalogDigest: corrected.digest)
    }

    private var withTodaysPlans: [String: Frozen] = [:]

    /// A period's frozen terms with a back-dated customer history (`IssuedTerms.backdated`),
    /// its catalog given the plans settle.toml has made since (`CatalogTerms.addingPlans`).
    /// The catalog part is encoded and digested once per frozen catalog, not per customer.
    func corrected(_ frozen: Frozen, customer: CustomerHistory, plans: [String: Plan]) -> Frozen {
        if let known = withTodaysPlans[frozen.digest] {
            return Frozen(terms: IssuedTerms(customer: customer, catalog: known.terms.catalog), digest: known.digest)
        }
        let catalog = frozen.terms.catalog.addingPlans(plans)
        let text = IssuedTermsText.catalog(catalog)
        let digest = Self.digest(text)
        catalogs[digest] = catalog
        if digest != todayDigest { pendingCatalogs[digest] = text }
        let made = Frozen(terms: IssuedTerms(customer: customer, catalog: catalog), digest: digest)
        withTodaysPlans[frozen.digest] = made
        return made
    }

    /// Catalog texts an issuing run must keep before its documents name them.
    private(set) var pendingCatalogs: [String: String] = [:]

    /// Stores every catalog text the session's documents may name (today's, and any made for
    /// a back-dated version).
    func keepCatalogs(in session: InvoiceLedger.IssueSession) throws {
        try session.keepCatalog(digest: todayDigest, body: todayText)
        for (digest, body) in pendingCatalogs.sorted(by: { $0.key < $1.key }) { try session.keepCatalog(digest: digest, body: body) }
        pendingCatalogs = [:]
    }

    /// A period's frozen terms and the digest of their catalog part (what summarizers and
    /// rules are kept by).
    struct Frozen {
        var terms: IssuedTerms
        var digest: String
    }

    /// The terms of `customers`' periods starting on `periodStart` that are issued and have
    /// stored terms (a period issued by an earlier release has none until a run freezes them).
    func terms(periodStart: UTCDay, customers: [String]) throws -> [String: Frozen] {
        var out: [String: Frozen] = [:]
        for (id, stored) in try store.issuedTerms.terms(periodStart: periodStart, customers: customers) {
            let what = "\(id)'s period from \(periodStart)"
            out[id] = Frozen(terms: IssuedTerms(customer: try IssuedTermsText.customer(from: stored.customer, what: what),
                                                catalog: try catalog(stored.catalogDigest, what: what)),
                             digest: stored.catalogDigest)
        }
        return out
    }

    private var summarizers: [String: PeriodSummarizer] = [:]
    private var rules: [String: InvoiceRules] = [:]

    /// The summarizer of a catalog, made once per digest (a price book is a dictionary of rows).
    func summarizer(_ frozen: Frozen) -> PeriodSummarizer {
        if let known = summarizers[frozen.digest] { return known }
        let s = frozen.terms.catalog.summarizer
        summarizers[frozen.digest] = s
        return s
    }

    /// The invoice rules of a catalog, made once per digest; currency and payment terms are
    /// today's (they belong to the new document).
    func rules(_ frozen: Frozen, config: SettleConfig) -> InvoiceRules {
        if let known = rules[frozen.digest] { return known }
        var r = frozen.terms.catalog.rules(currency: config.currency, paymentTermsDays: config.invoices.paymentTermsDays)
        r.adopt(config, vatRates: vatRates, exchangeRates: exchangeRates)
        rules[frozen.digest] = r
        return r
    }

    private func catalog(_ digest: String, what: String) throws -> CatalogTerms {
        if let known = catalogs[digest] { return known }
        let c = try IssuedTermsText.catalog(from: try store.issuedTerms.catalog(digest: digest), what: what)
        catalogs[digest] = c
        return c
    }
}
