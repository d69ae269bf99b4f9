import CSQLite
import Testing
import SettleCore
@testable import SettleStore

/// The latency histogram's buckets, stated once in `DayRollup` and written into the store's SQL
/// from it: both give the same bucket at every boundary, on any store.
@Suite struct LatencyBucketTests {
    static let samples: [Int64] = [0, 1, 99, 100, 101, 999, 1_000, 1_009, 9_999, 10_000, 10_099, 99_999, 100_000, 123_456, 9_999_999]

    @Test func theSQLAndTheSwiftBucketAgree() throws {
        var db: OpaquePointer?
        defer { sqlite3_close(db) }
        #expect(sqlite3_open(":memory:", &db) == SQLITE_OK)
        for ms in Self.samples {
            var stmt: OpaquePointer?
            #expect(sqlite3_prepare_v2(db, "SELECT \(UsagePeriods.latencyBucket) FROM (SELECT \(ms) AS latency_ms)", -1, &stmt, nil) == SQLITE_OK)
            #expect(sqlite3_step(stmt) == SQLITE_ROW)
            #expect(sqlite3_column_int64(stmt, 0) == DayRollup.bucket(ms), "\(ms) ms")
            sqlite3_finalize(stmt)
        }
        #expect(Self.samples.map(DayRollup.bucket) == [0, 1, 99, 100, 100, 990, 1_000, 1_000, 9_900, 10_000, 10_000, 99_000, 100_000, 120_000, 9_990_000])
    }
}
