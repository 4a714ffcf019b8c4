import TriageJob

/// The exit statuses of `docs/contract.md`, decided here and nowhere else.
enum ExitStatus: Int32 {
    /// Every record processed.
    case success = 0
    /// At least one record failed.
    case someFailed = 1
    /// Nothing was applied: a usage or set-up error.
    case notDone = 2
    /// Stopped by SIGINT/SIGTERM after the requests in flight; the journal is saved.
    case interrupted = 3
    /// Decisions were applied, but the journal or a report could not be written.
    case appliedNotRecorded = 4
    /// The target failed the run: credentials refused, or an endpoint unreachable or failing
    /// through its retries. Nothing more was sent there; the records not decided are left for
    /// `--resume` once the cause is fixed.
    case targetFailed = 5

    /// The status of a `validate`, `apply` or `report` run. An output that could not be written
    /// is 4 once anything was sent (2 when nothing was: nothing changed); a stop by a journal or
    /// spool failure is such an output failure.
    static func of(_ result: RunResult) -> ExitStatus {
        if !result.outputFailures.isEmpty { return result.requestsSent > 0 ? .appliedNotRecorded : .notDone }
        if !result.targetStops.isEmpty { return .targetFailed }
        if result.stop == .signal { return .interrupted }
        return result.failed > 0 ? .someFailed : .success
    }

    /// The status of an import: 1 when a finding or document failed.
    static func of(_ result: ImportJob.Result) -> ExitStatus {
        result.failed > 0 ? .someFailed : .success
    }
}
