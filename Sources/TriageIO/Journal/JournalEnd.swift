import TriageCore

/// The `end` entry of a run in its journal: how the run ended, and what `triage report` needs to
/// render the very reports the run wrote (its finishing time, the inputs' reading times).
package struct JournalEnd: Sendable, Equatable {
    /// RFC 3339 with milliseconds: the report's `finishedAt`.
    package var finishedAt: String
    /// Whether the run stopped early (signal, journal error): records were left for `--resume`.
    package var interrupted: Bool
    /// Records read but left without an outcome.
    package var remaining: Int
    /// Whether the run's reports were written. A run whose reports could not be written is
    /// resumed like an interrupted one: nothing is applied again and the reports are rendered.
    package var reported: Bool
    /// Per input, when reading it started and ended, in milliseconds since 1970 (0: unknown).
    package var inputTimes: [InputTime]
    /// What a remote target counted (the report summary's `retries`, `throttled`, `regions`,
    /// `accounts`); nil for the store, and in a journal written before it was recorded.
    package var remote: RemoteStatistics?

    /// When one input was read.
    package struct InputTime: Sendable, Equatable {
        /// Milliseconds since 1970.
        package var startedAt: Int64
        /// Milliseconds since 1970.
        package var finishedAt: Int64

        /// Creates a time span.
        package init(startedAt: Int64, finishedAt: Int64) {
            self.startedAt = startedAt
            self.finishedAt = finishedAt
        }
    }

    /// Creates an end entry.
    package init(
        finishedAt: String, interrupted: Bool, remaining: Int = 0, reported: Bool = true, inputTimes: [InputTime] = []
    ) {
        self.finishedAt = finishedAt
        self.interrupted = interrupted
        self.remaining = remaining
        self.reported = reported
        self.inputTimes = inputTimes
    }
}
