/// A customer's free trial tokens on a marketplace service (PRODUCT.md, "Billing"): the first
/// `trial_tokens` ever, counted in event order (ts, then request_id), input before output
/// within an event.
public struct TrialAllowance: Sendable {
    /// Free tokens not yet used.
    public private(set) var left: Int64
    public private(set) var use: TrialUse

    /// `usedBefore`: the service's tokens the customer used before the period (all free first).
    public init(service: Service, usedBefore: Int64) {
        left = max(service.trialTokens - usedBefore, 0)
        use = TrialUse(serviceID: service.id, freeInput: 0, freeOutput: 0)
    }

    public var isUsedUp: Bool { left <= 0 }

    /// Counts the next event's tokens; returns whether any trial is left for later events.
    @discardableResult
    public mutating func consume(input: Int64, output: Int64) -> Bool {
        let freeIn = min(left, input)
        left -= freeIn
        let freeOut = min(left, output)
        left -= freeOut
        use.freeInput += freeIn
        use.freeOutput += freeOut
        return left > 0
    }
}
