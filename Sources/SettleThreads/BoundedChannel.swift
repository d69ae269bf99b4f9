import Foundation

/// A bounded hand-off between two threads (reader and hasher, decoder and store writer): it
/// keeps both cores busy while memory stays at a few items.
public final class BoundedChannel<Element: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    private var items: [Element] = []
    private let capacity: Int
    private var closed = false
    private var cancelled = false

    public init(capacity: Int) { self.capacity = capacity }

    /// Blocks while full. False once the receiver has cancelled: stop producing.
    public func send(_ item: Element) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while items.count >= capacity && !cancelled { condition.wait() }
        if cancelled { return false }
        items.append(item)
        condition.broadcast()
        return true
    }

    /// Blocks while empty; nil once closed and drained.
    public func receive() -> Element? {
        condition.lock()
        defer { condition.unlock() }
        while items.isEmpty && !closed { condition.wait() }
        if items.isEmpty { return nil }
        let item = items.removeFirst()
        condition.broadcast()
        return item
    }

    public func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }

    public func cancel() {
        condition.lock()
        cancelled = true
        items.removeAll()
        condition.broadcast()
        condition.unlock()
    }
}

/// A value written once by one thread and read by another after a join.
public final class Handoff<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Value?
    public init() {}
    public func set(_ v: Value) { lock.lock(); stored = v; lock.unlock() }
    public var value: Value? { lock.lock(); defer { lock.unlock() }; return stored }
}
