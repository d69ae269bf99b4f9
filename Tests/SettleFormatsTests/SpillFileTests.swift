import Foundation
import Testing
import SettleTestSupport
@testable import SettleFormats

/// What a month-end cannot hold in memory waits in a `SpillFile`: every record comes back, in
/// order, byte for byte, whether it stayed in memory or went to the file, and appending may go
/// on after a read.
@Suite struct SpillFileTests {
    @Test func recordsComeBackInOrderAcrossTheFile() throws {
        let dir = TempFolder()
        let spill = SpillFile(spillBytes: 100, directory: dir.path)
        var expected: [String] = []
        for i in 0..<1_000 {
            let text = i % 10 == 0 ? "" : "record \(i), \"ünïcode\"\n" + String(repeating: "x", count: i % 37)
            spill.append(text)
            expected.append(text)
        }
        var read: [String] = []
        try spill.forEachText { read.append($0) }
        #expect(spill.count == 1_000)
        #expect(read == expected)
        // More after a read, and a second read sees everything once.
        spill.append("after")
        read = []
        try spill.forEachText { read.append($0) }
        #expect(read == expected + ["after"])
        // The file was unlinked as soon as it was made: nothing is left in the folder, though
        // the records are on disk (the spill's descriptor still holds them).
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
        let folder = (dir.path as NSString).lastPathComponent
        #expect(try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").contains { fd in
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(fd)"))?.contains("/\(folder)/settle-spill-") == true
        })
    }

    @Test func aSmallSpillNeverTouchesTheDisk() throws {
        let spill = SpillFile()
        spill.append { $0.append(contentsOf: [0, 1, 2, 255]) }
        var bytes: [[UInt8]] = []
        try spill.forEach { bytes.append(Array($0)) }
        #expect(bytes == [[0, 1, 2, 255]])
    }

    /// No file can be made (here, no such folder; on a full disk, no room): the records stay in
    /// memory, every one of them.
    @Test func aSpillWithNowhereToGoKeepsEveryRecord() throws {
        let spill = SpillFile(spillBytes: 16, directory: "/nonexistent/settle-\(getpid())")
        for i in 0..<200 { spill.append("row \(i)") }
        var read: [String] = []
        try spill.forEachText { read.append($0) }
        #expect(read == (0..<200).map { "row \($0)" })
    }
}
