import Foundation
import SettleCore
import SettleFormats

/// `settle generate`: a deterministic gateway and its catalog, for the demo, the tests and the
/// benchmarks. The same parameters always write the same bytes.
///
/// The traffic looks like a real gateway's: a few customers make most of it (Pareto), each has
/// a favourite model, prompt and completion lengths are log-normal, cache reads are common
/// where providers cache, a few requests run on batch or priority tiers, some fail. The files
/// also carry what real inboxes carry: duplicated lines, overlap between consecutive files from
/// log rotation, and a handful of broken rows, one of each kind settle must quarantine.
public struct SyntheticData {
    public var seed: UInt64 = 42
    public var customers = 50
    public var start = UTCDay("2026-10-25")!
    public var days = 7
    public var eventsPerDay = 700
    /// Share of lines written twice within a file.
    public var duplicateRate = 0.003
    /// Lines of the previous day's file repeated at the start of the next (log rotation).
    public var overlap = 5
    /// Broken rows planted per file.
    public var badRowsPerFile = 2
    /// Day indexes (0-based) written as CSV instead of JSON Lines.
    public var csvDays: Set<Int> = []
    public var writeCatalog = true

    public init() {}

    public struct Written: Sendable {
        public var files: [String] = []
        public var events = 0
        public var lines = 0
    }

    struct CustomerProfile {
        var id: String
        var plan: String
        var favourite: Int
    }

    public func write(to dir: String) throws -> Written {
        var rng = SeededRandom(seed: seed)
        var written = Written()
        let profiles = makeCustomers(&rng)
        if writeCatalog {
            for (name, text) in catalogFiles(profiles, &rng) {
                let path = "\(dir)/\(name)"
                try FileSystem.writeAtomically(text, to: path)
                written.files.append(path)
            }
        }
        // Log-normal weights: the busiest of fifty customers sends ~30× the median one.
        let weights = profiles.indices.map { _ in rng.logNormal(median: 1, sigma: 1.6) }
        let customerCumulative = cumulativeSums(weights)
        let modelCumulative = cumulativeSums(ModelMix.models.map(\.share))
        let hourCumulative = cumulativeSums(ModelMix.hourly)
        var previousTail: [String] = []
        for dayIndex in 0..<days {
            let day = start.adding(days: dayIndex)
            let csv = csvDays.contains(dayIndex)
            let path = "\(dir)/usage/\(day)\(csv ? ".csv" : ".jsonl")"
            let file = try AtomicFileWriter(path: path)
            if csv { try file.write(CSVText.record(UsageEventFields.columnNames)) }
            var lineCount = 0
            func emit(_ line: String) throws {
                try file.write(line)
                if !csv { try file.write("\n") }
                lineCount += 1
            }
            let badPositions = Set((0..<badRowsPerFile).map { _ in rng.int(0...max(0, eventsPerDay - 1)) })
            var badKind = dayIndex * 3
            for line in previousTail { try emit(csv ? csvFromJSONLine(line) : line) }
            var recent: [String] = []
            var tail: [String] = []
            for i in 0..<eventsPerDay {
                let u = (Double(i) + rng.unit()) / Double(eventsPerDay)
                let micros = timeOfDay(u, hourCumulative)
                let c = profiles[rng.pick(cumulative: customerCumulative)]
                let e = makeEvent(&rng, day: day, micros: micros, customer: c, modelCumulative: modelCumulative)
                let line = e.json
                try emit(csv ? e.csv : line)
                if recent.count == 64 { recent.removeFirst() }
                recent.append(line)
                if rng.chance(duplicateRate), let again = recent.randomElement(using: &rng) {
                    try emit(csv ? csvFromJSONLine(again) : again)
                }
                if badPositions.contains(i) {
                    try emit(BadRow.make(kind: badKind, event: e, csv: csv))
                    badKind += 1
                }
                if i >= eventsPerDay - overlap { tail.append(line) }
            }
            previousTail = tail
            try file.commit()
            written.files.append(path)
            written.lines += lineCount
            written.events += eventsPerDay
        }
        return written
    }

    private func timeOfDay(_ u: Double, _ cumulative: [Double]) -> Int64 {
        let x = u * cumulative.last!
        var hour = 0
        while hour < 23 && cumulative[hour] <= x { hour += 1 }
        let before = hour == 0 ? 0 : cumulative[hour - 1]
        let fraction = (x - before) / (cumulative[hour] - before)
        return Int64((Double(hour) + min(max(fraction, 0), 0.999999)) * 3_600_000_000)
    }

    private func makeCustomers(_ rng: inout SeededRandom) -> [CustomerProfile] {
        let planCumulative = cumulativeSums([30, 35, 25, 10])
        let plans = ["free", "starter", "pro", "enterprise"]
        let modelCumulative = cumulativeSums(ModelMix.models.map(\.share))
        return (1...customers).map { n in
            CustomerProfile(id: "cus_\(pad(n, 4))", plan: plans[rng.pick(cumulative: planCumulative)],
                            favourite: rng.pick(cumulative: modelCumulative))
        }
    }
}

