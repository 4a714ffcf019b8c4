import TriageCore
import TriageIO

/// The end of a run: counts, reports, then the journal's `end` entry — in that order, so that a
/// run killed before its reports are in place is resumed (nothing applied again, the reports
/// rendered) rather than taken for finished.
extension DecisionJob {
    func finish(
        _ setup: RunSetup, intake: RecordIntake, readAll: Bool, sent: Int, remote: RemoteStatistics?,
        laneStops: [LaneStop]
    ) -> RunResult {
        let configuration = self.configuration
        let finishedAt = SystemClock.nowMilliseconds()
        let counts = intake.counts(ledger: setup.ledger)
        let interrupted = !readAll || counts.remaining > 0
        let requests = (setup.resumed?.requests ?? 0) + sent
        var summary = ReportSummary(
            records: counts.tally.records, processed: counts.tally.processed, failed: counts.tally.failed,
            requests: requests, target: setup.targetName, inputs: setup.catalog.entries.map(\.name),
            startedAt: Timestamp.rfc3339(milliseconds: setup.startedAt),
            finishedAt: Timestamp.rfc3339(milliseconds: finishedAt), dryRun: configuration.dryRun,
            errors: counts.tally.errors, interrupted: interrupted, remaining: counts.remaining)
        let changes = configuration.target?.rehearsalChanges
        summary.wouldChange = changes
        summary.remote = remote

        var outputFailures: [String] = []
        var journalIncomplete = false
        if let error = setup.ledger.journalError {
            outputFailures.append("the journal could not be written: \(error)")
            journalIncomplete = true
        }
        var reports: [(kind: String, path: String)] = []
        if let spool = setup.spool {
            if let error = intake.spoolError {
                outputFailures.append("no report was written: the record spool could not be written: \(error)")
            } else {
                let ledger = setup.ledger
                let renderer = ReportRenderer(
                    spool: spool, summary: summary, tally: counts.tally,
                    appliedOutcome: { sequence in
                        configuration.target == nil ? .processed : ledger.outcome(sequence)
                    })
                let rendered = renderer.writeAll(
                    jsonPath: configuration.reportPath, junitPath: configuration.junitPath,
                    junitCases: configuration.junitCases)
                reports = rendered.written
                outputFailures += rendered.failures.map { "\($0)" }
            }
        }
        let reported = outputFailures.isEmpty
        if setup.ledger.isJournaling {
            let end = JournalEnd(
                finishedAt: summary.finishedAt, interrupted: interrupted, remaining: counts.remaining,
                reported: reported,
                inputTimes: counts.tally.inputs.map { .init(startedAt: $0.startedAt, finishedAt: $0.finishedAt) })
            do {
                try setup.ledger.closeJournal(end)
            } catch {
                outputFailures.append("the journal could not be closed: \(error)")
                journalIncomplete = true
            }
        }

        var result = RunResult(
            records: summary.records, processed: summary.processed, failed: summary.failed, requests: requests,
            seconds: Double(finishedAt - setup.startedAt) / 1000, reports: reports, errors: summary.errors)
        result.requestsSent = configuration.dryRun ? 0 : sent
        result.remaining = counts.remaining
        if interrupted {
            result.stop =
                switch stop.requestedReason {
                case .journalFailed?: .journalFailed
                case .spoolFailed?: .spoolFailed
                case .signal?: .signal
                case nil: laneStops.isEmpty ? .signal : .targetFailed
                }
        }
        result.targetStops = laneStops
        result.firstFailures = counts.sample.entries
        result.wouldChange = changes?.map(\.line)
        result.inputs = summary.inputs
        result.remote = remote
        result.outputFailures = outputFailures
        result.journalPath = configuration.dryRun ? nil : configuration.journalPath
        result.journalIncomplete = journalIncomplete
        if let afresh = setup.startedAfresh, let path = configuration.journalPath {
            switch afresh {
            case .finished:
                result.notes.append("--resume: the journal \(path) records a run that finished; starting afresh")
            case .missing:
                result.notes.append("--resume: there is no journal at \(path) (nothing to resume); starting afresh")
            }
        }
        return result
    }
}
