/// The `summary` of a report (`shared/spec/cli.md`, JSON report).
package struct ReportSummary: Sendable, Equatable {
    /// Records read; always `processed + failed`.
    package var records: Int
    /// Records processed.
    package var processed: Int
    /// Records failed.
    package var failed: Int
    /// Requests sent (or, in a dry run, planned).
    package var requests: Int
    /// Where updates went, e.g. `store:findings.sqlite`, `securityhub`, or `none (dry run)`.
    package var target: String
    /// Input names as given (`-` for stdin).
    package var inputs: [String]
    /// RFC 3339 UTC with milliseconds.
    package var startedAt: String
    /// RFC 3339 UTC with milliseconds.
    package var finishedAt: String
    /// Whether nothing was applied (`validate`, `apply --dry-run`).
    package var dryRun: Bool
    /// Failed records by error code, codes sorted by name.
    package var errors: [(code: String, count: Int)]
    /// Whether the run was interrupted (SIGINT/SIGTERM) before every record was read.
    package var interrupted: Bool

    /// Creates a summary.
    package init(
        records: Int, processed: Int, failed: Int, requests: Int, target: String, inputs: [String],
        startedAt: String, finishedAt: String, dryRun: Bool, errors: [(code: String, count: Int)],
        interrupted: Bool = false
    ) {
        self.records = records
        self.processed = processed
        self.failed = failed
        self.requests = requests
        self.target = target
        self.inputs = inputs
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.dryRun = dryRun
        self.errors = errors
        self.interrupted = interrupted
    }

    package static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.records == rhs.records && lhs.processed == rhs.processed && lhs.failed == rhs.failed
            && lhs.requests == rhs.requests && lhs.target == rhs.target && lhs.inputs == rhs.inputs
            && lhs.startedAt == rhs.startedAt && lhs.finishedAt == rhs.finishedAt && lhs.dryRun == rhs.dryRun
            && lhs.errors.map(\.code) == rhs.errors.map(\.code) && lhs.errors.map(\.count) == rhs.errors.map(\.count)
            && lhs.interrupted == rhs.interrupted
    }
}

/// One report entry: a record's finding, its outcome and where it came from.
package struct ReportEntry: Sendable {
    /// `Id`, if the record had one.
    package var id: String?
    /// `ProductArn`, if the record had one.
    package var productArn: String?
    /// The input's name.
    package var input: String
    /// 1-based line.
    package var line: Int
    /// Error code and message; nil when processed.
    package var failure: (code: String, message: String)?

    /// Creates an entry.
    package init(id: String?, productArn: String?, input: String, line: Int, failure: (code: String, message: String)?) {
        self.id = id
        self.productArn = productArn
        self.input = input
        self.line = line
        self.failure = failure
    }
}
