#if canImport(Glibc)
import Glibc
#endif

/// The last `capacity` request ids of a file, to leave a repeated line out of a COPY before
/// the server's unique key has to reject it.
///
/// Ids are kept as bytes in fixed slots, found by a 64-bit hash and then compared byte for byte,
/// so a hash collision never drops an event; an id longer than a slot is never matched (the
/// server's key still decides). No `String` is made per row: this runs for every event.
struct RecentRequestIDs {
    static let slotBytes = 64
    let capacity: Int
    private var bytes: [UInt8]
    private var lengths: [Int]
    private var hashes: [UInt64]
    private var slotOf: [UInt64: Int32] = [:]
    private var head = 0, filled = 0

    init(capacity: Int) {
        self.capacity = capacity
        bytes = [UInt8](repeating: 0, count: capacity * Self.slotBytes)
        lengths = [Int](repeating: -1, count: capacity)
        hashes = [UInt64](repeating: 0, count: capacity)
        slotOf.reserveCapacity(capacity)
    }

    /// Adds `id`; false when it is among the recent ids already.
    mutating func insert(_ id: UnsafeRawBufferPointer) -> Bool {
        let hash = Self.hash(id)
        if let slot = slotOf[hash].map(Int.init), lengths[slot] == id.count, id.count <= Self.slotBytes {
            let same = bytes.withUnsafeBytes { stored in
                id.isEmpty || memcmp(stored.baseAddress! + slot * Self.slotBytes, id.baseAddress!, id.count) == 0
            }
            if same { return false }
        }
        if filled == capacity {
            if slotOf[hashes[head]] == Int32(head) { slotOf.removeValue(forKey: hashes[head]) }
        } else {
            filled += 1
        }
        let n = min(id.count, Self.slotBytes)
        bytes.withUnsafeMutableBytes { stored in
            if n > 0 { (stored.baseAddress! + head * Self.slotBytes).copyMemory(from: id.baseAddress!, byteCount: n) }
        }
        lengths[head] = id.count <= Self.slotBytes ? id.count : -1
        hashes[head] = hash
        slotOf[hash] = Int32(head)
        head = (head + 1) % capacity
        return true
    }

    /// FNV-1a over 8-byte words, then a final mix.
    static func hash(_ b: UnsafeRawBufferPointer) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        var i = 0
        while i + 8 <= b.count {
            h = (h ^ b.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0x0000_0100_0000_01b3
            h ^= h >> 29
            i += 8
        }
        while i < b.count {
            h = (h ^ UInt64(b[i])) &* 0x0000_0100_0000_01b3
            i += 1
        }
        h ^= UInt64(b.count)
        h ^= h >> 33
        h = h &* 0xff51_afd7_ed55_8ccd
        return h ^ (h >> 33)
    }
}
