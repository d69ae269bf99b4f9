import Foundation
import Testing
import SettleCore
import SettleFormats
import SettleTestSupport
@testable import SettleGenerate
@testable import SettleJobs

@Suite struct SyntheticDataTests {
    func generate(seed: UInt64, into dir: TempFolder) throws -> SyntheticData.Written {
        var gen = SyntheticData()
        gen.seed = seed
        gen.customers = 30
        gen.days = 3
        gen.eventsPerDay = 400
        gen.badRowsPerFile = 3
        gen.overlap = 4
        gen.csvDays = [1]
        return try gen.write(to: dir.path)
    }

    @Test func theSameSeedWritesTheSameBytes() throws {
        let a = TempFolder(), b = TempFolder(), c = TempFolder()
        _ = try generate(seed: 7, into: a)
        _ = try generate(seed: 7, into: b)
        _ = try generate(seed: 8, into: c)
        for name in ["customers.csv", "prices.csv", "credits.csv", "usage/2026-10-25.jsonl", "usage/2026-10-26.csv"] {
            #expect(a.read(name) == b.read(name), "\(name) differs between two runs with one seed")
        }
        #expect(a.read("usage/2026-10-25.jsonl") != c.read("usage/2026-10-25.jsonl"))
    }

    @Test func theDataLoadsCleanlyExceptThePlantedRows() throws {
        let dir = TempFolder()
        let written = try generate(seed: 42, into: dir)
        #expect(written.events == 1200)
        let config = try ConfigLoader.load(path: "\(dir.path)/settle.toml", explicit: true)
        let catalog = try CatalogLoader.load(config: config)
        #expect(catalog.customers.count == 30)
        #expect(Set(catalog.customers.all.map(\.current.plan)).isSubset(of: Set(config.plans.keys)))

        var events: [UsageEvent] = []
        var reasons: [String] = []
        for day in ["2026-10-25.jsonl", "2026-10-26.csv", "2026-10-27.jsonl"] {
            _ = try UsageFileReader.open(path: "\(dir.path)/usage/\(day)").forEachRow { row in
                switch row {
                case .event(let e, _): events.append(e)
                case .quarantined(let q): reasons.append(q.code)
                }
            }
        }
        // Three planted rows per file, each a different reason in turn.
        #expect(reasons.count == 9)
        #expect(Set(reasons).count >= 6)
        let unique = Set(events.map(\.requestID))
        #expect(unique.count == 1200)
        #expect(events.count > 1200 + 8 - 1)  // overlap between files and a few duplicated lines
        // Heavy-tailed: the busiest customer makes far more calls than the median one.
        let perCustomer = Dictionary(grouping: events, by: \.customerID).mapValues(\.count).values.sorted()
        #expect(perCustomer.last! > 4 * perCustomer[perCustomer.count / 2])
        #expect(events.contains { $0.cachedInputTokens > 0 })
        #expect(events.contains { $0.tier == .batch })
        #expect(events.contains { $0.status == .error })
        #expect(Set(events.map(\.provider)).isSuperset(of: ["openai", "anthropic", "google", "mistral", "openrouter"]))
    }
}
