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
        try run(
            journals: journals, reportPath: reportPath, junitPath: junitPath, temporaryDirectory: temporaryDirectory,
            clock: .system)
    }

    /// Renders the reports reading the time from `clock` (the fallbacks of a journal that lacks
    /// its times, and the duration).
    package static func run(
        journals: [String], reportPath: String?, junitPath: String?, temporaryDirectory: String, clock: JobClock
    ) throws(JobError) -> RunResult {
        let started = clock.monotonicMilliseconds()
        for (kind, path) in [("report", reportPath), ("junit", junitPath)] {
            if let path, path != "-" { try RunSetup.checkOutput(path, kind: kind) }
        }
        var inputs: [String] = []
        var targets: [String] = []
        var startedAt: String?
        var finishedAt: String?
        var interrupted = false
        var merged: [RecordOutcome] = []
        // `triage report` prints no failures of its own (the reports list them): no sample.
        var counts = RunLedger(sampleCapacity: 0)
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
            var bySequence: [Int: RecordOutcome] = [:]
            for run in runs {
                counts.earlierRequests += run.requests
                for record in run.readFailures + run.records { bySequence[record.sequence] = record }
            }
            interrupted = interrupted || !last.ended || last.interrupted
            let base = inputs.count
            inputs += first.header.inputs
            let times = last.end?.inputTimes ?? []
            counts.setTimes(Array(times.prefix(first.header.inputs.count)), from: base)
            // The records the last run left without an outcome (never read here: the journal
            // does not name them); counted against the journal's first input.
            if let remaining = last.end?.remaining, remaining > 0 {
                counts.countRead(remaining, input: base)
                counts.countUnsent(remaining, input: base)
            }
            if !targets.contains(first.header.target) { targets.append(first.header.target) }
            // RFC 3339 UTC with milliseconds, all of one width: text order is time order.
            startedAt = min(startedAt ?? last.header.startedAt, last.header.startedAt)
            if let end = last.end?.finishedAt { finishedAt = max(finishedAt ?? end, end) }
            merged += bySequence.keys.sorted().map { sequence in
                var record = bySequence[sequence]!
                record.reference.source.input += base
                return record
            }
        }
        let spool = try RunSetup.createSpool(in: temporaryDirectory, kind: "report-spool")
        defer { spool.remove() }
        do {
            for record in merged {
                try spool.append(record.reference, outcome: record.outcome)
                counts.countRead(input: record.reference.source.input)
                counts.count(record)
            }
        } catch {
            throw JobError(.output, "cannot write the record spool: \(error)")
        }
        let (now, seconds) = (clock.wallMilliseconds(), Double(clock.monotonicMilliseconds() - started) / 1000)
        let facts = RunFacts(
            target: targets.joined(separator: " "), inputs: inputs,
            startedAt: startedAt ?? Timestamp.rfc3339(milliseconds: now),
            finishedAt: finishedAt ?? Timestamp.rfc3339(milliseconds: now), interrupted: interrupted)
        let renderer = ReportRenderer(
            spool: spool, summary: counts.summary(facts), counts: counts, now: now, appliedOutcome: { _ in .processed })
        let rendered = renderer.writeAll(jsonPath: reportPath, junitPath: junitPath)
        // The records' run stopped early, not this one: no stop reason.
        var result = counts.result(facts, stop: nil, seconds: seconds, reports: rendered.written)
        result.outputFailures = rendered.failures.map { "\($0)" }
        return result
    }
}
