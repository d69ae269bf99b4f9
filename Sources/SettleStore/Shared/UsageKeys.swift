#if canImport(Glibc)
import Glibc
#endif

/// One of the two dictionaries an event's names are stored in, each combination once, named by
/// an integer in each event row: who called (`usage_callers`: customer, API key, upstream
/// account, service) and what ran (`usage_models`: provider, model, tier, status). Two small
/// dictionaries rather than one of every combination: a gateway's callers and models multiply
/// into hundreds of thousands of combinations, which a load would have to make one by one.
/// Absent optional names are stored as '' (a name is never empty: validation makes an empty
/// field absent).
///
/// A caller with a service gets a negative id, one without a positive id: the partial index that
/// finds a customer's service events (free trials) covers `caller_id < 0` and needs no column
/// of its own.
struct NameDictionary: Sendable {
    let table: String
    let columns: [String]
    /// The batch's text cells the columns come from (`UsageEventBatch.append`'s order).
    let cells: [Int]
    /// Negative ids for entries whose last column (the service) is set.
    let signed: Bool

    static let callers = NameDictionary(table: "usage_callers", columns: ["customer_id", "api_key_id", "upstream_account", "service_id"],
                                        cells: [1, 6, 7, 8], signed: true)
    static let models = NameDictionary(table: "usage_models", columns: ["provider", "model", "tier", "status"],
                                       cells: [2, 3, 4, 5], signed: false)
    static let all = [callers, models]

    var sequence: String { table + "_id_seq" }

    /// Whether an entry with these values gets a negative id.
    func isNegative(_ values: [String]) -> Bool { signed && !(values.last ?? "").isEmpty }
}

/// Where a load finds and makes the ids of names and request-id prefixes it has not met yet.
/// SQLite makes them inside the load's transaction (one writer); PostgreSQL on a connection of
/// its own, committed at once, so that loads running side by side share them and never wait on
/// each other's transactions.
protocol UsageKeyResolver: AnyObject {
    /// The ids of `entries` of `dictionary` (distinct, none known to the caller yet), made where
    /// missing. `new`: the caller holds every stored entry, so these are not stored yet (SQLite,
    /// the one writer, then skips the lookups).
    func ids(of entries: [[String]], in dictionary: NameDictionary, new: Bool) throws -> [Int64]
    /// Every stored entry with its id, or nil when there are more than `limit`.
    func stored(_ dictionary: NameDictionary, limit: Int) throws -> [([String], Int64)]?
    /// The id of a request-id prefix, made if missing; nil once 127 prefixes exist.
    func prefixID(_ prefix: String) throws -> UInt8?
}

/// A load's memory of one dictionary, looked up per event without making a `String`: the
/// entry's cells are hashed as bytes, and compared byte for byte on a hit.
final class NameBook {
    let dictionary: NameDictionary
    /// Open addressing over entry numbers (-1 empty), a power of two long, at most half full:
    /// no second hash of the key as a Swift Dictionary would make.
    private var slots = [Int32](repeating: -1, count: 1024)
    private var hashes: [UInt64] = []
    private var starts: [Int] = [0]
    private var arena: [UInt8] = []
    private var ids: [Int64] = []
    var scratch: [UInt8] = []
    /// Whether the book holds every stored entry: a miss is then a new entry.
    private(set) var complete = false
    /// Ids the book hands out itself (SQLite: the load is the one writer and holds the whole
    /// dictionary); nil when the resolver makes them.
    private var local: (high: Int64, low: Int64)?
    private(set) var made: [(values: [String], id: Int64)] = []

    init(_ dictionary: NameDictionary) {
        self.dictionary = dictionary
        scratch.reserveCapacity(128)
    }

    /// Reads every stored entry (if there are at most `limit`); `numbering`: new ids are then
    /// the book's own to give.
    func preload(from resolver: any UsageKeyResolver, limit: Int, numbering: Bool) throws {
        guard let stored = try resolver.stored(dictionary, limit: limit) else { return }
        var high: Int64 = 0, low: Int64 = 0
        for (values, id) in stored {
            fill(values)
            if entry() == nil { remember(id) }
            high = max(high, id)
            low = min(low, id)
        }
        complete = true
        if numbering { local = (high, low) }
    }

