import TriageCore
import TriageIO

#if canImport(Glibc)
import Glibc
#endif

/// `triage report JOURNAL ...`: the reports of one or more runs, rendered from their journals.
///
/// Rendering one run's journal gives the reports that run wrote, byte for byte: the summary's
/// times, counts and `remaining` and the JUnit suites' timestamps come from the journal, not from
/// the clock. A journal appended to by `--resume` holds several runs over the same inputs: their
/// records are merged by sequence number, and the summary is the last run's (its `startedAt`,
/// `finishedAt`; `requests` counts every run's). Several journals (shards, or a series of nightly
/// runs) are merged in the order given, each keeping its own inputs; the summary then spans them.
/// Reading a journal holds its records in memory (about 200 bytes each) to put them in input order.
public enum JournalReportJob {
    /// Renders the reports; returns the run summary as `apply` would.
    public static func run(
        journals: [String], reportPath: String?, junitPath: String?, temporaryDirectory: String
    ) throws(JobError) -> RunResult {
        let started = SystemClock.nowMilliseconds()
        for (kind, path) in [("report", reportPath), ("junit", junitPath)] {
            if let path, path != "-" { try RunSetup.checkOutput(path, kind: kind) }
        }
        var inputs: [String] = []
        var targets: [String] = []
        var startedAt: String?
        var finishedAt: String?
        var inputTimes: [JournalEnd.InputTime] = []
        var requests = 0
        var interrupted = false
        var remaining = 0
        var merged: [JournalRecord] = []
        for path in journals {
            let runs: [JournalReader.Run]
            do {
                runs = try JournalReader.read(path: path)
            } catch {
                throw JobError(.badInput, "\(error)")
            }
            guard let first = runs.first, let last = runs.last else {
                throw JobError(.badInput, "\(path): not a triage journal (no run entry)")
            }
            var bySequence: [Int: JournalRecord] = [:]
            for run in runs {
                requests += run.requests
                for record in run.readFailures + run.records { bySequence[record.sequence] = record }
            }
            interrupted = interrupted || !last.ended || last.interrupted
            remaining += last.end?.remaining ?? 0
            let base = inputs.count
            inputs += first.header.inputs
            let times = last.end?.inputTimes ?? []
            inputTimes += first.header.inputs.indices.map { index in
                index < times.count ? times[index] : .init(startedAt: 0, finishedAt: 0)
            }
            if !targets.contains(first.header.target) { targets.append(first.header.target) }
            // RFC 3339 UTC with milliseconds, all of one width: text order is time order.
            startedAt = min(startedAt ?? last.header.startedAt, last.header.startedAt)
            if let end = last.end?.finishedAt { finishedAt = max(finishedAt ?? end, end) }
            merged += bySequence.keys.sorted().map { sequence in
                var record = bySequence[sequence]!
                record.input += base
                return record
            }
        }
        let spool = try RunSetup.createSpool(in: temporaryDirectory, kind: "report-spool")
        defer { spool.remove() }
        var tally = RunTally(inputCount: inputs.count)
        tally.setTimes(inputTimes)
        do {
            for record in merged {
                try spool.append(
                    SpooledRecord(
                        input: record.input, line: record.line, id: record.id, productArn: record.productArn,
                        outcome: record.outcome))
                tally.countRecord(input: record.input)
                tally.count(record.outcome, input: record.input)
            }
        } catch {
            throw JobError(.output, "cannot write the record spool: \(error)")
        }
        let finished = SystemClock.nowMilliseconds()
        let summary = ReportSummary(
            records: tally.records, processed: tally.processed, failed: tally.failed, requests: requests,
            target: targets.joined(separator: " "), inputs: inputs,
            startedAt: startedAt ?? Timestamp.rfc3339(milliseconds: started),
            finishedAt: finishedAt ?? Timestamp.rfc3339(milliseconds: finished), dryRun: false, errors: tally.errors,
            interrupted: interrupted, remaining: remaining)
        let renderer = ReportRenderer(spool: spool, summary: summary, tally: tally, appliedOutcome: { _ in .processed })
        var result = RunResult(
            records: summary.records, processed: summary.processed, failed: summary.failed, requests: requests,
            seconds: Double(finished - started) / 1000, reports: [], errors: summary.errors)
        result.inputs = inputs
        result.remaining = remaining
        let rendered = renderer.writeAll(jsonPath: reportPath, junitPath: junitPath)
        result.reports = rendered.written
        result.outputFailures = rendered.failures.map { "\($0)" }
        return result
    }
}
