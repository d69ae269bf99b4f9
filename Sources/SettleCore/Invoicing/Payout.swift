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
        let known = Set(services.map(\.id))
        var out: Set<String> = []
        for inv in invoices where inv.number != nil {
            for l in inv.lines where l.kind == .service || l.kind == .trial {
                if let id = l.serviceID, !known.contains(id) { out.insert(id) }
            }
        }
        return out.sorted()
    }

    public static func of(_ invoices: [Invoice], services: [Service]) -> [Payout] {
        let byID = Dictionary(services.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var gross: [String: ExactDecimal] = [:]
        for inv in invoices where inv.number != nil {
            for l in inv.lines where l.kind == .service || l.kind == .trial {
                if let id = l.serviceID { gross[id, default: .zero] += l.amount }
            }
        }
        return gross.keys.compactMap { id -> Payout? in
            guard let s = byID[id] else { return nil }
            let g = gross[id]!
            let fee = s.platformFeePct.percent(of: g).roundedToCents
            return Payout(seller: s.seller, serviceID: id, gross: g, platformFee: fee, net: g - fee)
        }.sorted { ($0.seller, $0.serviceID) < ($1.seller, $1.serviceID) }
    }
}