    /// `scratch` = the entry's values as a row's cells give them (length, then bytes).
    func fill(_ values: [String]) {
        scratch.removeAll(keepingCapacity: true)
        for v in values {
            appendLength(v.utf8.count)
            scratch.append(contentsOf: v.utf8)
        }
    }

    /// `scratch` = the entry of a row, from its text cells.
    /// (Built in a local array and put back: a class's property would be checked for exclusive
    /// access at every append, and this runs for every event.)
    @inline(__always)
    func fill(cells: UnsafeBufferPointer<(UnsafeRawPointer?, Int)>) {
        var out = scratch
        scratch = []
        out.removeAll(keepingCapacity: true)
        for c in dictionary.cells {
            let (p, n) = cells[c]
            out.append(UInt8(truncatingIfNeeded: n))
            out.append(UInt8(truncatingIfNeeded: n >> 8))
            out.append(UInt8(truncatingIfNeeded: n >> 16))
            out.append(UInt8(truncatingIfNeeded: n >> 24))
            if let p, n > 0 { out.append(contentsOf: UnsafeRawBufferPointer(start: p, count: n)) }
        }
        scratch = out
    }

    @inline(__always)
    private func appendLength(_ n: Int) {
        scratch.append(UInt8(truncatingIfNeeded: n))
        scratch.append(UInt8(truncatingIfNeeded: n >> 8))
        scratch.append(UInt8(truncatingIfNeeded: n >> 16))
        scratch.append(UInt8(truncatingIfNeeded: n >> 24))
    }

    /// The id of the entry in `scratch`, if known (placeholders excluded).
    func find() -> Int64? {
        guard let e = entry() else { return nil }
        let id = ids[e]
        return id == Int64.min ? nil : id
    }

    /// A new entry's id, numbered by the book (only when it numbers), remembered as made.
    func number(_ values: [String]) -> Int64? {
        guard var l = local else { return nil }
        let id: Int64
        if dictionary.isNegative(values) { l.low -= 1; id = l.low } else { l.high += 1; id = l.high }
        local = l
        remember(id)
        made.append((values, id))
        return id
    }

    /// Remembers `scratch` as waiting for an id (a placeholder no lookup returns).
    func rememberPending() { remember(Int64.min) }

    /// Gives the entry `values` its id.
    func settle(_ values: [String], id: Int64) {
        fill(values)
        if let e = entry() { ids[e] = id } else { remember(id) }
    }

    func takeMade() -> [(values: [String], id: Int64)] {
        defer { made.removeAll() }
        return made
    }

    private func entry() -> Int? {
        // Locals, not properties, in the loop (see `fill(cells:)`).
        let scratch = self.scratch, slots = self.slots, hashes = self.hashes, starts = self.starts, arena = self.arena
        let hash = scratch.withUnsafeBytes { RecentRequestIDs.hash($0) }
        let mask = slots.count - 1
        var i = Int(truncatingIfNeeded: hash) & mask
        while true {
            let e = Int(slots[i])
            if e < 0 { return nil }
            if hashes[e] == hash {
                let length = starts[e + 1] - starts[e]
                if length == scratch.count {
                    let same = arena.withUnsafeBytes { a in scratch.withUnsafeBytes { s in
                        length == 0 || memcmp(a.baseAddress! + starts[e], s.baseAddress!, length) == 0
                    } }
                    if same { return e }
                }
            }
            i = (i + 1) & mask
        }
    }

    private func remember(_ id: Int64) {
        let hash = scratch.withUnsafeBytes { RecentRequestIDs.hash($0) }
        if (ids.count + 1) * 2 > slots.count { grow() }
        place(Int32(ids.count), hash: hash)
        hashes.append(hash)
        arena.append(contentsOf: scratch)
        starts.append(arena.count)
        ids.append(id)
    }

