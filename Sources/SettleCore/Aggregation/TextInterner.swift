/// Byte strings to small integers, each distinct string made once.
///
/// A day of events repeats a few thousand customer ids and a few dozen models, providers,
/// tiers and statuses ten million times. Grouping on integers instead of `String`s saves an
/// allocation, a UTF-8 check and a SipHash per field and row: the rollup's hot loop.
public struct TextInterner {
    /// Open addressing: each slot holds an id + 1, or 0 when empty. Power-of-two size.
    private var slots: [Int32]
    private var hashes: [UInt64] = []
    private var starts: [Int] = []
    private var arena: [UInt8] = []
    private var count_ = 0

    public init() { slots = [Int32](repeating: 0, count: 1024) }

    public var count: Int { count_ }

    /// The bytes of an id, valid while the interner is not changed.
    public func withBytes<T>(_ id: Int32, _ body: (UnsafeRawBufferPointer) -> T) -> T {
        let start = starts[Int(id)]
        let end = Int(id) + 1 < starts.count ? starts[Int(id) + 1] : arena.count
        return arena.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[start..<end])) }
    }

    /// The id of `bytes`, adding it when new.
    @inline(__always)
    public mutating func id(_ bytes: UnsafeRawBufferPointer) -> Int32 {
        let hash = Self.hash(bytes)
        var mask = slots.count - 1
        var i = Int(truncatingIfNeeded: hash) & mask
        while true {
            let slot = slots[i]
            if slot == 0 { break }
            let id = Int(slot - 1)
            if hashes[id] == hash && equal(id, bytes) { return Int32(id) }
            i = (i + 1) & mask
        }
        let id = count_
        count_ += 1
        hashes.append(hash)
        starts.append(arena.count)
        arena.append(contentsOf: bytes)
        if (id + 1) * 2 > slots.count {
            grow()
            mask = slots.count - 1
            i = Int(truncatingIfNeeded: hash) & mask
            while slots[i] != 0 { i = (i + 1) & mask }
        }
        slots[i] = Int32(id + 1)
        return Int32(id)
    }

    public mutating func id(_ string: String) -> Int32 {
        var s = string
        return s.withUTF8 { id(UnsafeRawBufferPointer($0)) }
    }

    private func equal(_ id: Int, _ bytes: UnsafeRawBufferPointer) -> Bool {
        let start = starts[id]
        let end = id + 1 < starts.count ? starts[id + 1] : arena.count
        guard end - start == bytes.count else { return false }
        return arena.withUnsafeBytes { a in
            bytes.isEmpty || memcmpEqual(a.baseAddress! + start, bytes.baseAddress!, bytes.count)
        }
    }

    private mutating func grow() {
        var bigger = [Int32](repeating: 0, count: slots.count * 2)
        let mask = bigger.count - 1
        for (id, hash) in hashes.enumerated() {
            var i = Int(truncatingIfNeeded: hash) & mask
            while bigger[i] != 0 { i = (i + 1) & mask }
            bigger[i] = Int32(id + 1)
        }
        slots = bigger
    }

    /// FNV-1a, 8 bytes at a time, then a final mix: the strings are short and not adversarial
    /// (they come from the store, which validated them).
    @inline(__always)
    static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        var i = 0
        let n = bytes.count
        while i + 8 <= n {
            h = (h ^ bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0x0000_0100_0000_01b3
            h ^= h >> 29
            i += 8
        }
        while i < n {
            h = (h ^ UInt64(bytes[i])) &* 0x0000_0100_0000_01b3
            i += 1
        }
        h ^= UInt64(n)
        h ^= h >> 33
        h = h &* 0xff51_afd7_ed55_8ccd
        h ^= h >> 33
        return h
    }
}

@inline(__always)
private func memcmpEqual(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, _ n: Int) -> Bool {
    var i = 0
    while i + 8 <= n {
        if a.loadUnaligned(fromByteOffset: i, as: UInt64.self) != b.loadUnaligned(fromByteOffset: i, as: UInt64.self) { return false }
        i += 8
    }
    while i < n {
        if a.load(fromByteOffset: i, as: UInt8.self) != b.load(fromByteOffset: i, as: UInt8.self) { return false }
        i += 1
    }
    return true
}
