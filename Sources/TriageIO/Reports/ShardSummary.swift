import TriageCore

/// One shard's figures in the summary of a merged report (`triage report` over the journals of a
/// sharded run): the summary's `shards`, one entry per shard in shard order; the summary's own
/// figures are their total.
package struct ShardSummary: Sendable, Equatable {
    /// The shard.
    package var shard: Shard
    /// The journal it was read from, as given.
    package var journal: String
    /// Records the shard kept and gave an outcome.
    package var records: Int
    /// Of them, processed.
    package var processed: Int
    /// Of them, failed.
    package var failed: Int
    /// Requests the shard sent (all its runs).
    package var requests: Int
    /// Records the shard read but left without an outcome (it stopped early).
    package var remaining: Int
    /// Whether the shard stopped early.
    package var interrupted: Bool
    /// RFC 3339 UTC with milliseconds.
    package var startedAt: String
    /// RFC 3339 UTC with milliseconds.
    package var finishedAt: String
    /// Failed records by error code.
    package var errors: ErrorCounts

    /// Creates a shard's summary.
    package init(
        shard: Shard, journal: String, records: Int, processed: Int, failed: Int, requests: Int, remaining: Int,
        interrupted: Bool, startedAt: String, finishedAt: String, errors: ErrorCounts
    ) {
        self.shard = shard
        self.journal = journal
        self.records = records
        self.processed = processed
        self.failed = failed
        self.requests = requests
        self.remaining = remaining
        self.interrupted = interrupted
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.errors = errors
    }
}