    private func place(_ e: Int32, hash: UInt64) {
        let mask = slots.count - 1
        var i = Int(truncatingIfNeeded: hash) & mask
        while slots[i] >= 0 { i = (i + 1) & mask }
        slots[i] = e
    }

    private func grow() {
        slots = [Int32](repeating: -1, count: slots.count * 2)
        for (e, hash) in hashes.enumerated() { place(Int32(e), hash: hash) }
    }
}

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
                    let base = text.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!
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
            h == 0 || memcmp(last.baseAddress!, id.baseAddress!, h) == 0
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

/// The resolver both stores share: the same SQL, but for how a new id is chosen. SQLite
/// counts on from the highest (or lowest) id inside the load's transaction; PostgreSQL takes
/// the sequence's next number and lets an entry another load made first win (ON CONFLICT),
/// then reads back what is there.
final class SQLUsageKeyResolver: UsageKeyResolver {
    let sql: any SQLExecutor
    private let postgres: Bool

    init(_ sql: any SQLExecutor) {
        self.sql = sql
        postgres = sql is PGConnection
    }

    func ids(of entries: [[String]], in dictionary: NameDictionary, new: Bool) throws -> [Int64] {
        if let pg = sql as? PGConnection { return try madeIDs(of: entries, in: dictionary, pg) }
        if let lite = sql as? SQLiteConnection { return try lookedUpIDs(of: entries, in: dictionary, new: new, lite) }
        throw StoreError("usage names: unknown store")
    }

    func stored(_ dictionary: NameDictionary, limit: Int) throws -> [([String], Int64)]? {
        guard try sql.fetch("SELECT COUNT(*) FROM \(dictionary.table)", [])[0].int(0) <= limit else { return nil }
        var out: [([String], Int64)] = []
        let n = dictionary.columns.count
        try sql.fetchEach("SELECT id, \(dictionary.columns.joined(separator: ", ")) FROM \(dictionary.table)", []) { r in
            out.append(((1...n).map { r.text($0) }, r.int(0)))
        }
        return out
    }

    /// SQLite: one prepared index lookup per entry, new entries numbered on from the highest
    /// (lowest for negative ones) id: the load's transaction is the only writer.
    private func lookedUpIDs(of entries: [[String]], in d: NameDictionary, new: Bool, _ db: SQLiteConnection) throws -> [Int64] {
        let find = try db.prepare("SELECT id FROM \(d.table) WHERE " + d.columns.map { "\($0) = ?" }.joined(separator: " AND "))
        let insert = try db.prepare("INSERT INTO \(d.table)(id, \(d.columns.joined(separator: ", "))) VALUES (?"
                                    + String(repeating: ", ?", count: d.columns.count) + ")")
        var high: Int64?, low: Int64 = 0
        return try entries.map { values in
            for (i, v) in values.enumerated() { find.bind(i + 1, v) }
            if !new, try find.step() {
                let id = find.int(0)
                _ = try find.step()
                return id
            }
            if high == nil {
                let bounds = try sql.fetch("SELECT COALESCE(MAX(id), 0), COALESCE(MIN(id), 0) FROM \(d.table)", [])[0]
                high = max(bounds.int(0), 0)
                low = min(bounds.int(1), 0)
            }
            let id: Int64
            if d.isNegative(values) { low -= 1; id = low } else { high! += 1; id = high! }
            insert.bind(1, id)
            for (i, v) in values.enumerated() { insert.bind(i + 2, v) }
            _ = try insert.step()
            return id
        }
    }

