import Dispatch
import Logging
import TriageCore
import TriageIO

#if canImport(Glibc)
import Glibc
#endif

/// The pipeline of `validate` and `apply`: read → decode → validate → batch → apply → report.
///
/// Threads: an I/O thread reads and decompresses inputs and cuts them into pieces; a decoding
/// thread parses and checks records; the calling thread spools every record (in input order, on
/// disk), counts and plans batches; batches run on a concurrent queue (``BatchDispatcher``).
/// Bounded channels between the stages and the dispatcher's slots keep memory flat: each stage
/// waits when the next falls behind. Reports are rendered at the end from the spool and the
/// ledger of applied outcomes, so a million records are never held in memory as objects.
public final class DecisionJob {
    private let configuration: RunConfiguration
    private let logger: Logger
    private let stop = StopSignal()

    /// Creates a job.
    public init(configuration: RunConfiguration, logger: Logger = Logger(label: "triage")) {
        self.configuration = configuration
        self.logger = logger
    }

    /// Runs the job to the end (or to a SIGINT/SIGTERM). Throws only set-up errors (nothing
    /// applied, exit status 2); every problem with a record is an outcome in the result.
    public func run() throws(JobError) -> RunResult {
        let configuration = self.configuration
        let startedAt = Timestamp.nowMilliseconds()
        let catalog = try InputCatalog(configuration)
        let stop = self.stop
        for (kind, path) in [("report", configuration.reportPath), ("junit", configuration.junitPath)] {
            if let path, path != "-" { try Self.checkWritable(path, kind: kind) }
        }
        let targetName = configuration.target?.name ?? "none (dry run)"
        let resumed = try ResumePoint(configuration, inputs: catalog.entries.map(\.name))
        let journal = try openJournal(
            inputs: catalog.entries.map(\.name), target: targetName, startedAt: startedAt, fresh: resumed == nil)
        var syncTarget: (@Sendable () throws(JobError) -> Void)?
        if let target = configuration.target {
            syncTarget = { () throws(JobError) in try target.syncApplied() }
        }
        let ledger = ApplyLedger(journal: journal, syncTarget: syncTarget)
        resumed?.restore(into: ledger)

        // Reports are rendered from a spool of every record in input order; without a report
        // there is nothing to spool.
        var spool: RecordSpool?
        if configuration.reportPath != nil || configuration.junitPath != nil {
            let path = "\(configuration.temporaryDirectory)/triage-spool-\(getpid())-\(startedAt).bin"
            do {
                spool = try RecordSpool(path: path)
            } catch {
                throw JobError(.output, "cannot create the record spool: \(error)")
            }
        }
        defer { spool?.remove() }

        let progress = ProgressLine(
            mode: ProgressLine.Mode(rawValue: configuration.progress) ?? .auto,
            verb: configuration.dryRun ? "validate" : "apply")
        defer { progress.finish() }
        let dispatcher = configuration.target.map {
            BatchDispatcher(
                target: $0, ledger: ledger, concurrency: configuration.concurrency ?? $0.defaultConcurrency,
                progress: progress)
        }
        let emit: (PlannedBatch) -> Void = { batch in
            progress.batchesSent.add(1, ordering: .relaxed)
            dispatcher?.submit(batch)
        }
        var intake = RecordIntake(
            configuration: configuration, spool: spool, ledger: ledger, resumed: resumed,
            inputCount: catalog.entries.count, stop: stop, emit: emit)

        // I/O thread → decoding thread → this thread, each hand-over bounded.
        let pieces = BoundedChannel<ReadEvent>(capacity: 8)
        let decoded = BoundedChannel<DecodedEvent>(capacity: 8)
        let reading = DispatchGroup()
        DispatchQueue(label: "triage.read").async(group: reading) {
            Self.readInputs(catalog, into: pieces, stop: stop)
        }
        DispatchQueue(label: "triage.decode").async(group: reading) {
            Self.decodeInputs(catalog, configuration, from: pieces, into: decoded)
        }
        stop.install()
        defer { stop.uninstall() }

        do throws(JobError) {
            while let event = decoded.receive() {
                if stop.isRequested { break }
                switch event {
                case .start(let input):
                    intake.tally.markStart(input: input, at: Timestamp.nowMilliseconds())
                case .records(let input, let records):
                    for record in records { try intake.take(record, input: input) }
                    progress.recordsRead.add(records.count, ordering: .relaxed)
                case .end(let input):
                    intake.tally.markEnd(input: input, at: Timestamp.nowMilliseconds())
                case .failed(let error):
                    throw error
                }
            }
        } catch {
            stop.request()
            while decoded.receive() != nil {}
            reading.wait()
            intake.discardOpenBatches()
            dispatcher?.waitForAll()
            throw error
        }
        let interrupted = stop.isRequested
        if interrupted {
            while decoded.receive() != nil {}
            intake.discardOpenBatches()
        } else {
            intake.finish()
        }
        reading.wait()
        dispatcher?.waitForAll()
        let requests = (resumed?.batches ?? 0) + progress.batchesSent.load(ordering: .relaxed)
        ledger.journalFailures(intake.takeUnjournaledFailures())

        let finishedAt = Timestamp.nowMilliseconds()
        do {
            try ledger.closeJournal(finishedAt: Timestamp.rfc3339(milliseconds: finishedAt), interrupted: interrupted)
        } catch {
            logger.error("the journal could not be written: \(error)")
        }
        let counts = intake.counts(ledger: ledger)
        let summary = ReportSummary(
            records: counts.records, processed: counts.records - counts.failed, failed: counts.failed,
            requests: requests, target: targetName, inputs: catalog.entries.map(\.name),
            startedAt: Timestamp.rfc3339(milliseconds: startedAt),
            finishedAt: Timestamp.rfc3339(milliseconds: finishedAt), dryRun: configuration.dryRun,
            errors: counts.errors, interrupted: interrupted)
        var reports: [(kind: String, path: String)] = []
        if let spool {
            let renderer = ReportRenderer(
                spool: spool, summary: summary, tally: counts.tally,
                appliedOutcome: { sequence in
                    if configuration.target == nil { return .processed }
                    return ledger.outcome(sequence)
                })
            do {
                reports = try renderer.writeAll(jsonPath: configuration.reportPath, junitPath: configuration.junitPath)
            } catch {
                throw JobError(.output, "\(error)")
            }
        }
        return RunResult(
            records: summary.records, processed: summary.processed, failed: summary.failed, requests: requests,
            interrupted: interrupted, seconds: Double(finishedAt - startedAt) / 1000, reports: reports,
            errors: summary.errors)
    }

    /// Asks a running job to stop as SIGINT would (tests).
    public func requestStop() {
        stop.request()
    }

    /// Opens the journal: appended to when resuming, started afresh otherwise.
    private func openJournal(inputs: [String], target: String, startedAt: Int64, fresh: Bool) throws(JobError) -> JournalWriter? {
        guard let path = configuration.journalPath, !configuration.dryRun else { return nil }
        do {
            let writer = try JournalWriter(path: path, fresh: fresh)
            try writer.begin(
                JournalHeader(
                    inputs: inputs, fingerprints: ResumePoint.fingerprints(of: inputs), target: target,
                    batchSize: configuration.batchSize,
                    startedAt: Timestamp.rfc3339(milliseconds: startedAt)))
            return writer
        } catch {
            throw JobError(.output, "cannot write the journal: \(error)")
        }
    }

    private static func checkWritable(_ path: String, kind: String) throws(JobError) {
        if access(directory(of: path), W_OK) != 0 {
            throw JobError(.output, "\(path): cannot write the \(kind) there (\(String(cString: strerror(errno))))")
        }
    }

    /// The directory a file path names its file in (`.` for a bare name).
    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let directory = String(path[..<slash])
        return directory.isEmpty ? "/" : directory
    }

}
