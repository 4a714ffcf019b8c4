import Dispatch
import TriageCore
import TriageIO

/// Rewrites the `--metrics` file (``RunMetrics``) every `metricsInterval` seconds while a run goes
/// on, from the counters the pipeline keeps as it runs: records read (``ProgressLine``), records
/// decided by finished batches and their failures (``ApplyLedger``), requests finished, and a
/// remote target's requests, retries and throttles by Region. Failures found while reading
/// (malformed, invalid) are known only at the end: until then those records count as remaining.
///
/// The first write comes one interval after the start: a short run writes only the final file
/// (the executable's, with the exit status). A write that fails is skipped (the final write
/// reports its own failure). `@unchecked Sendable`: `wrote` is only touched on `queue`, where
/// the timer's handler and ``stop()`` run.
final class RunMetricsTimer: @unchecked Sendable {
    private let path: String
    private let queue = DispatchQueue(label: "triage.metrics")
    private let timer: DispatchSourceTimer
    private let sample: @Sendable () -> RunMetrics.Figures
    /// Whether a file was written during the run (on `queue`).
    private var wrote = false

    /// Starts the timer when the run has a metrics file; nil otherwise.
    init?(
        _ configuration: RunConfiguration, ledger: ApplyLedger, progress: ProgressLine, startedAt: Int64,
        startedMonotonic: Int64, remote: @escaping @Sendable () -> RemoteStatistics?
    ) {
        guard let path = configuration.metricsPath else { return nil }
        self.path = path
        let (dryRun, clock) = (configuration.dryRun, configuration.clock)
        sample = {
            var figures = RunMetrics.Figures()
            let read = progress.recordsRead.load(ordering: .relaxed)
            let decided = ledger.decidedSoFar
            figures.failed = decided.failedByCode
            figures.processed = decided.records - decided.failedByCode.total
            figures.remaining = max(0, read - decided.records)
            let requestsDone = dryRun ? 0 : progress.batchesDone.load(ordering: .relaxed)
            figures.regions = RunMetrics.regions(remote: remote(), requestsSent: requestsDone)
            figures.seconds = Double(max(0, clock.monotonicMilliseconds() - startedMonotonic)) / 1000
            figures.startedAt = Double(startedAt) / 1000
            return figures
        }
        timer = DispatchSource.makeTimerSource(queue: queue)
        let interval = max(0.01, configuration.metricsInterval)
        timer.schedule(deadline: .now() + interval, repeating: interval)
        timer.setEventHandler { [self] in
            wrote = (try? RunMetrics.write(sample(), to: path)) != nil || wrote
        }
        timer.resume()
    }

    /// Stops the timer, waiting for a write under way. When the run wrote a file, it is written
    /// once more as ended (`triage_running 0`, no exit status): the executable's final write
    /// replaces it at once, and a run that ends in an error (exit status 2) leaves no file that
    /// says it is still running.
    func stop() {
        timer.cancel()
        queue.sync {
            guard wrote else { return }
            var figures = sample()
            figures.running = false
            try? RunMetrics.write(figures, to: path)
        }
    }
}
