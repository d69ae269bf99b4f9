import Foundation
import Testing
@testable import SettleCore

/// settle's VAT identifier check against python-stdnum's, the code it was ported from: every id
/// of Tests/Fixtures/vat-ids/ids.txt (valid ones from stdnum's doctests, the same with a digit
/// changed or the length wrong, odd spacing and look-alike characters) gets the same verdict
/// from both. scripts/test installs python-stdnum in a virtual environment and names its python
/// in $SETTLE_STDNUM_PYTHON; under CI=true a run without it fails instead of comparing nothing.
@Suite struct VATIdentifierAgreesWithStdnumTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let fixture = "Tests/Fixtures/vat-ids/ids.txt"

    @Test func everyFixtureIdGetsStdnumsVerdict() throws {
        let environment = ProcessInfo.processInfo.environment
        guard let python = environment["SETTLE_STDNUM_PYTHON"], !python.isEmpty else {
            if environment["CI"] == "true" {
                Issue.record("SETTLE_STDNUM_PYTHON is not set: scripts/test installs python-stdnum in .build/pyenv and sets it; run the tests through scripts/test")
            }
            // A local `swift test` without that virtual environment: nothing to compare with.
            return
        }
        let ids = try String(contentsOf: Self.root.appendingPathComponent(Self.fixture), encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            .filter { !$0.allSatisfy(\.isWhitespace) }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["scripts/vat-stdnum.py", Self.fixture]
        process.currentDirectoryURL = Self.root
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // stdout read to its end first: stderr is a traceback at most, well inside a pipe's buffer.
        let output = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let errors = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "\(python) scripts/vat-stdnum.py failed (exit \(process.terminationStatus)): \(errors)")

        let verdicts = output.split(separator: "\n").map(String.init)
        try #require(verdicts.count == ids.count, "stdnum gave \(verdicts.count) verdicts for the \(ids.count) ids of \(Self.fixture)")
        var compared = 0
        var disagreements: [String] = []
        for (id, line) in zip(ids, verdicts) {
            guard let tab = line.lastIndex(of: "\t"), line[..<tab] == id else {
                Issue.record("stdnum's line \"\(line)\" is not its verdict on \"\(id)\"")
                continue
            }
            let stdnumValid = line[line.index(after: tab)...] == "valid"
            let settleValid = (try? VATIdentifier(id)) != nil
            compared += 1
            if settleValid != stdnumValid {
                let settleSays: String
                do throws(VATIdentifierError) {
                    let valid = try VATIdentifier(id)
                    settleSays = "valid, as \(valid)"
                } catch {
                    settleSays = "invalid (\(error.problem))"
                }
                disagreements.append("\"\(id)\": stdnum \(stdnumValid ? "valid" : "invalid"), settle \(settleSays)")
            }
        }
        #expect(disagreements.isEmpty, "settle and python-stdnum disagree on \(disagreements.count) of \(compared) ids:\n\(disagreements.joined(separator: "\n"))")
        #expect(compared >= 300, "only \(compared) ids compared")
    }
}
