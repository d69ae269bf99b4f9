#if canImport(Glibc)
import Glibc
#endif

/// Who sent an event and what it ran: the eight names an event carries, stored once in
/// `usage_keys` and named by an integer in each event row. A busy gateway repeats a few
/// hundred thousand combinations across millions of events, so the row keeps 4 bytes where
/// it kept some 90 of text. Absent optional names are stored as '' (a name is never empty:
/// validation makes an empty field absent).
///
/// A key with a service gets a negative id, one without a positive id: the partial index that
/// finds a customer's service events (free trials) covers `key_id < 0` and needs no column of
/// its own.
struct UsageKey: Hashable, Sendable {
    var customerID: String
    var provider: String
    var model: String
    var tier: String
    var status: String
    var apiKeyID: String
    var upstreamAccount: String
    var serviceID: String

    static let columns = ["customer_id", "provider", "model", "tier", "status", "api_key_id", "upstream_account", "service_id"]

    var values: [String] { [customerID, provider, model, tier, status, apiKeyID, upstreamAccount, serviceID] }

    init(_ v: [String]) {
        customerID = v[0]; provider = v[1]; model = v[2]; tier = v[3]; status = v[4]
        apiKeyID = v[5]; upstreamAccount = v[6]; serviceID = v[7]
    }

    var hasService: Bool { !serviceID.isEmpty }
}

/// Where a load finds and makes the ids of keys and request-id prefixes it has not met yet.
/// SQLite makes them inside the load's transaction (one writer); PostgreSQL on a connection of
/// its own, committed at once, so that loads running side by side share them and never wait on
/// each other's transactions.
protocol UsageKeyResolver: AnyObject {
    /// The ids of `keys` (distinct, none known to the caller yet), made where missing.
    /// `new`: the caller knows every stored key, so these are not stored yet (SQLite, the one
    /// writer, then skips the lookups).
    func ids(of keys: [UsageKey], new: Bool) throws -> [Int64]
    /// Every stored key with its id, or nil when there are more than `limit`.
    func storedKeys(limit: Int) throws -> [(UsageKey, Int64)]?
    /// The id of a request-id prefix, made if missing; nil once 127 prefixes exist.
    func prefixID(_ prefix: String) throws -> UInt8?
}

/// A load's memory of key and prefix ids, looked up per event without making a `String`:
/// the key's cells are hashed as bytes, and compared byte for byte on a hit.
final class UsageKeyBook {
    private let resolver: any UsageKeyResolver
    private var heads: [UInt64: Int32] = [:]
    private var next: [Int32] = []
    private var starts: [Int] = [0]
    private var arena: [UInt8] = []
    private var ids: [Int64] = []
    private var scratch: [UInt8] = []
    private var prefixes: [[UInt8]: UInt8?] = [:]
    /// The last prefix met and its id: ids of one gateway share one, so most rows skip the table.
    private var lastPrefix: [UInt8] = []
    private var lastPrefixID: UInt8??
    /// Whether the book holds every stored key (read at the first batch): a miss is then a new key.
    private var complete: Bool?
    /// Dictionaries up to this many keys are read whole at a load's first batch; larger ones are
    /// looked up a batch's unknown keys at a time.
    static let preloadLimit = 1_000_000

    /// Ids the book hands out itself: SQLite's load is the one writer, and once the book holds
    /// every stored key it can number new ones without asking, on the decoding thread; the
    /// writer stores what it made (`takeMade`) with the batch.
    private var local: (high: Int64, low: Int64, prefix: Int)?
    private var madeKeys: [(key: UsageKey, id: Int64)] = []
    private var madePrefixes: [(prefix: String, id: Int64)] = []

    init(resolver: any UsageKeyResolver) {
        self.resolver = resolver
        scratch.reserveCapacity(256)
    }

    /// Reads every stored key and prefix and numbers new ones itself from now on; false (and
    /// nothing changes) when the dictionary is too large to hold.
    func numberLocally(prefixes stored: [(String, UInt8)]) throws -> Bool {
        guard let keys = try resolver.storedKeys(limit: Self.preloadLimit) else { complete = false; return false }
        var high: Int64 = 0, low: Int64 = 0
        for (key, id) in keys {
            fill(key)
            if entry() == nil { remember(scratch, id: id) }
            high = max(high, id)
            low = min(low, id)
        }
        complete = true
        for (prefix, id) in stored { prefixes[Array(prefix.utf8)] = id }
        local = (high, low, Int(stored.map(\.1).max() ?? 0))
        return true
    }