/// One generated event, kept as both of its native renderings.
struct EventLine {
    var fields: [(String, JSONText)]
    var json: String { JSONText.object(fields).rendered() }
    var csv: String {
        let map = Dictionary(fields, uniquingKeysWith: { a, _ in a })
        return CSVText.record(UsageEventFields.columnNames.map { name in
            switch map[name] {
            case .string(let s)?: return s
            case .int(let n)?: return String(n)
            default: return ""
            }
        })
    }
}

extension SyntheticData {
    func makeEvent(_ rng: inout SeededRandom, day: UTCDay, micros: Int64, customer c: CustomerProfile,
                   modelCumulative: [Double]) -> EventLine {
        let ts = Timestamp(microseconds: day.start.microseconds + micros)
        let millis = ts.microseconds / 1000
        let requestID = "req_" + hex(UInt64(millis), 12) + hex(rng.next(), 16)
        var provider: String
        var model: String
        var serviceID: String?
        var m = ModelMix.models[rng.chance(0.6) ? c.favourite : rng.pick(cumulative: modelCumulative)]
        if rng.chance(0.02) {
            let s = ModelMix.services[rng.int(0...ModelMix.services.count - 1)]
            provider = s.seller
            model = s.model
            serviceID = s.id
            m.cachedInput = nil
        } else {
            provider = m.provider
            model = m.model
        }
        var input = Int64(min(max(rng.logNormal(median: 900, sigma: 1.1), 5), 180_000))
        var output = Int64(min(max(rng.logNormal(median: 220, sigma: 0.9), 1), 16_000))
        var cached: Int64 = 0
        var cacheWrite: Int64 = 0
        if m.caches && rng.chance(0.35) { cached = Int64(Double(input) * (0.3 + 0.65 * rng.unit())) }
        if m.cacheWrite != nil && rng.chance(0.08) { cacheWrite = Int64(Double(input - cached) * (0.2 + 0.6 * rng.unit())) }
        var tier = "standard"
        if serviceID == nil && m.offersBatch && rng.chance(0.03) { tier = "batch" }
        else if serviceID == nil && provider == "openai" && rng.chance(0.01) { tier = "priority" }
        var status = "ok"
        if rng.chance(0.015) {
            status = "error"
            output = 0
            if rng.chance(0.5) { input = 0; cached = 0; cacheWrite = 0 }
        }
        var tsText = ts.description
        if rng.chance(0.01) { tsText = withOffset(ts, hours: 2) }
        var fields: [(String, JSONText)] = [
            ("request_id", .string(requestID)), ("ts", .string(tsText)), ("customer_id", .string(c.id)),
            ("provider", .string(provider)), ("model", .string(model)),
            ("input_tokens", .int(input)), ("cached_input_tokens", .int(cached)),
            ("cache_write_tokens", .int(cacheWrite)), ("output_tokens", .int(output)),
        ]
        if rng.chance(0.005) { fields.append(("requests", .int(Int64(rng.int(2...5))))) }
        fields.append(("tier", .string(tier)))
        fields.append(("status", .string(status)))
        fields.append(("api_key_id", .string("key_\(c.id.dropFirst(4))_\(rng.int(1...3))")))
        fields.append(("upstream_account", .string(tier == "batch" ? "\(provider)-batch" : "\(provider)-main")))
        if let serviceID { fields.append(("service_id", .string(serviceID))) }
        fields.append(("latency_ms", .int(Int64(min(rng.logNormal(median: 850, sigma: 0.7), 120_000)))))
        return EventLine(fields: fields)
    }

    private func withOffset(_ ts: Timestamp, hours: Int) -> String {
        let local = Timestamp(microseconds: ts.microseconds + Int64(hours) * 3_600_000_000).description
        return String(local.dropLast()) + "+\(pad(hours, 2)):00"
    }
}

func pad(_ n: Int, _ width: Int) -> String {
    let s = String(n)
    return String(repeating: "0", count: max(0, width - s.count)) + s
}

func hex(_ v: UInt64, _ digits: Int) -> String {
    let s = String(v, radix: 16)
    let padded = String(repeating: "0", count: max(0, digits - s.count)) + s
    return String(padded.suffix(digits))
}

/// Re-renders a JSON line as a CSV record (for overlap and duplicates in CSV days).
func csvFromJSONLine(_ line: String) -> String {
    var fields: [(String, JSONText)] = []
    let bytes = Array(line.utf8)
    bytes.withUnsafeBytes { buf in
        try? FlatJSONObject.parse(buf, wants: { key in UsageEventFields.columnNames.firstIndex(of: key.lossyString) }) { slot, value in
            switch value {
            case .text(let s): fields.append((UsageEventFields.columnNames[slot], .string(s)))
            case .integer(let n): fields.append((UsageEventFields.columnNames[slot], .int(n)))
            default: break
            }
        }
    }
    return EventLine(fields: fields).csv
}
