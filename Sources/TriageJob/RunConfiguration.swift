import TriageCore
import TriageIO

/// Everything a run of `validate` or `apply` needs, as the executable parsed it.
public struct RunConfiguration: Sendable {
    /// How inputs' formats are chosen.
    public enum FormatChoice: String, Sendable, CaseIterable {
        case auto, ndjson, csv
    }

    /// Which records the JUnit report lists as test cases (`--junit-cases`).
    public enum JUnitCases: String, Sendable, CaseIterable {
        /// One test case per record (failing or passing).
        case all
        /// One failing test case per failed record, and per input one passing test case naming
        /// how many records it processed: a small report for CI however many records a run reads.
        case failed
    }

    /// Input paths in order; `-` is standard input.
    public var inputs: [String]
    /// The process's command-line arguments after the program name, as the operating system
    /// passed them (``commandLineArgumentBytes``), so that inputs whose names are not UTF-8
    /// (`inputs` holds U+FFFD for their ill-formed bytes) open by their real bytes; nil when the
    /// inputs do not come from the command line (then each opens by its UTF-8).
    public var argumentBytes: [[UInt8]]?
    /// `--format`.
    public var format: FormatChoice = .auto
    /// `--batch-size`, 1...100.
    public var batchSize: Int = 100
    /// `--updated-by`: `Note.UpdatedBy` for notes without one.
    public var defaultNoteAuthor: String?
    /// `--report` (`-` = stdout).
    public var reportPath: String?
    /// `--junit`.
    public var junitPath: String?
    /// `--junit-cases`: every record a test case, or only the failed ones plus one per input.
    public var junitCases: JUnitCases = .all
    /// `--metrics`: the Prometheus textfile-collector file (``RunMetrics``), rewritten every
    /// `metricsInterval` seconds during the run; the executable writes the final one.
    public var metricsPath: String?
    /// Seconds between two writes of the metrics file during the run.
    public var metricsInterval: Double = 5
    /// Whether nothing is applied.
    public var dryRun: Bool = true
    /// Where batches go; nil in a dry run.
    public var target: BatchTarget?
    /// The Region of each finding, for a target that sends per Region (also in a dry run, which
    /// then plans per Region); nil for the store.
    public var routing: BatchRouting?
    /// Whether each account's findings go in batches and lanes of their own (`--assume-role`:
    /// each account's role sends them, at that account's quota); also in a dry run, which then
    /// plans per account and Region.
    public var routesByAccount: Bool = false
    /// How reports name the endpoint of a routed run (its JUnit `endpoint` property).
    public var routingEndpoint: String = ""
    /// `--shard K/N` or `--shards N`: this process keeps only the records of its shard (``Shard``;
    /// the others' still take their sequence numbers), and its journal and report name it; nil
    /// keeps every record.
    public var shard: Shard?
    /// `--concurrency`: batches in flight; nil for the target's default.
    public var concurrency: Int?
    /// `--journal`: the durable run journal.
    public var journalPath: String?
    /// `--resume`: skip what the journal records as done.
    public var resume: Bool = false
    /// Where decisions go (the store's file, or Security Hub's endpoint and `--region`): the
    /// journal records it, and `--resume` refuses a journal written for another. Nil: derived
    /// from the target's name.
    package var destination: JournalDestination?
    /// With `resume`: the journal's run may have been over only the first of these inputs (the
    /// inbox appends the files that arrived since an interrupted run to its own).
    public var resumeMayAppendInputs: Bool = false
    /// `--progress`: auto (only on a terminal), always or never.
    public var progress: String = "auto"
    /// `--sort-window`: valid decisions reordered by finding key this many at a time before
    /// batching (``KeyOrderWindow``); 0 plans in input order; nil for the target's default.
    public var keyOrderWindow: Int?
    /// Updates with an open batch at most (memory bound of the planner).
    public var maxOpenGroups: Int = 1024
    /// The longest line or CSV record, in bytes.
    public var maxLineBytes: Int = 1 << 20
    /// Directory for temporary files (the record spool).
    public var temporaryDirectory: String = "/tmp"
    /// Whether SIGINT and SIGTERM stay ignored once the run has ended, until the process exits
    /// (the executable: a signal arriving after the run must not turn its exit status into 130 or
    /// 143); false restores the dispositions the process had before the run (tests, a library).
    public var ignoresStopSignalsAfterRun = false
    /// The clocks the run reads (pacing, timeouts and durations on the monotonic one; stamps on
    /// the wall one): the system's, or a test's.
    package var clock: JobClock = .system

    /// This process's command-line arguments after the program name, byte for byte.
    public static func commandLineArgumentBytes() -> [[UInt8]] {
        InputPath.processArgumentBytes()
    }

    /// Creates a configuration.
    public init(inputs: [String]) {
        self.inputs = inputs
    }
}
