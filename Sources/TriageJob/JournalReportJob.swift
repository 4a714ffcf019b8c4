import Dispatch
import Synchronization
import TriageCore
import TriageIO

#if canImport(Glibc)
import Glibc
#endif

/// `triage report JOURNAL ...`: the reports of one or more runs, rendered from their journals.
///
/// Rendering one run's journal gives the reports that run wrote, byte for byte: the summary's
/// times, counts, `remaining` and remote statistics and the JUnit suites' timestamps come from
/// the journal, not from the clock. A journal appended to by `--resume` holds several runs over
/// the same inputs: their records are merged by sequence number, and the summary is the last
/// run's (its `startedAt`, `finishedAt`, remote statistics; `requests` counts every run's).
///
/// The journals of a sharded run (their headers name shard K of N) are merged into the report of
/// a single run over the same inputs (``ShardSet`` checks them first: every shard once, each
/// finished, all over the same inputs): records in input order by sequence number (sequence
/// numbers are the single run's in every shard), the summary's counts, `requests` and remote
/// statistics added up, its `shards` each shard's figures. Other journals (a series of nightly
/// runs) are concatenated in the order given, each keeping its own inputs; the summary then spans
/// them. Reading a journal holds its records in memory (about 200 bytes each) to put them in
/// input order.
public enum JournalReportJob {
    /// Renders the reports; returns the run summary as `apply` would.
    public static func run(journals: [String], reportPath: String?, junitPath: String?) throws(JobError) -> RunResult {
        try run(journals: journals, reportPath: reportPath, junitPath: junitPath, clock: .system)
    }

    /// What the journals give the reports: records in report order, and the summary's facts.
    struct Rendering {
        var inputs: [String] = []
        var targets: [String] = []
        var startedAt: String?
        var finishedAt: String?
        var interrupted = false
        var merged: [RecordOutcome] = []
        // `triage report` prints no failures of its own (the reports list them): no sample.
        var counts = RunLedger(sampleCapacity: 0)
        var remote: RemoteStatistics?
        var shards: [ShardSummary]?
        /// The shard of a single shard's journal rendered alone (its own report).
        var shard: Shard?
        var notes: [String] = []

        /// Takes the start and end of a journal's last run into the summary's span.
        mutating func span(_ last: JournalReader.Run) {
            // RFC 3339 UTC with milliseconds, all of one width: text order is time order.
            startedAt = min(startedAt ?? last.header.startedAt, last.header.startedAt)
            if let end = last.end?.finishedAt { finishedAt = max(finishedAt ?? end, end) }
        }

        /// Adds a run's remote statistics.
        mutating func add(_ other: RemoteStatistics?) {
            guard let other else { return }
            remote = JournalReportJob.sum(remote, other)
        }
    }

    /// Renders the reports reading the time from `clock` (the fallbacks of a journal that lacks
    /// its times, and the duration).
    package static func run(
        journals: [String], reportPath: String?, junitPath: String?, clock: JobClock
    ) throws(JobError) -> RunResult {
        let started = clock.monotonicMilliseconds()
        for (kind, path) in [("report", reportPath), ("junit", junitPath)] {
            if let path, path != "-" { try RunSetup.checkOutput(path, kind: kind) }
        }
        // The journals are read at once, one per core (a sharded run's merge reads one per shard);
        // errors are then told in the order the journals were given.
        let results = Mutex([Result<[JournalReader.Run], JobError>?](repeating: nil, count: journals.count))
        DispatchQueue.concurrentPerform(iterations: journals.count) { index in
            let result: Result<[JournalReader.Run], JobError>
            do {
                result = .success(try JournalReader.read(path: journals[index]))
            } catch {
                result = .failure(JobError(.badInput, "\(error)"))
            }
            results.withLock { $0[index] = result }
        }
        var read: [(path: String, runs: [JournalReader.Run])] = []
        for (path, result) in zip(journals, results.withLock { $0 }) {
            let runs = try result!.get()  // concurrentPerform set every index
            guard !runs.isEmpty else { throw JobError(.badInput, "\(path): not a triage journal (no run entry)") }
            read.append((path, runs))
        }
        var rendering: Rendering
        if read.count == 1, let shard = read[0].runs[0].header.shard {
            // One shard's journal alone: the report that shard wrote, as for any run.
            rendering = concatenate(read)
            rendering.shard = shard
            if shard.count > 1 {
                rendering.notes.append(
                    "\(read[0].path) is shard \(shard)'s journal: this is that shard's own report; "
                        + "name every shard's journal to merge them")
            }
        } else if read.contains(where: { $0.runs[0].header.shard != nil }) {
            rendering = try mergeShards(ShardSet(read))
        } else {
            rendering = concatenate(read)
        }
        return try render(rendering, reportPath: reportPath, junitPath: junitPath, clock: clock, started: started)
    }

