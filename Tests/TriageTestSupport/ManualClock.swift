import Synchronization
import TriageCore

/// A ``JobClock`` a test moves by hand: both readings stand still until ``advance(byMilliseconds:)``
/// moves them together, so a test of pacing, backoff or timeouts observes them without waiting.
package final class ManualClock: Sendable {
    private let readings: Mutex<(monotonic: Int64, wall: Int64)>

    /// A clock at `monotonic` on the monotonic clock and at `wall` milliseconds since 1970
    /// (2026-01-01T00:00:00Z by default).
    package init(monotonic: Int64 = 1_000_000, wall: Int64 = 1_767_225_600_000) {
        readings = Mutex((monotonic, wall))
    }

    /// The monotonic reading now.
    package var monotonicMilliseconds: Int64 { readings.withLock { $0.monotonic } }

    /// The wall reading now.
    package var wallMilliseconds: Int64 { readings.withLock { $0.wall } }

    /// Moves both clocks forward by `milliseconds`.
    package func advance(byMilliseconds milliseconds: Int64) {
        readings.withLock {
            $0.monotonic += milliseconds
            $0.wall += milliseconds
        }
    }

    /// The clock pair a job reads.
    package var jobClock: JobClock {
        JobClock(
            monotonicMilliseconds: { [self] in monotonicMilliseconds },
            wallMilliseconds: { [self] in wallMilliseconds })
    }
}
