import TriageCore
import TriageIO

/// What a run of `validate`, `apply` or `report` did: its counts (made of its ``RunLedger``), how
/// it ended, and the files it wrote. The executable decides the exit status from it, once.
public struct RunResult: Sendable {
    /// Records with an outcome: `records = processed + failed`.
    public var records: Int
    /// Records processed.
    public var processed: Int
    /// Records failed.
    public var failed: Int
    /// Requests sent (or, in a dry run, planned), counting the earlier runs of a resumed one.
    public var requests: Int
    /// Requests this run sent to the target (0 in a dry run): whether anything was applied.
    public var requestsSent: Int = 0
    /// Records read but left without an outcome because the run stopped early (for `--resume`).
    public var remaining: Int = 0
    /// Why the run stopped early; nil when it went to the end of its inputs.
    public var stop: StopReason?
    /// Seconds from start to end.
    public var seconds: Double
    /// Reports written, as (kind, path).
    public var reports: [(kind: String, path: String)]
    /// Failed records by code.
    public var errors: ErrorCounts
    /// The first failures in input order, for stderr (each outcome a failure).
    public var firstFailures: [RecordOutcome] = []
    /// Input names, as the failures' `input` indexes name them.
    public var inputs: [String] = []
    /// Outputs that could not be written (journal, report, spool), one line each, naming the
    /// file and the reason. Not empty: exit status 4 when requests were sent, 2 otherwise.
    public var outputFailures: [String] = []
    /// The run's journal, if it kept one.
    public var journalPath: String?
    /// Whether the journal misses batches that were applied (a write failed during the run or at
    /// its end): `--resume` then applies them again.
    public var journalIncomplete = false
    /// In a rehearsal, what would change, one line per member and value
    /// (`Workflow.Status → SUPPRESSED: 340 findings, already so: 12`); nil otherwise.
    public var wouldChange: [String]?
    /// A remote target's retries, throttles and Regions (planned ones in a dry run); nil for the store.
    public var remote: RemoteStatistics?
    /// The Regions where the target failed the run (credentials refused, endpoint failing), in
    /// the order they stopped; not empty: exit status 5.
    public var targetStops: [LaneStop] = []
    /// Things the user should know, one line each (e.g. `--resume` starting afresh).
    public var notes: [String] = []

    /// Whether the run stopped before every record had an outcome.
    public var interrupted: Bool { stop != nil }

    /// Creates a result.
    public init(
        records: Int, processed: Int, failed: Int, requests: Int, seconds: Double,
        reports: [(kind: String, path: String)], errors: ErrorCounts
    ) {
        self.records = records
        self.processed = processed
        self.failed = failed
        self.requests = requests
        self.seconds = seconds
        self.reports = reports
        self.errors = errors
    }
}
