import SettleCore

/// The terms each issued period is priced with (PRODUCT.md, "Customers over time"), the same
/// SQL on both stores: the customer's versions per period (`issued_terms`) and each distinct
/// catalog once (`catalog_terms`), both as the text `IssuedTermsText` writes. They are written
/// with the documents (`InvoiceLedger.IssueSession`); this reads them back.
public final class IssuedTermsLedger {
    let sql: any SQLExecutor

    init(_ sql: any SQLExecutor) { self.sql = sql }

    /// A period's terms as stored: the customer's part, and the digest of the catalog's.
    public struct Stored: Sendable, Hashable {
        public var customer: String
        public var catalogDigest: String
        public init(customer: String, catalogDigest: String) {
            self.customer = customer
            self.catalogDigest = catalogDigest
        }
    }

    static let termsColumns = StoredColumns("issued_terms", ["customer_id", "customer_terms", "catalog_digest"])
    static let catalogColumns = StoredColumns("catalog_terms", ["body"])

    /// The stored terms of the periods starting on `periodStart` of `customers` (those issued).
    public func terms(periodStart: UTCDay, customers: [String]) throws -> [String: Stored] {
        var out: [String: Stored] = [:]
        // Most periods a nightly touches are still open: one look, not a lookup per customer.
        guard try !sql.fetch("SELECT 1 FROM issued_terms WHERE period_start = ? LIMIT 1", [.text(periodStart.description)]).isEmpty else {
            return out
        }
        var at = 0
        while at < customers.count {
            let ids = Array(customers[at..<min(at + 500, customers.count)])
            at += ids.count
            let (only, params) = UsagePeriods.customerFilter(ids)
            try sql.eachRow(Self.termsColumns, "FROM issued_terms WHERE period_start = ?\(only)", [.text(periodStart.description)] + params) { row in
                let customerID = try row.text()
                let customer = try row.text()
                let catalogDigest = try row.text()
                out[customerID] = Stored(customer: customer, catalogDigest: catalogDigest)
            }
        }
        return out
    }

    /// The catalog terms stored under `digest`.
    public func catalog(digest: String) throws -> String {
        guard let body = try sql.rows(Self.catalogColumns, "FROM catalog_terms WHERE digest = ?", [.text(digest)], { try $0.text() }).first else {
            throw StoreError("the catalog terms \(digest) that an issued period names are missing from the database; was it edited by hand?")
        }
        return body
    }
}
