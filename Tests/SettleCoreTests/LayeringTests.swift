import Foundation
import Testing

/// The layering of Package.swift, checked on the sources (issue 29): SettleCore imports
/// nothing, so the rules stay free of I/O; each other target imports only the targets and
/// system modules of its layer. A new import that crosses a layer fails here, naming the file.
@Suite struct LayeringTests {
    /// What each target may import. The platform's own modules (Foundation and the C library)
    /// are allowed where listed; SettleCore gets none of them.
    static let allowed: [String: Set<String>] = {
        let platform: Set<String> = ["Foundation", "FoundationNetworking", "Glibc", "Musl", "Darwin", "Dispatch"]
        return [
            "SettleCore": [],
            "SettleThreads": platform,
            "SettleFormats": platform.union(["SettleCore", "SettleThreads", "CZstd", "CLibXML2", "Crypto", "TOMLKit"]),
            "SettleStore": platform.union(["SettleCore", "CSQLite", "CPostgreSQL"]),
            "SettleWorkbook": platform.union(["SettleCore", "SettleFormats", "CXLSXWriter"]),
            "SettleDocuments": platform.union(["SettleCore", "SettleFormats", "CCairo", "CQPDF"]),
            "SettleGenerate": platform.union(["SettleCore", "SettleFormats"]),
            "SettleCharts": platform.union(["SettleCore"]),
            "SettleSite": platform.union(["SettleCore", "SettleCharts"]),
            "SettleFuzzing": platform.union(["SettleCore", "SettleFormats"]),
            "settle-fuzz": platform.union(["SettleFuzzing"]),
            "SettleJobs": platform.union(["SettleCore", "SettleFormats", "SettleStore", "SettleWorkbook", "SettleThreads",
                                          "SettleDocuments", "SettleSite", "Logging", "Crypto"]),
            "settle": platform.union(["ArgumentParser", "Logging", "SettleCore", "SettleFormats", "SettleGenerate", "SettleJobs",
                                      "SettleStore"]),
        ]
    }()

    static var sources: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources")
    }

    @Test func everyTargetImportsOnlyItsLayer() throws {
        let fm = FileManager.default
        var checked = 0
        for target in try fm.contentsOfDirectory(atPath: Self.sources.path).sorted() where !target.hasPrefix("C") || target.hasPrefix("CSV") {
            let folder = Self.sources.appendingPathComponent(target)
            guard let allowed = Self.allowed[target] else {
                Issue.record("Sources/\(target) is a target this test does not know: add it to LayeringTests.allowed with what it may import")
                continue
            }
            let files = (fm.enumerator(atPath: folder.path)?.allObjects as? [String] ?? []).filter { $0.hasSuffix(".swift") }
            for file in files {
                let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
                // Imports are top-level lines: an indented "import" is text in a string.
                for line in text.split(separator: "\n") where line.hasPrefix("import ") || line.hasPrefix("@") {
                    let words = line.split(separator: " ").map(String.init)
                    guard let i = words.firstIndex(of: "import"), words[..<i].allSatisfy({ $0.hasPrefix("@") }), i + 1 < words.count else { continue }
                    let module = words[i + 1]
                    #expect(allowed.contains(module), "Sources/\(target)/\(file) imports \(module), outside its layer")
                    checked += 1
                }
            }
        }
        #expect(checked > 100)
    }

    @Test func theDomainImportsNothing() throws {
        let core = Self.sources.appendingPathComponent("SettleCore")
        let files = (FileManager.default.enumerator(atPath: core.path)?.allObjects as? [String] ?? []).filter { $0.hasSuffix(".swift") }
        #expect(files.count > 40)
        for file in files {
            let text = try String(contentsOf: core.appendingPathComponent(file), encoding: .utf8)
            #expect(!text.split(separator: "\n").contains { $0.hasPrefix("import ") || $0.contains(" import ") && $0.hasPrefix("@") },
                    "Sources/SettleCore/\(file) imports a module: the domain does no I/O and depends on nothing")
        }
    }

    /// The store code both databases share names neither (issue 29): where they differ, a
    /// requirement of `SQLExecutor` says what is needed and each store's folder says how.
    @Test func sharedStoreCodeNamesNeitherDatabase() throws {
        let shared = Self.sources.appendingPathComponent("SettleStore/Shared")
        let files = (FileManager.default.enumerator(atPath: shared.path)?.allObjects as? [String] ?? []).filter { $0.hasSuffix(".swift") }
        #expect(files.count > 15)
        for file in files {
            let text = try String(contentsOf: shared.appendingPathComponent(file), encoding: .utf8)
            for name in ["PGConnection", "SQLiteConnection", "EventPartitions", "PGRows"] {
                #expect(!text.contains(name), "Sources/SettleStore/Shared/\(file) names \(name): put the difference behind a SQLExecutor requirement")
            }
        }
    }
}