    /// The keys and prefixes numbered since the last call, for the writer to store.
    func takeMade() -> (keys: [(key: UsageKey, id: Int64)], prefixes: [(prefix: String, id: Int64)]) {
        defer { madeKeys.removeAll(); madePrefixes.removeAll() }
        return (madeKeys, madePrefixes)
    }

    private func preload() throws {
        guard complete == nil else { return }
        guard let stored = try resolver.storedKeys(limit: Self.preloadLimit) else { complete = false; return }
        for (key, id) in stored {
            fill(key)
            if entry() == nil { remember(scratch, id: id) }
        }
        complete = true
    }

    /// `scratch` = the key's cells as the batch's rows give them.
    private func fill(_ key: UsageKey) {
        scratch.removeAll(keepingCapacity: true)
        for v in key.values {
            var length = UInt32(v.utf8.count)
            withUnsafeBytes(of: &length) { scratch.append(contentsOf: $0) }
            scratch.append(contentsOf: v.utf8)
        }
    }

    /// Key ids for `rows` of `batch` (in order), and their request ids' stored forms, appended to
    /// `ids` with `idStarts` marking each (one extra entry closes the last).
    func encode(_ batch: UsageEventBatch, rows: some Sequence<Int>) throws -> (keys: [Int64], ids: [UInt8], idStarts: [Int32]) {
        var keyIDs: [Int64] = []
        var missing: [(row: Int, slot: Int)] = []
        var wanted: [UsageKey] = []
        // By bytes: Swift's String equality is Unicode's, the stores' is bytes.
        var wantedAt: [[UInt8]: Int] = [:]
        var blob: [UInt8] = []
        var blobStarts: [Int32] = [0]
        try preload()
        try batch.text.withUnsafeBytes { text in
            try batch.starts.withUnsafeBufferPointer { starts in
                try batch.ints.withUnsafeBufferPointer { ints in
                    let base = text.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!
                    var cells = [(UnsafeRawPointer?, Int)](repeating: (nil, 0), count: UsageEventBatch.textsPerRow)
                    for row in rows {
                        batch.withCells(row: row, base: base, starts: starts, ints: ints,
                                        text: { i, p, n in cells[i] = (p, n) }, int: { _, _ in })
                        // Request id (cell 0).
                        let id = UnsafeRawBufferPointer(start: cells[0].0, count: cells[0].1)
                        let hexStart = StoredRequestID.hexStart(id)
                        var prefixID: UInt8?
                        if let h = hexStart {
                            let same = lastPrefixID != nil && lastPrefix.count == h && lastPrefix.withUnsafeBytes { last in
                                h == 0 || memcmp(last.baseAddress!, id.baseAddress!, h) == 0
                            }
                            if same, let known = lastPrefixID {
                                prefixID = known
                            } else {
                                let prefix = Array(id[..<h])
                                if let known = prefixes[prefix] { prefixID = known } else {
                                    let text = String(decoding: prefix, as: UTF8.self)
                                    let made: UInt8?
                                    if var l = local {
                                        if l.prefix < StoredRequestID.maximumPrefixID {
                                            l.prefix += 1
                                            made = UInt8(l.prefix)
                                            madePrefixes.append((text, Int64(l.prefix)))
                                        } else {
                                            made = nil
                                        }
                                        local = l
                                    } else {
                                        made = try resolver.prefixID(text)
                                    }
                                    prefixes[prefix] = made
                                    prefixID = made
                                }
                                lastPrefix = prefix
                                lastPrefixID = .some(prefixID)
                            }
                        }
                        StoredRequestID.append(id, hexStart: hexStart, prefixID: prefixID, to: &blob)
                        blobStarts.append(Int32(blob.count))
                        // Key: customer, provider, model, tier, status, api key, upstream, service
                        // (cells 1, 2, 3, 4, 5, 6, 7, 8).
                        scratch.removeAll(keepingCapacity: true)
                        for c in 1...8 {
                            let (p, n) = cells[c]
                            var length = UInt32(n)
                            withUnsafeBytes(of: &length) { scratch.append(contentsOf: $0) }
                            if let p, n > 0 { scratch.append(contentsOf: UnsafeRawBufferPointer(start: p, count: n)) }
                        }
                        if let known = find() {
                            keyIDs.append(known)
                        } else if var l = local {
                            let key = UsageKey((1...8).map { c in
                                let (p, n) = cells[c]
                                return p.map { String(decoding: UnsafeRawBufferPointer(start: $0, count: n), as: UTF8.self) } ?? ""
                            })
                            let id: Int64
                            if key.hasService { l.low -= 1; id = l.low } else { l.high += 1; id = l.high }
                            local = l
                            remember(scratch, id: id)
                            madeKeys.append((key, id))
                            keyIDs.append(id)
                        } else {
                            let key = UsageKey((1...8).map { c in
                                let (p, n) = cells[c]
                                return p.map { String(decoding: UnsafeRawBufferPointer(start: $0, count: n), as: UTF8.self) } ?? ""
                            })
                            let slot: Int
                            if let s = wantedAt[scratch] { slot = s } else {
                                slot = wanted.count
                                wanted.append(key)
                                wantedAt[scratch] = slot
                                remember(scratch, id: Int64.min)
                            }
                            missing.append((keyIDs.count, slot))
                            keyIDs.append(0)
                        }
                    }
                }
            }
        }
        if !wanted.isEmpty {
            let made = try resolver.ids(of: wanted, new: complete == true)
            for (at, slot) in missing { keyIDs[at] = made[slot] }
            // The placeholders remembered above get their ids.
            for (slot, key) in wanted.enumerated() {
                fill(key)
                setID(made[slot])
            }
        }
        return (keyIDs, blob, blobStarts)
    }

