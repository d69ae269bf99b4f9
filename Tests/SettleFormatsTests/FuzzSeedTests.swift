import Foundation
import Testing
import SettleFuzzing

/// The fuzzers' seed corpus (Tests/Fixtures/fuzz-seeds/TARGET/), run through the same harness
/// as `scripts/fuzz` on every test run: an `ok-` seed is read, a `bad-` seed is refused with an
/// error, and none crashes. Inputs the fuzzers found once are kept here as seeds, so they stay fixed.
@Suite struct FuzzSeedTests {
    static let seeds = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/fuzz-seeds").path

    @Test(arguments: ReaderHarness.Target.allCases)
    func everySeedIsReadOrRefusedNeverACrash(target: ReaderHarness.Target) throws {
        let folder = "\(Self.seeds)/\(target.rawValue)"
        let names = try FileManager.default.contentsOfDirectory(atPath: folder).filter { !$0.hasPrefix(".") }.sorted()
        #expect(!names.isEmpty, "no seeds for \(target.rawValue)")
        for name in names {
            let data = [UInt8](try Data(contentsOf: URL(fileURLWithPath: "\(folder)/\(name)")))
            let outcome = ReaderHarness.run(target, data: data)
            if name.hasPrefix("ok-") {
                guard case .read(let n) = outcome, n > 0 else {
                    Issue.record("\(target.rawValue)/\(name): \(outcome)")
                    continue
                }
            } else {
                guard case .refused = outcome else {
                    Issue.record("\(target.rawValue)/\(name) should be refused: \(outcome)")
                    continue
                }
            }
        }
    }
}
