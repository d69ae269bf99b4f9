import Foundation
import SettleThreads

/// Writes many small output files on a thread of its own, each only when its content changed
/// and each atomically, while the caller renders the next ones.
///
/// A month-end writes two files per invoice; creating two hundred thousand files is mostly the
/// kernel's work, and on two cores it overlaps with reading and rendering the documents. No
/// fsync per file: the caller flushes once with `FileSystem.syncFileSystem(of:)`.
public final class FileBatchWriter: @unchecked Sendable {
    private let batches = BoundedChannel<[File]>(capacity: 8)
    private let failure = Handoff<FileSystemError>()
    private let done = DispatchSemaphore(value: 0)
    private var pending: [File] = []

    /// A file to write: its text, or how to render it (on the writing thread, which has time
    /// to spare while the kernel creates files).
    private struct File: Sendable {
        var path: String
        var text: String?
        var render: (@Sendable () -> String)?
        /// Bytes made on the writing thread (a PDF).
        var renderBytes: (@Sendable () -> [UInt8])?
        var known: Bool
    }
    private var finished = false

    /// `staged`: the files go into a `StagedFolder` that nobody reads until it is complete, so
    /// each is created under its own name, with no temporary name and no rename.
    public init(staged: Bool = false) {
        let batches = self.batches, failure = self.failure, done = self.done
        let thread = Thread {
            writing: while let batch = batches.receive() {
                for file in batch {
                    do {
                        let bytes = file.renderBytes?() ?? Array((file.text ?? file.render?() ?? "").utf8)
                        if staged {
                            try FileSystem.writeNew(bytes, to: file.path)
                        } else if file.known {
                            try FileSystem.writeIfChanged(bytes, to: file.path, durable: false)
                        } else {
                            try FileSystem.writeAtomically(bytes, to: file.path, durable: false)
                        }
                    } catch {
                        failure.set(error as? FileSystemError ?? FileSystemError(path: file.path, "cannot write: \(error)"))
                        batches.cancel()
                        break writing
                    }
                }
            }
            done.signal()
        }
        thread.start()
    }

    /// Queues a file. `mayExist: false` when the caller knows there is no such file yet (it
    /// listed the folder): then it is written without first reading what is there. Throws the
    /// first failure of an earlier file, if any.
    public func write(_ text: String, to path: String, mayExist: Bool = true) throws {
        try queue(File(path: path, text: text, render: nil, renderBytes: nil, known: mayExist))
    }

    /// Queues a file whose text `render` makes on the writing thread.
    public func write(to path: String, mayExist: Bool = true, render: @escaping @Sendable () -> String) throws {
        try queue(File(path: path, text: nil, render: render, renderBytes: nil, known: mayExist))
    }

    /// Queues a file whose bytes `render` makes on the writing thread.
    public func write(to path: String, mayExist: Bool = true, bytes render: @escaping @Sendable () -> [UInt8]) throws {
        try queue(File(path: path, text: nil, render: nil, renderBytes: render, known: mayExist))
    }

    private func queue(_ file: File) throws {
        pending.append(file)
        if pending.count >= 64 { try flush() }
    }

    /// Waits until every queued file is written; throws the first failure.
    public func finish() throws {
        guard !finished else { return }
        try flush()
        finished = true
        batches.close()
        done.wait()
        if let e = failure.value { throw e }
    }

    private func flush() throws {
        guard !pending.isEmpty else { return }
        if !batches.send(pending) {
            // The writer stopped on a failure: report it, and let the thread end.
            finished = true
            batches.close()
            done.wait()
            throw failure.value ?? FileSystemError(path: pending[0].path, "cannot write")
        }
        pending = []
    }

    /// A caller that stopped early (its own error) still ends the thread; files queued so far
    /// are written, each whole.
    deinit {
        if !finished {
            batches.close()
            done.wait()
        }
    }
}
