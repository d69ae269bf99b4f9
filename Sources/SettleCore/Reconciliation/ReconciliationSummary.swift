/// The summary finance reads first: per provider and day, how many cells matched and what the
/// rest are worth.
public struct ReconciliationSummary: Sendable, Hashable {
    public var day: UTCDay
    public var provider: String
    public var cells = 0
    public var matched = 0
    public var byStatus: [ReconciliationStatus: Int] = [:]
    public var billedCost = ExactDecimal.zero
    /// Expected cost of the token cells (model totals would count it twice).
    public var expectedCost = ExactDecimal.zero
    public var moneyAtRisk = ExactDecimal.zero

    public init(day: UTCDay, provider: String) {
        self.day = day
        self.provider = provider
    }

    /// One summary per provider and day that has cells, in day then provider order.
    public static func of(_ cells: [ReconciliationCell]) -> [ReconciliationSummary] {
        struct Key: Hashable { var day: UTCDay; var provider: String }
        var out: [Key: ReconciliationSummary] = [:]
        for cell in cells {
            let key = Key(day: cell.day, provider: cell.provider)
            var s = out[key] ?? ReconciliationSummary(day: cell.day, provider: cell.provider)
            s.cells += 1
            if cell.status == .matched { s.matched += 1 }
            s.byStatus[cell.status, default: 0] += 1
            s.billedCost += cell.billedCost ?? .zero
            if !cell.isModelTotal { s.expectedCost += cell.expectedCost ?? .zero }
            s.moneyAtRisk += cell.moneyAtRisk
            out[key] = s
        }
        return out.values.sorted { ($0.day, $0.provider) < ($1.day, $1.provider) }
    }
}
