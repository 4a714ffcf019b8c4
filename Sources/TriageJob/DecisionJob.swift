import Dispatch
import Logging
import TriageCore
import TriageIO

/// The pipeline of `validate` and `apply`: read → decode → validate → batch → apply → report.
///
/// Threads: an I/O thread reads and decompresses inputs and cuts them into pieces; a decoding
/// thread parses and checks records; the calling thread spools every record (in input order, on
/// disk), counts and plans batches; batches run in per-Region lanes (``LaneDispatcher``).
/// Bounded channels between the stages and the dispatcher's slots keep memory flat: each stage
/// waits when the next falls behind. Reports are rendered at the end from the spool and the
/// ledger of applied outcomes, so a million records are never held in memory as objects.
///
/// Stopping early is one mechanism (``StopSignal``): a signal, or a journal or spool that cannot
/// be written, stops reading and planning; batches in flight finish; every record read but not
/// sent is left without an outcome, counted in `remaining`, for `--resume`.
public final class DecisionJob: Sendable {
    let configuration: RunConfiguration
    let logger: Logger
    let stop = StopSignal()

    /// Creates a job.
    public init(configuration: RunConfiguration, logger: Logger = Logger(label: "triage")) {
        self.configuration = configuration
        self.logger = logger
    }

    /// Runs the job to the end (or to an early stop). Throws only set-up errors (nothing
    /// applied, exit status 2); every problem with a record is an outcome in the result, and a
    /// journal or report that cannot be written after applying is in `outputFailures`.
    public func run() throws(JobError) -> RunResult {
        let setup = try RunSetup(configuration, stop: stop)
        defer { setup.spool?.remove() }
        let progress = ProgressLine(
            mode: ProgressLine.Mode(rawValue: configuration.progress) ?? .auto,
            verb: configuration.dryRun ? "validate" : "apply", clock: configuration.clock)
        defer { progress.finish() }
        // One scheduler for every target: lanes per Region, paced by the target's pacers.
        let dispatcher = configuration.target.map { target in
            LaneDispatcher(
                target: target, ledger: setup.ledger,
                concurrency: configuration.concurrency ?? target.defaultConcurrency, stop: self.stop,
                clock: configuration.clock, temporaryDirectory: configuration.temporaryDirectory, progress: progress)
        }
        // --metrics: the file rewritten during the run (the executable writes the final one).
        let metrics = RunMetricsTimer(
            configuration, ledger: setup.ledger, progress: progress, startedAt: setup.startedAt,
            startedMonotonic: setup.startedMonotonic, remote: { dispatcher?.remoteStatistics })
        defer { metrics?.stop() }
        let (stop, unsent) = (self.stop, UnsentRecords())
        let planTally =
            configuration.routing != nil && configuration.target == nil
            ? RegionPlanTally(endpoint: configuration.routingEndpoint, perAccount: configuration.routesByAccount) : nil
        var intake = RecordIntake(
            configuration: configuration, spool: setup.spool, ledger: setup.ledger, resumed: setup.resumed,
            inputCount: setup.catalog.entries.count, stop: stop, unsent: unsent,
            emit: { batch in
                planTally?.count(batch)
                // Once stopped, nothing more is sent: the batch's records are left for --resume.
                guard dispatcher?.submit(batch, unlessStopped: stop) ?? !stop.isRequested else {
                    unsent.add(batch)
                    return
                }
                progress.batchesSent.add(1, ordering: .relaxed)
            })

        stop.install()
        defer { stop.uninstall(keepingIgnored: configuration.ignoresStopSignalsAfterRun) }
        let readAll = try consumeInputs(setup.catalog, into: &intake, progress: progress, dispatcher: dispatcher)
        if readAll { intake.finish() } else { intake.discardOpenBatches() }
        let leftover = dispatcher?.waitForAll() ?? DispatchLeftover()
        for (input, count) in leftover.neverSentRecords { unsent.add(count, input: input) }
        progress.batchesSent.subtract(leftover.neverSentBatches, ordering: .relaxed)
        for batch in leftover.unfinished { unsent.add(batch) }
        setup.ledger.journalFailures(intake.takeUnjournaledFailures())
        var result = finish(
            setup, intake: intake, readAll: readAll, sent: progress.batchesSent.load(ordering: .relaxed),
            remote: dispatcher?.remoteStatistics ?? planTally?.snapshot,
            laneStops: dispatcher?.laneStops ?? [])
        if let failure = dispatcher?.readAheadFailure { result.outputFailures.append(failure) }
        return result
    }

    /// Asks a running job to stop as SIGINT would (tests).
    public func requestStop() {
        stop.request(.signal)
    }
}
