#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The wall clock: the one place triage reads the time (`CLOCK_REALTIME`). Everything else is
/// given the time (`Timestamp` formats it; targets take a clock).
package enum SystemClock {
    /// Milliseconds since 1970, UTC.
    package static func nowMilliseconds() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000
    }

    /// `SystemClock` as a closure, for targets.
    package static let milliseconds: @Sendable () -> Int64 = { nowMilliseconds() }
}
