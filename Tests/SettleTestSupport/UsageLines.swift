/// Builds native usage rows for tests, so each test states only what it is about.
public enum UsageLines {
    public static func json(_ id: String, customer: String = "cus_1", ts: String = "2026-10-03T12:00:00Z",
                            provider: String = "openai", model: String = "gpt-4o", input: Int = 1000, cached: Int = 0,
                            output: Int = 200, extra: String = "") -> String {
        "{\"request_id\":\"\(id)\",\"ts\":\"\(ts)\",\"customer_id\":\"\(customer)\",\"provider\":\"\(provider)\","
            + "\"model\":\"\(model)\",\"input_tokens\":\(input),\"cached_input_tokens\":\(cached),\"output_tokens\":\(output)\(extra)}"
    }

    /// Lines joined with newlines, ending in one.
    public static func file(_ lines: [String]) -> String { lines.joined(separator: "\n") + "\n" }
}
