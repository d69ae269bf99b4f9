/// Which stored bill lines are in force: providers restate their numbers, and settle keeps
/// every bill it was given.
///
/// For each provider, charge period (a day, or a longer period such as a month) and side
/// (usage = quantities, cost = costs), the newest bill that carries that side for that
/// period is in force, and replaces every older one; the older lines stay stored as history.
/// Correction lines (FOCUS `ChargeClass = Correction`) are deltas: those of bills newer than
/// the one in force add to it, and a newer full bill absorbs them.
///
/// Periods of one provider and side never overlap once restated: where two do (a month and a
/// restated half of it, a month in another bill's bounds), the newer bill's period wins and
/// the older one is history. A period in force is the bill for each of its days: that side of
/// the provider's day lines on those days (daily estimates before the month's invoice, a late
/// daily export after it) is history too, so nothing is billed twice.
public enum BillRestatement {
    public enum Side: String, Sendable, CaseIterable { case usage, cost }

    struct SideKey: Hashable {
        var provider: String
        var day: UTCDay
        var through: UTCDay?
        var side: Side

        init(_ line: BillLine, _ side: Side) {
            provider = line.provider
            day = line.day
            through = line.through
            self.side = side
        }

        var span: ChargeSpan { ChargeSpan(first: day, last: through ?? day) }
    }

    struct ProviderSide: Hashable {
        var provider: String
        var side: Side
    }

    /// One decision of the rule, for an operator who asks why (`--log-level debug`): the bill
    /// in force for a provider's charge period and side, and the older ones it replaced.
    public struct Replacement: Sendable, Hashable {
        public var provider: String
        public var span: ChargeSpan
        public var side: Side
        public var inForce: Int64
        public var replaced: [Int64]
    }

    /// Every charge period and side where a newer bill replaced older ones.
    public static func replacements(_ stored: [StoredBillLine]) -> [Replacement] {
        let plan = Plan(stored)
        var bills: [SideKey: Set<Int64>] = [:]
        for s in stored where !s.line.correction {
            for side in sides(of: s.line) { bills[SideKey(s.line, side), default: []].insert(s.bill) }
        }
        var out: [Replacement] = []
        for (key, inForce) in plan.newest where !plan.superseded.contains(key) {
            // Older bills of the same period, and older overlapping periods, give way to it.
            var replaced = (bills[key] ?? []).filter { $0 != inForce }
            for other in plan.superseded where other.provider == key.provider && other.side == key.side && overlaps(other.span, key.span) {
                replaced.formUnion(bills[other] ?? [])
            }
            if !replaced.isEmpty {
                out.append(Replacement(provider: key.provider, span: key.span, side: key.side, inForce: inForce, replaced: replaced.sorted()))
            }
        }
        return out.sorted { ($0.provider, $0.span, $0.side.rawValue) < ($1.provider, $1.span, $1.side.rawValue) }
    }

    /// Which bill is in force for each provider, period and side, and which periods gave way.
    struct Plan {
        var newest: [SideKey: Int64] = [:]
        var periods: [ProviderSide: [(key: SideKey, bill: Int64)]] = [:]
        var superseded: Set<SideKey> = []

        init(_ stored: [StoredBillLine]) {
            for s in stored where !s.line.correction {
                for side in BillRestatement.sides(of: s.line) {
                    let key = SideKey(s.line, side)
                    newest[key] = max(newest[key] ?? s.bill, s.bill)
                }
            }
            // Overlapping periods of one provider and side: the newer bill's wins.
            for (key, bill) in newest where key.through != nil {
                periods[ProviderSide(provider: key.provider, side: key.side), default: []].append((key, bill))
            }
            for list in periods.values {
                for a in list where list.contains(where: { b in
                    b.key != a.key && BillRestatement.overlaps(a.key.span, b.key.span) && BillRestatement.newer(b, than: a)
                }) {
                    superseded.insert(a.key)
                }
            }
        }

        func coveredByPeriod(_ line: BillLine, _ side: Side) -> Bool {
            guard line.through == nil, let list = periods[ProviderSide(provider: line.provider, side: side)] else { return false }
            return list.contains { !superseded.contains($0.key) && $0.key.span.contains(line.day) }
        }
    }

    /// The lines in force, with their quantity or cost cleared where that side was replaced.
    /// Lines of one cell are not summed here (the reconciler does that).
    public static func current(_ stored: [StoredBillLine]) -> [BillLine] {
        let plan = Plan(stored)
        var out: [BillLine] = []
        for s in stored {
            var line = s.line
            for side in sides(of: s.line) {
                let key = SideKey(line, side)
                let inForce = plan.newest[key]
                let keep = line.correction
                    ? (inForce.map { s.bill > $0 } ?? true)
                    : s.bill == inForce && !plan.superseded.contains(key) && !plan.coveredByPeriod(line, side)
                if !keep {
                    switch side {
                    case .usage: line.quantity = nil
                    case .cost: line.cost = nil
                    }
                }
            }
            if line.quantity != nil || line.cost != nil { out.append(line) }
        }
        return out
    }

    static func overlaps(_ a: ChargeSpan, _ b: ChargeSpan) -> Bool { a.first <= b.last && b.first <= a.last }

    /// Only a newer bill supersedes: two overlapping periods of one bill both stand.
    static func newer(_ b: (key: SideKey, bill: Int64), than a: (key: SideKey, bill: Int64)) -> Bool {
        b.bill > a.bill
    }

    static func sides(of line: BillLine) -> [Side] {
        var out: [Side] = []
        if line.quantity != nil { out.append(.usage) }
        if line.cost != nil { out.append(.cost) }
        return out
    }
}
