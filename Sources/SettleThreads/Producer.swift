import Foundation

/// Elements made on a thread of their own while the caller consumes them, a few at a time
/// (a file decoded while the store writes the last batch; periods summarized while the last
/// chunk is stored): both cores busy, memory bounded by `capacity`. The one pattern of a
/// worker thread, a bounded channel and a join, written once; the producer's error keeps its
/// type, so the caller can tell an unreadable file (65) from a server that is away (75).
public final class Producer<Element: Sendable, Outcome: Sendable>: @unchecked Sendable {
    private let channel: BoundedChannel<Element>
    private let result = Handoff<Result<Outcome, any Error>>()
    private let done = DispatchSemaphore(value: 0)
    private var joined = false

    /// Starts `body` on a new thread. `body` hands each element to `send`, which blocks while
    /// `capacity` elements wait, and throws `CancellationError` once the consumer has stopped.
    public init(capacity: Int, stackSize: Int? = nil,
                _ body: @escaping @Sendable (_ send: (Element) throws -> Void) throws -> Outcome) {
        let channel = BoundedChannel<Element>(capacity: capacity)
        self.channel = channel
        let result = self.result, done = self.done
        let thread = Thread {
            result.set(Result {
                try body { element in
                    guard channel.send(element) else { throw CancellationError() }
                }
            })
            channel.close()
            done.signal()
        }
        if let stackSize { thread.stackSize = stackSize }
        thread.start()
    }

    /// The next element; nil once the producer has finished (or failed) and all were taken.
    public func next() -> Element? { channel.receive() }

    /// Stops the producer (its next `send` throws) and waits for its thread to end.
    public func cancel() {
        channel.cancel()
        join()
    }

    /// Waits for the producer's thread, then gives what it returned, or rethrows its error.
    public func finish() throws -> Outcome {
        join()
        guard let outcome = result.value else { throw CancellationError() }
        return try outcome.get()
    }

    private func join() {
        guard !joined else { return }
        done.wait()
        joined = true
    }

    /// A consumer that stopped early still lets the thread end: nothing is left running.
    deinit {
        if !joined {
            channel.cancel()
            done.wait()
        }
    }
}
