import TriageCore
import TriageIO

#if canImport(Glibc)
import Glibc
#endif

/// `triage report JOURNAL ...`: the reports of one or more runs, rendered from their journals.
///
/// A journal appended to by `--resume` holds several runs over the same inputs: their records are
/// merged by sequence number. Several journals (shards, or a series of nightly runs) are merged in
/// the order given, each keeping its own inputs. Reading a journal holds its records in memory
/// (about 200 bytes each) to put them in input order.
public enum JournalReportJob {
    /// Renders the reports; returns the run summary as `apply` would.
    public static func run(
        journals: [String], reportPath: String?, junitPath: String?, temporaryDirectory: String
    ) throws(JobError) -> RunResult {
        let started = Timestamp.nowMilliseconds()
        var inputs: [String] = []
        var targets: [String] = []
        var startedAt: String?
        var requests = 0
        var interrupted = false
        var merged: [JournalRecord] = []
        for path in journals {
            let runs: [JournalReader.Run]
            do {
                runs = try JournalReader.read(path: path)
            } catch {
                throw JobError(.badInput, error.message)
            }
            guard let first = runs.first else { throw JobError(.badInput, "\(path): not a triage journal (no run entry)") }
            var bySequence: [Int: JournalRecord] = [:]
            for run in runs {
                requests += run.batches
                for record in run.readFailures + run.records { bySequence[record.sequence] = record }
            }
            interrupted = interrupted || runs.last.map { !$0.ended || $0.interrupted } ?? false
            let base = inputs.count
            inputs += first.header.inputs
            if !targets.contains(first.header.target) { targets.append(first.header.target) }
            startedAt = startedAt ?? first.header.startedAt
            merged += bySequence.keys.sorted().map { sequence in
                var record = bySequence[sequence]!
                record.input += base
                return record
            }
        }
        let spoolPath = "\(temporaryDirectory)/triage-report-spool-\(getpid())-\(started).bin"
        let spool: RecordSpool
        do {
            spool = try RecordSpool(path: spoolPath)
        } catch {
            throw JobError(.output, "cannot create the record spool: \(error)")
        }
        defer { spool.remove() }
        var tally = RunTally(inputCount: inputs.count)
        do {
            for record in merged {
                try spool.append(
                    SpooledRecord(
                        input: record.input, line: record.line, id: record.id, productArn: record.productArn,
                        failure: record.failure))
                tally.countRecord(input: record.input)
                if let failure = record.failure { tally.countFailure(failure.code, input: record.input) }
            }
        } catch {
            throw JobError(.output, "cannot write the record spool: \(error)")
        }
        let finished = Timestamp.nowMilliseconds()
        let summary = ReportSummary(
            records: tally.records, processed: tally.processed, failed: tally.failed, requests: requests,
            target: targets.joined(separator: " "), inputs: inputs, startedAt: startedAt ?? Timestamp.rfc3339(milliseconds: started),
            finishedAt: Timestamp.rfc3339(milliseconds: finished), dryRun: false, errors: tally.sortedErrors,
            interrupted: interrupted)
        let renderer = ReportRenderer(spool: spool, summary: summary, tally: tally, appliedOutcome: { _ in .processed })
        let reports: [(kind: String, path: String)]
        do {
            reports = try renderer.writeAll(jsonPath: reportPath, junitPath: junitPath)
        } catch {
            throw JobError(.output, "\(error)")
        }
        return RunResult(
            records: summary.records, processed: summary.processed, failed: summary.failed, requests: requests,
            interrupted: interrupted, seconds: Double(finished - started) / 1000, reports: reports, errors: summary.errors)
    }
}
