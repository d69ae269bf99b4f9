import Foundation
import Testing
import SettleTestSupport
@testable import SettleFormats

@Suite struct FileBatchWriterTests {
    @Test func writesEveryFileWholeAndLeavesUnchangedFilesAlone() throws {
        let dir = TempFolder()
        dir.write("out/same.txt", "kept")
        dir.write("out/stale.txt", "old")
        let before = try FileManager.default.attributesOfItem(atPath: "\(dir.path)/out/same.txt")[.modificationDate] as? Date
        Thread.sleep(forTimeInterval: 0.02)
        let files = FileBatchWriter()
        try files.write("kept", to: "\(dir.path)/out/same.txt")
        try files.write("new", to: "\(dir.path)/out/stale.txt")
        for i in 0..<300 { try files.write("file \(i)\n", to: "\(dir.path)/out/sub/\(i).txt", mayExist: false) }
        try files.write(to: "\(dir.path)/out/sub/rendered.csv", mayExist: false) { (1...3).map(String.init).joined(separator: ",") }
        try files.finish()
        #expect(dir.read("out/stale.txt") == "new")
        #expect(dir.read("out/sub/299.txt") == "file 299\n")
        #expect(dir.read("out/sub/rendered.csv") == "1,2,3")
        #expect(dir.files(in: "out/sub").count == 301)
        let after = try FileManager.default.attributesOfItem(atPath: "\(dir.path)/out/same.txt")[.modificationDate] as? Date
        #expect(before == after, "an unchanged file is not rewritten")
        #expect(try FileManager.default.contentsOfDirectory(atPath: "\(dir.path)/out").sorted() == ["same.txt", "stale.txt", "sub"])
    }

    @Test func aFileThatCannotBeWrittenIsReportedWithItsPath() throws {
        let files = FileBatchWriter()
        #expect {
            for i in 0..<200 { try files.write("x", to: "/proc/settle-no-such-folder/\(i).txt") }
            try files.finish()
        } throws: { error in
            "\(error)".contains("/proc/settle-no-such-folder/")
        }
    }

    @Test func backgroundWorkHandsBackItsValueOrItsError() throws {
        struct Boom: Error {}
        let ok = BackgroundWork { (1...1_000).reduce(0, +) }
        #expect(try ok.wait() == 500_500)
        #expect(try ok.wait() == 500_500)
        let failing = BackgroundWork<Int> { throw Boom() }
        #expect(throws: Boom.self) { try failing.wait() }
    }
}