    /// The id of the key in `scratch`, if met before (placeholders excluded).
    private func find() -> Int64? {
        guard let e = entry() else { return nil }
        let id = ids[e]
        return id == Int64.min ? nil : id
    }

    private func entry() -> Int? {
        let hash = scratch.withUnsafeBytes { RecentRequestIDs.hash($0) }
        var e = heads[hash].map(Int.init) ?? -1
        while e >= 0 {
            let length = starts[e + 1] - starts[e]
            if length == scratch.count {
                let same = arena.withUnsafeBytes { a in scratch.withUnsafeBytes { s in
                    length == 0 || memcmp(a.baseAddress! + starts[e], s.baseAddress!, length) == 0
                } }
                if same { return e }
            }
            e = Int(next[e])
        }
        return nil
    }

    private func remember(_ bytes: [UInt8], id: Int64) {
        let hash = bytes.withUnsafeBytes { RecentRequestIDs.hash($0) }
        next.append(heads[hash] ?? -1)
        heads[hash] = Int32(ids.count)
        arena.append(contentsOf: bytes)
        starts.append(arena.count)
        ids.append(id)
    }

    private func setID(_ id: Int64) {
        if let e = entry() { ids[e] = id } else { remember(scratch, id: id) }
    }
}

/// The resolver both stores share: the same SQL, but for how a new id is chosen. SQLite
/// counts on from the highest (or lowest) id inside the load's transaction; PostgreSQL takes
/// the sequence's next number and lets a key another load made first win (ON CONFLICT), then
/// reads back what is there.
final class SQLUsageKeyResolver: UsageKeyResolver {
    let sql: any SQLExecutor
    private let postgres: Bool

    init(_ sql: any SQLExecutor) {
        self.sql = sql
        postgres = sql is PGConnection
    }

    func ids(of keys: [UsageKey], new: Bool) throws -> [Int64] {
        if let pg = sql as? PGConnection { return try stagedIDs(of: keys, pg) }
        if let lite = sql as? SQLiteConnection { return try lookedUpIDs(of: keys, new: new, lite) }
        throw StoreError("usage keys: unknown store")
    }

    func storedKeys(limit: Int) throws -> [(UsageKey, Int64)]? {
        guard try sql.fetch("SELECT COUNT(*) FROM usage_keys", [])[0].int(0) <= limit else { return nil }
        var out: [(UsageKey, Int64)] = []
        try sql.fetchEach("SELECT id, \(UsageKey.columns.joined(separator: ", ")) FROM usage_keys", []) { r in
            out.append((UsageKey((1...8).map { r.text($0) }), r.int(0)))
        }
        return out
    }

