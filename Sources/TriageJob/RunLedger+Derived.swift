import TriageCore
import TriageIO

/// What is said of a run besides its counts: the summary's and the result's other members.
struct RunFacts: Sendable {
    /// Where updates went, e.g. `store:findings.sqlite`, `securityhub`, or `none (dry run)`.
    var target: String
    /// Input names as given (`-` for stdin), by the index a ``SourceLocation`` gives.
    var inputs: [String]
    /// RFC 3339 UTC with milliseconds.
    var startedAt: String
    /// RFC 3339 UTC with milliseconds.
    var finishedAt: String
    /// Whether nothing was applied (`validate`, `apply --dry-run`).
    var dryRun = false
    /// Whether the run the records belong to stopped before every record had an outcome.
    var interrupted = false
    /// In a rehearsal, what would change; nil otherwise.
    var wouldChange: [MemberChange]?
    /// A remote target's retries, throttles and Regions (planned ones in a dry run); nil otherwise.
    var remote: RemoteStatistics?
    /// The shard the run kept (`--shard`); nil for every record.
    var shard: Shard?
    /// A merged report's shards' figures; nil otherwise.
    var shards: [ShardSummary]?
}

/// The three things made of a run's counts, each by one function: the report's summary, the
/// journal's `end` entry, and the run's result.
extension RunLedger {
    /// The report's `summary`.
    func summary(_ facts: RunFacts) -> ReportSummary {
        var summary = ReportSummary(
            records: records, processed: processed, failed: failed, requests: requests, target: facts.target,
            inputs: facts.inputs, startedAt: facts.startedAt, finishedAt: facts.finishedAt, dryRun: facts.dryRun,
            errors: errors, interrupted: facts.interrupted, remaining: remaining)
        summary.wouldChange = facts.wouldChange
        summary.remote = facts.remote
        summary.shard = facts.shard
        summary.shards = facts.shards
        return summary
    }

    /// The journal's `end` entry: how the run ended, and the inputs' reading times `triage
    /// report` renders the JUnit suites with. `reported`: whether the run's reports were written.
    func journalEnd(_ facts: RunFacts, reported: Bool) -> JournalEnd {
        var end = JournalEnd(
            finishedAt: facts.finishedAt, interrupted: facts.interrupted, remaining: remaining, reported: reported,
            inputTimes: facts.inputs.indices.map { index in
                let counts = self[input: index]
                return .init(startedAt: counts.startedAt, finishedAt: counts.finishedAt)
            })
        end.remote = facts.remote
        return end
    }

    /// The run's result, for the executable: counts, the first failures, why it stopped early
    /// (nil: it did not, or this run only renders another's records) and its duration. The
    /// caller adds what it alone knows (outputs that failed, the journal, notes).
    func result(
        _ facts: RunFacts, stop: StopReason?, seconds: Double, reports: [(kind: String, path: String)] = []
    ) -> RunResult {
        var result = RunResult(
            records: records, processed: processed, failed: failed, requests: requests, seconds: seconds,
            reports: reports, errors: errors)
        result.requestsSent = facts.dryRun ? 0 : requestsThisRun
        result.remaining = remaining
        result.stop = stop
        result.firstFailures = sample.entries
        result.inputs = facts.inputs
        result.wouldChange = facts.wouldChange?.map(\.line)
        result.remote = facts.remote
        return result
    }
}
