/// Which markup applies to a customer's usage of a model: the first rule that matches, by
/// priority (higher first) and then by order in settle.toml; else the default.
extension MarkupPolicy {
    public func pct(provider: String, model: String, plan: String, customer: String) -> ExactDecimal {
        let ordered = rules.enumerated().sorted { ($0.element.priority, -$0.offset) > ($1.element.priority, -$1.offset) }
        for (_, rule) in ordered where rule.matches(provider: provider, model: model, plan: plan, customer: customer) {
            return rule.pct
        }
        return defaultPct
    }
}

extension MarkupRule {
    func matches(provider: String, model: String, plan: String, customer: String) -> Bool {
        if let p = self.provider, p != provider { return false }
        if let p = self.plan, p != plan { return false }
        if let c = self.customer, c != customer { return false }
        return Glob(pattern).matches(model)
    }
}

/// `*` (any run of characters) and `?` (one character); everything else literal.
public struct Glob: Sendable {
    let pattern: [Character]
    public init(_ pattern: String) { self.pattern = Array(pattern) }

    public func matches(_ text: String) -> Bool {
        let t = Array(text)
        var p = 0, s = 0, star = -1, mark = 0
        while s < t.count {
            if p < pattern.count && (pattern[p] == "?" || pattern[p] == t[s]) {
                p += 1; s += 1
            } else if p < pattern.count && pattern[p] == "*" {
                star = p; mark = s; p += 1
            } else if star >= 0 {
                p = star + 1; mark += 1; s = mark
            } else {
                return false
            }
        }
        while p < pattern.count && pattern[p] == "*" { p += 1 }
        return p == pattern.count
    }
}
