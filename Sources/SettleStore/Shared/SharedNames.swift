/// One copy of each name that repeats down a large result (providers, models, services, days):
/// a month's rows name a few dozen, and a name longer than 15 bytes is otherwise a heap string
/// per row.
struct SharedNames {
    private var names: [String: String] = [:]

    mutating func callAsFunction(_ s: String) -> String {
        if let known = names[s] { return known }
        names[s] = s
        return s
    }
}
