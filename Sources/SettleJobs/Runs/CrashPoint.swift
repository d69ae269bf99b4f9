#if canImport(Glibc)
import Glibc
#endif

/// Fault injection for the crash tests: with `SETTLE_CRASH_AT=NAME` in the environment, the
/// process kills itself with SIGKILL when it reaches the point NAME, exactly as `kill -9`
/// would at that moment. Unset (always, outside the tests), a point costs one comparison.
public enum CrashPoint {
    static let target: String? = {
        guard let v = getenv("SETTLE_CRASH_AT") else { return nil }
        let s = String(cString: v)
        return s.isEmpty ? nil : s
    }()

    public static func reach(_ name: String) {
        guard let target, target == name else { return }
        kill(getpid(), SIGKILL)
    }
}
