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

    public mutating func add(_ inv: Invoice) {
        for l in Self.soldLines(of: inv) {
            guard let id = l.serviceID else { continue }
            gross[id, default: .zero] += l.amount
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
