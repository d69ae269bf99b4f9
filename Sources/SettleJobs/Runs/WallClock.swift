#if canImport(Glibc)
import Glibc
#endif
import SettleCore

/// The wall clock and a stopwatch. Named so that it does not hide the standard library's `Clock`
/// protocol in every file that imports SettleJobs; jobs read the time through `env.clock`.
public enum WallClock {
    public static func now() -> Timestamp {
        if let fixed = fixedNow { return fixed }
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Timestamp(microseconds: Int64(ts.tv_sec) * 1_000_000 + Int64(ts.tv_nsec) / 1000)
    }

    /// `SETTLE_FAKE_NOW=2026-11-01T03:00:00Z` pins the wall clock, for tests that compare the
    /// files of separate runs byte for byte (alerts carry the time they fired).
    static let fixedNow: Timestamp? = {
        guard let v = getenv("SETTLE_FAKE_NOW") else { return nil }
        return Timestamp(rfc3339: String(cString: v))
    }()

    /// Monotonic seconds, for rates and durations.
    public static func monotonic() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}
