#if canImport(Glibc)
import Glibc
#endif

/// A batch's rows in the stored layout: caller and model ids, and the request ids' stored
/// forms one after another (`idStarts` marks each; one extra entry closes the last).
struct EncodedRows: Sendable {
    var callers: [Int64] = []
    var models: [Int64] = []
    var ids: [UInt8] = []
    var idStarts: [Int32] = [0]
}

/// Names and prefixes a book numbered itself, for the writer to store with the batch.
struct MadeNames: Sendable {
    var entries: [(dictionary: NameDictionary, values: [String], id: Int64)] = []
    var prefixes: [(prefix: String, id: Int64)] = []
}

/// A load's memory of both dictionaries and of request-id prefixes: turns a batch's rows into
/// their stored form.
final class UsageKeyBook {
    private let resolver: any UsageKeyResolver
    private let books = NameDictionary.all.map(NameBook.init)
    private var prefixes: [[UInt8]: UInt8?] = [:]
    /// The last prefix met and its id: ids of one gateway share one, so most rows skip the table.
    private var lastPrefix: [UInt8] = []
    private var lastPrefixID: UInt8??
    private var localPrefix: Int?
    private var madePrefixes: [(prefix: String, id: Int64)] = []
    private var loaded = false
    /// Dictionaries up to this many entries are read whole at a load's first batch; larger ones
    /// are looked up a batch's unknown entries at a time.
    static let preloadLimit = 1_000_000

    init(resolver: any UsageKeyResolver) { self.resolver = resolver }

    /// Reads both dictionaries now; `prefixes` given: the book also numbers new entries and
    /// prefixes itself (SQLite). Returns whether it does.
    @discardableResult
    func preload(numberingWith stored: [(String, UInt8)]? = nil) throws -> Bool {
        loaded = true
        for book in books { try book.preload(from: resolver, limit: Self.preloadLimit, numbering: stored != nil) }
        guard let stored, books.allSatisfy(\.complete) else { return false }
        for (prefix, id) in stored { prefixes[Array(prefix.utf8)] = id }
        localPrefix = Int(stored.map(\.1).max() ?? 0)
        return true
    }

    /// What `encode` works out: SQLite splits a batch's work between its two threads, names on
    /// the decoding thread and request ids on the writing one (each touches only its own part
    /// of the book).
    struct Parts: OptionSet, Sendable {
        let rawValue: Int
        static let names = Parts(rawValue: 1)
        static let ids = Parts(rawValue: 2)
        static let all: Parts = [.names, .ids]
    }

    func takeMade(_ parts: Parts = .all) -> MadeNames {
        var out = MadeNames()
        if parts.contains(.names) {
            for book in books { out.entries += book.takeMade().map { (book.dictionary, $0.values, $0.id) } }
        }
        if parts.contains(.ids) {
            out.prefixes = madePrefixes
            madePrefixes.removeAll()
        }
        return out
    }

    func encode(_ batch: UsageEventBatch, rows: some Sequence<Int>, parts: Parts = .all) throws -> EncodedRows {
        if !loaded { try preload() }
        let doIDs = parts.contains(.ids), doNames = parts.contains(.names)
        var out = EncodedRows()
        out.ids.reserveCapacity(batch.count * 16)
        out.idStarts.reserveCapacity(batch.count + 1)
        out.callers.reserveCapacity(batch.count)
        out.models.reserveCapacity(batch.count)
        // Per dictionary: rows waiting for a new entry's id, and the entries (by bytes: Swift's
        // String equality is Unicode's, the stores' is bytes).
        var missing = books.map { _ in [(row: Int, slot: Int)]() }
        var wanted = books.map { _ in [[String]]() }
        var wantedAt = books.map { _ in [[UInt8]: Int]() }
        try batch.text.withUnsafeBytes { text in
            try batch.starts.withUnsafeBufferPointer { starts in
                try batch.ints.withUnsafeBufferPointer { ints in
                    let base = UsageEventBatch.base(text)
                    var cellStore = [(UnsafeRawPointer?, Int)](repeating: (nil, 0), count: UsageEventBatch.textsPerRow)
                    var n = 0
                    _ = ints
                    for row in rows {
                        let k = row * UsageEventBatch.textsPerRow
                        for i in 0..<UsageEventBatch.textsPerRow {
                            let start = starts[k + i]
                            if start < 0 { cellStore[i] = (nil, 0); continue }
                            var j = k + i + 1
                            while starts[j] < 0 { j += 1 }
                            cellStore[i] = (base + Int(start), Int(starts[j] - start))
                        }
                        let cells = cellStore
                        if doIDs {
                            let id = UnsafeRawBufferPointer(start: cells[0].0, count: cells[0].1)
                            let hexStart = StoredRequestID.hexStart(id)
                            let prefixID = try hexStart.flatMap { try self.prefixID(id, $0) }
                            StoredRequestID.append(id, hexStart: hexStart, prefixID: prefixID, to: &out.ids)
                            out.idStarts.append(Int32(out.ids.count))
                        }
                        for (b, book) in books.enumerated() where doNames {
                            cells.withUnsafeBufferPointer { book.fill(cells: $0) }
                            var found = book.find()
                            if found == nil, let s = wantedAt[b][book.scratch] {
                                missing[b].append((n, s))
                            } else if found == nil {
                                let values = book.dictionary.cells.map { c in
                                    cells[c].0.map { String(decoding: UnsafeRawBufferPointer(start: $0, count: cells[c].1), as: UTF8.self) } ?? ""
                                }
                                if let numbered = book.number(values) {
                                    found = numbered
                                } else {
                                    let slot = wanted[b].count
                                    wantedAt[b][book.scratch] = slot
                                    wanted[b].append(values)
                                    book.rememberPending()
                                    missing[b].append((n, slot))
                                }
                            }
                            if b == 0 { out.callers.append(found ?? 0) } else { out.models.append(found ?? 0) }
                        }
                        n += 1
                    }
                }
            }
        }
        for (b, book) in books.enumerated() where !wanted[b].isEmpty {
            let made = try resolver.ids(of: wanted[b], in: book.dictionary, new: book.complete)
            for (row, slot) in missing[b] {
                if b == 0 { out.callers[row] = made[slot] } else { out.models[row] = made[slot] }
            }
            for (slot, values) in wanted[b].enumerated() { book.settle(values, id: made[slot]) }
        }
        return out
    }

    /// The id of the prefix `id[..<hexStart]`: the last one met, else the table, else made.
    private func prefixID(_ id: UnsafeRawBufferPointer, _ h: Int) throws -> UInt8? {
        let same = lastPrefixID != nil && lastPrefix.count == h && lastPrefix.withUnsafeBytes { last in
            memcmp(UsageEventBatch.base(last), UsageEventBatch.base(id), h) == 0
        }
        if same, let known = lastPrefixID { return known }
        let prefix = Array(id[..<h])
        let found: UInt8?
        if let known = prefixes[prefix] {
            found = known
        } else {
            let text = String(decoding: prefix, as: UTF8.self)
            if var l = localPrefix {
                if l < StoredRequestID.maximumPrefixID {
                    l += 1
                    found = UInt8(l)
                    madePrefixes.append((text, Int64(l)))
                } else {
                    found = nil
                }
                localPrefix = l
            } else {
                found = try resolver.prefixID(text)
            }
            prefixes[prefix] = found
        }
        lastPrefix = prefix
        lastPrefixID = .some(found)
        return found
    }
}
