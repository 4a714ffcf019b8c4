import TriageCore

/// The `summary` of a report (`docs/contract.md`, JSON report).
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
    /// Failed records by error code.
    package var errors: ErrorCounts
    /// Whether the run stopped early (SIGINT/SIGTERM, or a journal that could not be written):
    /// some records were left without an outcome, for `--resume`.
    package var interrupted: Bool
    /// Records read but left without an outcome because the run stopped early (not counted in
    /// `records`); `--resume` applies exactly these.
    package var remaining: Int
    /// In a rehearsal (`apply --dry-run` against the store), what would change: the report's
    /// `wouldChange`; nil otherwise.
    package var wouldChange: [MemberChange]?
    /// With a remote target (or a dry run planned for one): `retries`, `throttled` and
    /// `regions` (per Region `requests`, `throttled`, `findings`); nil otherwise.
    package var remote: RemoteStatistics?
    /// The shard of a run that kept one (`--shard K/N`): the summary's `shard`; nil otherwise.
    package var shard: Shard?
    /// In a report merged from the journals of a sharded run: each shard's figures, in shard
    /// order (the summary's `shards`); nil otherwise.
    package var shards: [ShardSummary]?

    /// Creates a summary.
    package init(
        records: Int, processed: Int, failed: Int, requests: Int, target: String, inputs: [String],
        startedAt: String, finishedAt: String, dryRun: Bool, errors: ErrorCounts,
        interrupted: Bool = false, remaining: Int = 0
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
        self.remaining = remaining
    }
}
