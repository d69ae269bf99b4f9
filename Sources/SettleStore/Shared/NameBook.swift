#if canImport(Glibc)
import Glibc
#endif

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
                        memcmp(UsageEventBatch.base(a) + starts[e], UsageEventBatch.base(s), length) == 0
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