    /// Journals of separate runs, one after the other, each keeping its own inputs.
    private static func concatenate(_ read: [(path: String, runs: [JournalReader.Run])]) -> Rendering {
        var rendering = Rendering()
        for (_, runs) in read {
            let (first, last) = (runs[0], runs[runs.count - 1])
            var bySequence: [Int: RecordOutcome] = [:]
            for run in runs {
                rendering.counts.earlierRequests += run.requests
                for record in run.readFailures + run.records { bySequence[record.sequence] = record }
            }
            rendering.interrupted = rendering.interrupted || !last.ended || last.interrupted
            let base = rendering.inputs.count
            rendering.inputs += first.header.inputs
            let times = last.end?.inputTimes ?? []
            rendering.counts.setTimes(Array(times.prefix(first.header.inputs.count)), from: base)
            // The records the last run left without an outcome (never read here: the journal
            // does not name them); counted against the journal's first input.
            if let remaining = last.end?.remaining, remaining > 0 {
                rendering.counts.countRead(remaining, input: base)
                rendering.counts.countUnsent(remaining, input: base)
            }
            if !rendering.targets.contains(first.header.target) { rendering.targets.append(first.header.target) }
            rendering.span(last)
            rendering.add(last.end?.remote)
            rendering.merged += bySequence.keys.sorted().map { sequence in
                var record = bySequence[sequence]!
                record.reference.source.input += base
                return record
            }
        }
        return rendering
    }

    /// The shards of one run, merged into the report of a single run over the same inputs.
    private static func mergeShards(_ set: ShardSet) throws(JobError) -> Rendering {
        var rendering = Rendering()
        rendering.inputs = set.members[0].runs[0].header.inputs
        // Every shard's records in one array, put in input order once at the end (a dictionary
        // per shard and one for the run cost a third of a 200,000-record merge).
        var all: [RecordOutcome] = []
        var times: [JournalEnd.InputTime] = []
        var summaries: [ShardSummary] = []
        for member in set.members {
            let last = member.runs[member.runs.count - 1]
            var requests = 0
            for run in member.runs { requests += run.requests }
            var counts = RunLedger(sampleCapacity: 0)
            let start = all.count
            if member.runs.count == 1 {
                all += member.runs[0].readFailures
                all += member.runs[0].records
            } else {
                // A resumed shard: a later run's outcome of a record replaces an earlier run's.
                var bySequence: [Int: RecordOutcome] = [:]
                for run in member.runs {
                    for record in run.readFailures + run.records { bySequence[record.sequence] = record }
                }
                all += bySequence.values
            }
            for record in all[start...] {
                counts.countRead(input: record.reference.source.input)
                counts.count(record)
            }
            let remaining = last.end?.remaining ?? 0
            if remaining > 0 {
                rendering.counts.countRead(remaining, input: 0)
                rendering.counts.countUnsent(remaining, input: 0)
            }
            rendering.counts.earlierRequests += requests
            rendering.interrupted = rendering.interrupted || last.interrupted
            if !rendering.targets.contains(last.header.target) { rendering.targets.append(last.header.target) }
            rendering.span(last)
            rendering.add(last.end?.remote)
            times = Self.widen(times, by: last.end?.inputTimes ?? [])
            summaries.append(
                ShardSummary(
                    shard: member.shard, journal: member.path, records: counts.records, processed: counts.processed,
                    failed: counts.failed, requests: requests, remaining: remaining, interrupted: last.interrupted,
                    startedAt: last.header.startedAt, finishedAt: last.end?.finishedAt ?? last.header.startedAt,
                    errors: counts.errors))
        }
        rendering.counts.setTimes(Array(times.prefix(rendering.inputs.count)))
        all.sort { $0.sequence < $1.sequence }
        for index in all.indices.dropFirst() where all[index].sequence == all[index - 1].sequence {
            // Rare (journals of different runs): find which shards hold the record for the message.
            let sequence = all[index].sequence
            let holders = set.members.filter { member in
                member.runs.contains { run in (run.readFailures + run.records).contains { $0.sequence == sequence } }
            }
            let names = holders.map { "\($0.shard)" }.joined(separator: " and ")
            throw JobError(
                .usage,
                "cannot merge the shards' journals: shards \(names) both hold record \(sequence) "
                    + "(\(holders.last?.path ?? "")): they are not shards of one run over the same inputs")
        }
        rendering.merged = all
        rendering.shards = summaries
        return rendering
    }

