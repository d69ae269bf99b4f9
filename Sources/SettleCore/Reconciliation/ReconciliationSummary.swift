/// The summary finance reads first: per provider and day (or charge period), how many cells
/// matched and what the rest are worth.
public struct ReconciliationSummary: Sendable, Hashable {
    public var day: UTCDay
    /// The charge period's last day; nil for a day.
    public var through: UTCDay?
    public var provider: String
    public var cells = 0
    public var matched = 0
    public var byStatus: [ReconciliationStatus: Int] = [:]
    public var billedCost = ExactDecimal.zero
    /// Expected cost of the token cells (model totals would count it twice).
    public var expectedCost = ExactDecimal.zero
    public var moneyAtRisk = ExactDecimal.zero

    public init(day: UTCDay, through: UTCDay? = nil, provider: String) {
        self.day = day
        self.through = through
        self.provider = provider
    }

    /// Cells that are not matched.
    public var notMatched: Int { cells - matched }

    /// One summary per provider and day (or period) that has cells, in day, period end, then
    /// provider order.
    public static func of(_ cells: [ReconciliationCell]) -> [ReconciliationSummary] {
        struct Key: Hashable { var span: ChargeSpan; var provider: String }
        var out: [Key: ReconciliationSummary] = [:]
        for cell in cells {
            let key = Key(span: ChargeSpan(cell), provider: cell.provider)
            var s = out[key] ?? ReconciliationSummary(day: cell.day, through: cell.through, provider: cell.provider)
            s.cells += 1
            if cell.status == .matched { s.matched += 1 }
            s.byStatus[cell.status, default: 0] += 1
            s.billedCost += cell.billedCost ?? .zero
            if !cell.isModelTotal { s.expectedCost += cell.expectedCost ?? .zero }
            s.moneyAtRisk += cell.moneyAtRisk
            out[key] = s
        }
        return out.values.sorted { ($0.day, $0.through ?? $0.day, $0.provider) < ($1.day, $1.through ?? $1.day, $1.provider) }
    }
}
