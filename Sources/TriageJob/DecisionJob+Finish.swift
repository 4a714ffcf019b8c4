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
        let finishedAt = configuration.clock.wallMilliseconds()
        var counts = intake.finalCounts()
        counts.earlierRequests = setup.resumed?.requests ?? 0
        counts.requestsThisRun = sent
        let interrupted = !readAll || counts.remaining > 0
        let facts = RunFacts(
            target: setup.targetName, inputs: setup.catalog.entries.map(\.name),
            startedAt: Timestamp.rfc3339(milliseconds: setup.startedAt),
            finishedAt: Timestamp.rfc3339(milliseconds: finishedAt), dryRun: configuration.dryRun,
            interrupted: interrupted, wouldChange: configuration.target?.rehearsalChanges, remote: remote,
            shard: configuration.shard)

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
                    records: .spool(spool), summary: counts.summary(facts), counts: counts, now: finishedAt,
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
        if setup.ledger.isJournaling {
            do {
                try setup.ledger.closeJournal(counts.journalEnd(facts, reported: outputFailures.isEmpty))
            } catch {
                outputFailures.append("the journal could not be closed: \(error)")
                journalIncomplete = true
            }
        }

        // The first reason asked for; a stop nobody asked for is the target's (or, without lane
        // stops, reading cut short).
        let stop = interrupted ? stop.requestedReason ?? (laneStops.isEmpty ? .signal : .targetFailed) : nil
        var result = counts.result(
            facts, stop: stop,
            seconds: Double(configuration.clock.monotonicMilliseconds() - setup.startedMonotonic) / 1000,
            reports: reports)
        result.targetStops = laneStops
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
