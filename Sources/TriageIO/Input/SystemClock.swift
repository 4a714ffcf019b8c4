import TriageCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The system's clocks: the one place triage reads the time (`CLOCK_MONOTONIC` and
/// `CLOCK_REALTIME`). Everything else is handed a ``JobClock`` (``JobClock/system`` in a real
/// run, a manual clock in tests) or the time itself (`Timestamp` formats it).
package enum SystemClock {
    /// Milliseconds since 1970, UTC (`CLOCK_REALTIME`).
    package static func nowMilliseconds() -> Int64 {
        reading(CLOCK_REALTIME)
    }

    /// Milliseconds of `CLOCK_MONOTONIC`: never goes back, never jumps with the date.
    package static func monotonicMilliseconds() -> Int64 {
        reading(CLOCK_MONOTONIC)
    }

    /// `SystemClock` as a closure, for targets.
    package static let milliseconds: @Sendable () -> Int64 = { nowMilliseconds() }

    private static func reading(_ clock: clockid_t) -> Int64 {
        var spec = timespec()
        clock_gettime(clock, &spec)
        return Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000
    }
}

extension JobClock {
    /// The system's clocks (``SystemClock``).
    public static let system = JobClock(
        monotonicMilliseconds: { SystemClock.monotonicMilliseconds() },
        wallMilliseconds: { SystemClock.nowMilliseconds() })
}
