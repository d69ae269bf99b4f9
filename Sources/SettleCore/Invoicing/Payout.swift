/// What a marketplace seller is owed for a service in a period (PRODUCT.md): gross = the service
/// and trial lines of that service on the period's issued invoices; platform fee = round(gross ×
/// platform_fee_pct / 100); net = gross − platform fee.
public struct Payout: Sendable, Hashable {
    public var seller: String
    public var serviceID: String
    public var gross: ExactDecimal
    public var platformFee: ExactDecimal
    public var net: ExactDecimal

    public init(seller: String, serviceID: String, gross: ExactDecimal, platformFee: ExactDecimal, net: ExactDecimal) {
        self.seller = seller
        self.serviceID = serviceID
        self.gross = gross
        self.platformFee = platformFee
        self.net = net
    }

    /// Services billed on issued invoices that services.csv no longer lists: their sellers
    /// cannot be named, so nothing is owed to anyone for them until the catalog says whose they
    /// are. A finding, never a silent omission.
    public static func unknownServices(_ invoices: [Invoice], services: [Service]) -> [String] {
        var book = PayoutBook(services: services)
        for inv in invoices { book.add(inv) }
        return book.unknownServices
    }

    public static func of(_ invoices: [Invoice], services: [Service]) -> [Payout] {
        var book = PayoutBook(services: services)
        for inv in invoices { book.add(inv) }
        return book.payouts
    }
}

/// A period's payouts gathered one issued document at a time (a month-end reads a million of
/// them in number order and keeps none).
public struct PayoutBook: Sendable {
    private let services: [String: Service]
    private var gross: [String: ExactDecimal] = [:]
    private var unknown: Set<String> = []

    public init(services: [Service]) {
        self.services = Dictionary(services.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
    }

    /// The service and trial lines of a document a seller is paid from: issued documents only.
    public static func soldLines(of inv: Invoice) -> [InvoiceLine] {
        guard inv.number != nil else { return [] }
        return inv.lines.filter { ($0.kind == .service || $0.kind == .trial) && $0.serviceID != nil }
    }

    /// The seller a line is paid to, nil when services.csv does not list its service.
    public func seller(of line: InvoiceLine) -> String? { line.serviceID.flatMap { services[$0]?.seller } }

    /// In the base currency: a line of a document in another counts at the document's rate.
    public mutating func add(_ inv: Invoice) {
        for l in Self.soldLines(of: inv) {
            guard let id = l.serviceID else { continue }
            gross[id, default: .zero] += inv.inBase(l.amount)
            if services[id] == nil { unknown.insert(id) }
        }
    }

    /// Per seller and service: gross, platform fee rounded to cents, net.
    public var payouts: [Payout] {
        gross.keys.compactMap { id -> Payout? in
            guard let s = services[id], let g = gross[id] else { return nil }
            let fee = s.platformFeePct.percent(of: g).roundedToCents
            return Payout(seller: s.seller, serviceID: id, gross: g, platformFee: fee, net: g - fee)
        }.sorted { ($0.seller, $0.serviceID) < ($1.seller, $1.serviceID) }
    }

    public var unknownServices: [String] { unknown.sorted() }
}

/// A payout in the seller's own currency (sellers.csv `currency`; FINANCE.md, "Currencies": at
/// the rate of the period's last day): gross converted and rounded to the currency's minor
/// unit, the platform fee taken from it as in the base (round(gross × pct ÷ 100)), net the
/// rest, so that gross − fee = net holds in the currency paid too.
public struct SellerPayout: Sendable, Hashable {
    public var payout: Payout
    public var currency: String
    public var gross: ExactDecimal
    public var platformFee: ExactDecimal
    public var net: ExactDecimal
    /// nil: paid in the base currency.
    public var rate: ExchangeRate?

    /// `payout` in `currency`: with `rate` from the base, or the base itself when nil.
    public init(_ payout: Payout, feePct: ExactDecimal, currency: String, rate: ExchangeRate?) {
        self.payout = payout
        self.currency = currency
        self.rate = rate
        guard let rate else {
            (gross, platformFee, net) = (payout.gross, payout.platformFee, payout.net)
            return
        }
        gross = rate.amount(payout.gross)
        platformFee = feePct.percent(of: gross).rounded(to: currency)
        net = gross - platformFee
    }

    /// The payout's figures in the currency paid.
    public var inCurrency: Payout {
        Payout(seller: payout.seller, serviceID: payout.serviceID, gross: gross, platformFee: platformFee, net: net)
    }

    /// Each payout in its seller's currency at the rate of `day`; a seller whose currency has no
    /// rate then is paid in the base, and named in `unconverted`.
    public static func convert(_ payouts: [Payout], sellers: [String: Seller], services: [Service], base: String,
                               rates: ExchangeRateTable, on day: UTCDay) -> (payouts: [SellerPayout], unconverted: [String]) {
        let fees = Dictionary(services.map { ($0.id, $0.platformFeePct) }, uniquingKeysWith: { a, _ in a })
        var unconverted: Set<String> = []
        let out = payouts.map { p -> SellerPayout in
            let wanted = sellers[p.seller]?.currency ?? base
            guard wanted != base else { return SellerPayout(p, feePct: fees[p.serviceID] ?? .zero, currency: base, rate: nil) }
            guard let rate = rates.rate(from: base, to: wanted, on: day) else {
                unconverted.insert(p.seller)
                return SellerPayout(p, feePct: fees[p.serviceID] ?? .zero, currency: base, rate: nil)
            }
            return SellerPayout(p, feePct: fees[p.serviceID] ?? .zero, currency: wanted, rate: rate)
        }
        return (out, unconverted.sorted())
    }
}
