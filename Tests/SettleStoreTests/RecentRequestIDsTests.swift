import Testing
@testable import SettleStore

/// The COPY path's window of recent ids: a repeat inside it is left out, an id pushed out of it
/// is not recognised any more (the server's key then decides), and an id too long for a slot
/// is never taken for a repeat.
@Suite struct RecentRequestIDsTests {
    func insert(_ window: inout RecentRequestIDs, _ id: String) -> Bool {
        var id = id
        return id.withUTF8 { window.insert(UnsafeRawBufferPointer($0)) }
    }

    @Test func repeatsInsideTheWindowAreRecognisedAndOthersAreNot() {
        var window = RecentRequestIDs(capacity: 2)
        #expect(insert(&window, "req_a"))
        #expect(insert(&window, "req_b"))
        #expect(!insert(&window, "req_a"), "a repeat inside the window")
        #expect(!insert(&window, "req_b"))
        #expect(insert(&window, "req_ab"), "a longer id sharing a prefix is new")
        #expect(insert(&window, "req_c"))          // pushes req_ab out, then req_b
        #expect(insert(&window, "req_b"), "pushed out of the window: not recognised")
        let long = String(repeating: "x", count: RecentRequestIDs.slotBytes + 10)
        #expect(insert(&window, long))
        #expect(insert(&window, long), "too long for a slot: never taken for a repeat")
        #expect(insert(&window, ""))
        #expect(!insert(&window, ""))
    }
}
