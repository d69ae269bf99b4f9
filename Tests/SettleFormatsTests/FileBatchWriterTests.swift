import Foundation
import Testing
import SettleTestSupport
@testable import SettleFormats
import SettleThreads

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

    @Test func aNewFolderAppearsWholeOnlyWhenItIsCommitted() throws {
        let dir = TempFolder()
        let final = "\(dir.path)/out/invoices/2026-10"
        let staged = try StagedFolder(final)
        #expect(staged.isStaged)
        let files = FileBatchWriter(staged: true)
        for i in 0..<300 { try files.write("doc \(i)\n", to: "\(staged.path)/INV-\(i).json", mayExist: false) }
        try files.write(to: "\(staged.path)/drafts/cus_a.csv") { "draft" }
        try files.finish()
        // Written, not yet in place: the month's folder does not exist.
        #expect(!FileSystem.exists(final))
        #expect(try FileManager.default.contentsOfDirectory(atPath: "\(dir.path)/out/invoices") == [".2026-10.tmp-\(getpid())"])
        try staged.commit()
        #expect(try FileManager.default.contentsOfDirectory(atPath: "\(dir.path)/out/invoices") == ["2026-10"])
        #expect(dir.files(in: "out/invoices/2026-10").count == 301)
        #expect(dir.read("out/invoices/2026-10/INV-299.json") == "doc 299\n")
        #expect(dir.read("out/invoices/2026-10/drafts/cus_a.csv") == "draft")

        // A folder that exists is written in place.
        let again = try StagedFolder(final)
        #expect(!again.isStaged && again.path == final)
    }

    @Test func aKilledRunsStagingFolderAndTemporariesAreSwept() throws {
        let dir = TempFolder()
        dir.write("out/invoices/.2026-11.tmp-4242/INV-1.json", "half a month")
        dir.write("out/invoices/.2026-11.tmp-4242/drafts/cus_a.csv", "draft")
        dir.write("out/reports/.usage.csv.tmp-4242", "half a file")
        dir.write("out/reports/usage.csv", "kept")
        #expect(FileSystem.removeStaleTemporaries(under: "\(dir.path)/out") == 2)
        #expect(try FileManager.default.contentsOfDirectory(atPath: "\(dir.path)/out/invoices") == [])
        #expect(try FileManager.default.contentsOfDirectory(atPath: "\(dir.path)/out/reports") == ["usage.csv"])
    }
}
