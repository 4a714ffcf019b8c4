/// The two clocks a job reads, injected so that tests drive them: every reading of the time in
/// the pipeline goes through one of these.
///
/// - ``monotonicMilliseconds``: pacing (each Region's rate), backoffs, timeouts and durations.
///   It never goes back and never jumps with the date (NTP, a user setting the clock), so a rate
///   or a wait measured on it is right whatever the date does.
/// - ``wallMilliseconds``: the date, for what a person or another system reads: the journal's
///   and the report's stamps, the JUnit `timestamp`, a `Note.UpdatedAt`, a SigV4 signing date.
///
/// The pure core never reads the time itself: it is handed readings of these (the system's in
/// `JobClock.system`, TriageIO; a manual one in tests).
public struct JobClock: Sendable {
    /// Milliseconds of a monotonic clock (its origin is arbitrary: only differences mean anything).
    public let monotonicMilliseconds: @Sendable () -> Int64
    /// Milliseconds since 1970-01-01T00:00:00Z.
    public let wallMilliseconds: @Sendable () -> Int64

    /// A clock pair from its two readings.
    public init(
        monotonicMilliseconds: @escaping @Sendable () -> Int64, wallMilliseconds: @escaping @Sendable () -> Int64
    ) {
        self.monotonicMilliseconds = monotonicMilliseconds
        self.wallMilliseconds = wallMilliseconds
    }
}