    /// PostgreSQL: a batch's new entries sent as arrays, the missing ones inserted (in order, so
    /// that two loads adding the same entries take their locks in one order; an entry another
    /// load made first is left to it) and every id read back, in one statement. An entry another
    /// load committed after the statement's snapshot is read again by a second.
    private func madeIDs(of entries: [[String]], in d: NameDictionary, _ pg: PGConnection) throws -> [Int64] {
        let columns = d.columns.joined(separator: ", ")
        // The dictionary compares bytes ("C"); the arrays' text has the database's default collation.
        let match = { (a: String, b: String) in d.columns.map { "\(a).\($0) = \(b).\($0) COLLATE \"C\"" }.joined(separator: " AND ") }
        let n = d.columns.count
        let arrays = { (rows: [[String]]) in (0..<n).map { c in Self.arrayLiteral(rows.map { $0[c] }) } }
        let unnest = "unnest(" + (1...n).map { "$\($0)::text[]" }.joined(separator: ", ") + ") WITH ORDINALITY AS u(\(columns), ord)"
        // Each entry is looked up by a scalar subquery: an index probe, which no planner turns into
        // a hash of the whole dictionary (as it might a join, not knowing how few a batch has).
        let known = "(SELECT k.id FROM \(d.table) k WHERE \(match("k", "u")))"
        let id = d.signed
            ? "CASE WHEN s.\(d.columns.last!) = '' THEN nextval('\(d.sequence)') ELSE -nextval('\(d.sequence)') END"
            : "nextval('\(d.sequence)')"
        let rows = try pg.query("""
            WITH s AS (SELECT u.*, \(known) AS known FROM \(unnest)),
            made AS (
                INSERT INTO \(d.table)(id, \(columns))
                SELECT \(id), \(d.columns.map { "s.\($0)" }.joined(separator: ", "))
                FROM s WHERE s.known IS NULL
                ORDER BY \(columns)
                ON CONFLICT DO NOTHING
                RETURNING id, \(columns))
            SELECT s.ord, COALESCE(s.known, m.id) FROM s LEFT JOIN made m ON \(match("m", "s"))
            """, arrays(entries))
        var ids = [Int64?](repeating: nil, count: entries.count)
        for r in 0..<rows.count {
            guard let ord = rows.text(r, 0).flatMap({ Int($0) }), ord >= 1, ord <= ids.count else { continue }
            ids[ord - 1] = rows.text(r, 1).flatMap { Int64($0) }
        }
        let raced = ids.indices.filter { ids[$0] == nil }
        if !raced.isEmpty {
            let again = try pg.query("SELECT u.ord, \(known) FROM \(unnest)", arrays(raced.map { entries[$0] }))
            for r in 0..<again.count {
                guard let ord = again.text(r, 0).flatMap({ Int($0) }), ord >= 1, ord <= raced.count else { continue }
                ids[raced[ord - 1]] = again.text(r, 1).flatMap { Int64($0) }
            }
        }
        return try ids.enumerated().map { i, id in
            guard let id else { throw StoreError("\(d.table) has no row for \(entries[i]) after adding it; run the load again") }
            return id
        }
    }

    /// A PostgreSQL text[] literal: every element quoted, backslashes and quotes escaped.
    static func arrayLiteral(_ values: [String]) -> String {
        var out = "{"
        for (i, v) in values.enumerated() {
            if i > 0 { out += "," }
            out += "\""
            for ch in v.unicodeScalars {
                if ch == "\\" || ch == "\"" { out += "\\" }
                out.unicodeScalars.append(ch)
            }
            out += "\""
        }
        return out + "}"
    }

    func prefixID(_ prefix: String) throws -> UInt8? {
        for _ in 0..<8 {
            if let id = try sql.fetch("SELECT id FROM request_id_prefixes WHERE prefix = ?", [.text(prefix)]).first?.optionalInt(0) {
                return UInt8(id)
            }
            let made = try sql.perform("""
                INSERT INTO request_id_prefixes(id, prefix)
                SELECT m + 1, ? FROM (SELECT COALESCE(MAX(id), 0) AS m FROM request_id_prefixes) t WHERE m < \(StoredRequestID.maximumPrefixID)
                """ + (postgres ? " ON CONFLICT DO NOTHING" : ""), [.text(prefix)])
            if made == 0, try sql.fetch("SELECT COUNT(*) FROM request_id_prefixes", [])[0].int(0) >= StoredRequestID.maximumPrefixID,
               try sql.fetch("SELECT 1 FROM request_id_prefixes WHERE prefix = ?", [.text(prefix)]).isEmpty {
                return nil
            }
        }
        throw StoreError("could not add the request-id prefix \(prefix) to request_id_prefixes; run the load again")
    }
}