    /// SQLite: one prepared index lookup per key, new keys numbered on from the highest (lowest
    /// for service keys) id: the load's transaction is the only writer.
    private func lookedUpIDs(of keys: [UsageKey], new: Bool, _ db: SQLiteConnection) throws -> [Int64] {
        let find = try db.prepare("SELECT id FROM usage_keys WHERE " + UsageKey.columns.map { "\($0) = ?" }.joined(separator: " AND "))
        let insert = try db.prepare("INSERT INTO usage_keys(id, \(UsageKey.columns.joined(separator: ", "))) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
        var high: Int64?, low: Int64 = 0
        return try keys.map { k in
            for (i, v) in k.values.enumerated() { find.bind(i + 1, v) }
            if !new, try find.step() {
                let id = find.int(0)
                _ = try find.step()
                return id
            }
            if high == nil {
                let bounds = try sql.fetch("SELECT COALESCE(MAX(id), 0), COALESCE(MIN(id), 0) FROM usage_keys", [])[0]
                high = max(bounds.int(0), 0)
                low = min(bounds.int(1), 0)
            }
            let id: Int64
            if k.hasService { low -= 1; id = low } else { high! += 1; id = high! }
            insert.bind(1, id)
            for (i, v) in k.values.enumerated() { insert.bind(i + 2, v) }
            _ = try insert.step()
            return id
        }
    }

    /// PostgreSQL: a batch's keys sent as eight arrays, the missing ones inserted (in key order,
    /// so that two loads adding the same keys take their locks in one order; a key another load
    /// made first is left to it) and every id read back, in one statement. A key another load
    /// committed after the statement's snapshot is read again by a second.
    private func stagedIDs(of keys: [UsageKey], _ pg: PGConnection) throws -> [Int64] {
        let columns = UsageKey.columns.joined(separator: ", ")
        // The dictionary compares bytes ("C"); the arrays' text is the database's default collation.
        let match = { (a: String, b: String) in UsageKey.columns.map { "\(a).\($0) = \(b).\($0) COLLATE \"C\"" }.joined(separator: " AND ") }
        let arrays = (0..<8).map { c in Self.arrayLiteral(keys.map { $0.values[c] }) }
        let unnest = "unnest(" + (1...8).map { "$\($0)::text[]" }.joined(separator: ", ") + ") WITH ORDINALITY AS u(\(columns), ord)"
        // Each key is looked up by a scalar subquery: an index probe, which no planner turns into
        // a hash of the whole dictionary (as it would a join or NOT EXISTS, not knowing how few
        // keys a batch has).
        let known = "(SELECT k.id FROM usage_keys k WHERE \(match("k", "u")))"
        let rows = try pg.query("""
            WITH s AS (SELECT u.*, \(known) AS known FROM \(unnest)),
            made AS (
                INSERT INTO usage_keys(id, \(columns))
                SELECT CASE WHEN s.service_id = '' THEN nextval('usage_keys_id_seq') ELSE -nextval('usage_keys_id_seq') END,
                       \(UsageKey.columns.map { "s.\($0)" }.joined(separator: ", "))
                FROM s WHERE s.known IS NULL
                ORDER BY \(columns)
                ON CONFLICT DO NOTHING
                RETURNING id, \(columns))
            SELECT s.ord, COALESCE(s.known, m.id) FROM s LEFT JOIN made m ON \(match("m", "s"))
            """, arrays)
        var ids = [Int64?](repeating: nil, count: keys.count)
        for r in 0..<rows.count {
            guard let ord = rows.text(r, 0).flatMap({ Int($0) }), ord >= 1, ord <= ids.count else { continue }
            ids[ord - 1] = rows.text(r, 1).flatMap { Int64($0) }
        }
        let raced = ids.indices.filter { ids[$0] == nil }
        if !raced.isEmpty {
            let again = try pg.query("SELECT u.ord, \(known) FROM \(unnest)",
                                     (0..<8).map { c in Self.arrayLiteral(raced.map { keys[$0].values[c] }) })
            for r in 0..<again.count {
                guard let ord = again.text(r, 0).flatMap({ Int($0) }), ord >= 1, ord <= raced.count else { continue }
                ids[raced[ord - 1]] = again.text(r, 1).flatMap { Int64($0) }
            }
        }
        return try ids.enumerated().map { i, id in
            guard let id else { throw StoreError("usage_keys has no row for \(keys[i].values) after adding it; run the load again") }
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