    /// Per input, the earliest start and the latest end of the two (0: unknown).
    private static func widen(
        _ times: [JournalEnd.InputTime], by other: [JournalEnd.InputTime]
    ) -> [JournalEnd.InputTime] {
        (0..<max(times.count, other.count)).map { index in
            let spans = [times, other].compactMap { index < $0.count ? $0[index] : nil }
            let starts = spans.map(\.startedAt).filter { $0 != 0 }
            return .init(startedAt: starts.min() ?? 0, finishedAt: spans.map(\.finishedAt).max() ?? 0)
        }
    }

    /// Two runs' remote statistics added up, Region by Region and account by account.
    static func sum(_ one: RemoteStatistics?, _ other: RemoteStatistics) -> RemoteStatistics {
        guard var total = one else { return other }
        total.retries += other.retries
        total.throttled += other.throttled
        if total.endpoint.isEmpty { total.endpoint = other.endpoint }
        func add(_ figures: [String: RemoteStatistics.Region], into target: inout [String: RemoteStatistics.Region]) {
            for (name, lane) in figures {
                var sum = target[name] ?? .init()
                sum.requests += lane.requests
                sum.throttled += lane.throttled
                sum.findings += lane.findings
                sum.retries += lane.retries
                target[name] = sum
            }
        }
        add(other.regions, into: &total.regions)
        add(other.accounts, into: &total.accounts)
        return total
    }

    /// Renders the reports from the records held, and the result.
    private static func render(
        _ rendering: Rendering, reportPath: String?, junitPath: String?, clock: JobClock, started: Int64
    ) throws(JobError) -> RunResult {
        var counts = rendering.counts
        // The records are in memory already (in input order): the reports are written from them,
        // with no spool in between.
        for record in rendering.merged {
            counts.countRead(input: record.reference.source.input)
            counts.count(record)
        }
        let (now, seconds) = (clock.wallMilliseconds(), Double(clock.monotonicMilliseconds() - started) / 1000)
        var facts = RunFacts(
            target: rendering.targets.joined(separator: " "), inputs: rendering.inputs,
            startedAt: rendering.startedAt ?? Timestamp.rfc3339(milliseconds: now),
            finishedAt: rendering.finishedAt ?? Timestamp.rfc3339(milliseconds: now),
            interrupted: rendering.interrupted, remote: rendering.remote)
        facts.shards = rendering.shards
        facts.shard = rendering.shard
        let renderer = ReportRenderer(
            records: .inMemory(rendering.merged), summary: counts.summary(facts), counts: counts, now: now,
            appliedOutcome: { _ in .processed })
        let rendered = renderer.writeAll(jsonPath: reportPath, junitPath: junitPath)
        // The records' run stopped early, not this one: no stop reason.
        var result = counts.result(facts, stop: nil, seconds: seconds, reports: rendered.written)
        result.outputFailures = rendered.failures.map { "\($0)" }
        result.notes = rendering.notes
        return result
    }
}
