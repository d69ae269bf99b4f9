/// Hands memory freed by one step of a long run back to the system before the next begins.
///
/// glibc keeps what a step freed for later allocations, and the next step's objects are rarely
/// the same size, so each step of a night at a million customers (ingest's day sums, aggregate's
/// periods, alerts' totals) added its own peak on top of the last one's leftovers.
enum FreedMemory {
    static func release() {
        #if os(Linux)
        _ = glibcMallocTrim(0)
        #endif
    }
}

#if os(Linux)
/// `malloc_trim` of `<malloc.h>`, which the Glibc module does not export.
@_silgen_name("malloc_trim")
private func glibcMallocTrim(_ pad: UInt) -> Int32
#endif
