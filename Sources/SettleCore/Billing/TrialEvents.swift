/// Which events use a customer's free trial of a marketplace service, and in which order
/// (PRODUCT.md, "Billing"): their answered (`ok`) events on that service, in event order — time,
/// then request id compared byte by byte (a request id's UTF-8, not a collation), input before
/// output within an event (`TrialAllowance`). The store selects these events with an index for
/// speed; `OneRuleTests` compares what it selects with this rule on generated data.
public enum TrialEvents {
    /// Whether `event` counts towards `customer`'s trial of `service`.
    public static func counts(_ event: UsageEvent, customer: String, service: String) -> Bool {
        event.customerID == customer && event.serviceID == service && event.status == .ok
    }

    /// Whether the event at (`a`, `aID`) comes before the one at (`b`, `bID`).
    public static func precedes(_ a: Timestamp, _ aID: String, _ b: Timestamp, _ bID: String) -> Bool {
        a != b ? a < b : aID.utf8.lexicographicallyPrecedes(bID.utf8)
    }

    /// The tokens an event takes from a trial, at most: all its prompt and output tokens.
    public static func tokens(input: Int64, output: Int64) -> Int64 { input + output }
}
