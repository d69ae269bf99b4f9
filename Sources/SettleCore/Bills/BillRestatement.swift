/// Which stored bill lines are in force: providers restate their numbers, and settle keeps
/// every report it was given.
///
/// For each provider, charge period (a day, or a longer period such as a month) and side
/// (usage = quantities, cost = costs), the newest report that carries that side for that
/// period is in force, and replaces every older one; the older lines stay
/// stored as history. Correction lines (FOCUS `ChargeClass = Correction`) are deltas: those of
/// reports newer than the one in force add to it, and a newer full report absorbs them.
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
    }

    /// The lines in force, with their quantity or cost cleared where that side was replaced.
    /// Lines of one cell are not summed here (the reconciler does that).
    public static func current(_ stored: [StoredBillLine]) -> [BillLine] {
        var newest: [SideKey: Int64] = [:]
        for s in stored where !s.line.correction {
            for side in sides(of: s.line) {
                let key = SideKey(s.line, side)
                newest[key] = max(newest[key] ?? s.report, s.report)
            }
        }
        var out: [BillLine] = []
        for s in stored {
            var line = s.line
            for side in sides(of: s.line) {
                let inForce = newest[SideKey(line, side)]
                let keep = line.correction ? (inForce.map { s.report > $0 } ?? true) : s.report == inForce
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

    static func sides(of line: BillLine) -> [Side] {
        var out: [Side] = []
        if line.quantity != nil { out.append(.usage) }
        if line.cost != nil { out.append(.cost) }
        return out
    }
}
