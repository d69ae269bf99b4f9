import Foundation

/// Work that needs no store and no shared state, started on a thread of its own and waited
/// for later: a month-end builds one workbook while it writes another, on two cores.
public final class BackgroundWork<Value: Sendable>: @unchecked Sendable {
    private let result = Handoff<Result<Value, any Error>>()
    private let done = DispatchSemaphore(value: 0)
    private var waited = false

    public init(_ body: @escaping @Sendable () throws -> Value) {
        let result = self.result, done = self.done
        let thread = Thread {
            result.set(Result { try body() })
            done.signal()
        }
        thread.start()
    }

    /// The value, or the error the work threw.
    public func wait() throws -> Value {
        if !waited {
            done.wait()
            waited = true
        }
        return try result.value!.get()
    }

    /// A caller that stopped early (its own error) still lets the work finish: no file is
    /// left half-written by a thread cut short.
    deinit {
        if !waited { done.wait() }
    }
}
