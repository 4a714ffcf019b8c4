/// Why a run stopped before every record it read had an outcome: what ``StopSignal`` carries
/// while the run goes on and what ``RunResult/stop`` says once it ended. The records left without
/// an outcome are counted in `remaining`, for `--resume`.
public enum StopReason: UInt8, Sendable, Equatable {
    /// SIGINT or SIGTERM (or a caller's request): exit status 3.
    case signal = 1
    /// The journal could not be written; nothing more was sent (exit status 4, or 2 when
    /// nothing was sent).
    case journalFailed = 2
    /// The record spool (what the reports are made of) could not be written; nothing more was
    /// sent.
    case spoolFailed = 3
    /// The target failed the run (``RunResult/targetStops``): nothing more was sent where it
    /// failed (exit status 5).
    case targetFailed = 4
}
