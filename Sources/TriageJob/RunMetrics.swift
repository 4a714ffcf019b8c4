import Prometheus
import TriageCore
import TriageIO

#if canImport(Glibc)
import Glibc
#endif

/// The `--metrics` file: a run's figures in the Prometheus text exposition format, for node
/// exporter's textfile collector (no timestamps: the collector stamps the scrape).
///
/// The file is replaced whole each time (a temporary file in its directory, then `rename`, by
/// ``FileOutput``): a scrape never reads half a file. It is written during the run
/// (``RunMetricsTimer``) and once more at its end by the executable, with the exit status
/// (``writeFinal(_:exitStatus:succeeded:to:)``). The series, as `docs/contract.md` lists them:
/// `triage_records_total{outcome,code}`, `triage_records_remaining`,
/// `triage_requests_total{region}`, `triage_retries_total{region}`,
/// `triage_throttled_total{region}` (region `""` for the store), `triage_run_duration_seconds`,
/// `triage_last_exit_status` (absent while running), `triage_last_run_timestamp_seconds`,
/// `triage_last_success_timestamp_seconds` (carried over from the file a run replaces until a run
/// succeeds: exit status 0 or 1, so that "no success for 26 hours" can alert) and
/// `triage_running`. The text is made by swift-prometheus's `PrometheusCollectorRegistry`.
package enum RunMetrics {
    /// What the file shows of a run.
    package struct Figures: Sendable, Equatable {
        /// Requests, retries and throttled answers of one Region.
        package struct Region: Sendable, Equatable {
            /// Requests sent, retries included.
            package var requests = 0
            /// Requests sent again.
            package var retries = 0
            /// Throttled answers.
            package var throttled = 0

            /// Creates a Region's figures.
            package init(requests: Int = 0, retries: Int = 0, throttled: Int = 0) {
                self.requests = requests
                self.retries = retries
                self.throttled = throttled
            }
        }

        /// Records processed.
        package var processed = 0
        /// Records failed, by code.
        package var failed = ErrorCounts()
        /// Records read without an outcome.
        package var remaining = 0
        /// Figures by Region name (`""`: the store, or no target).
        package var regions: [String: Region] = ["": Region()]
        /// Seconds since the run started.
        package var seconds = 0.0
        /// When the run started, Unix seconds.
        package var startedAt = 0.0
        /// The run's exit status; nil while it runs.
        package var exitStatus: Int32?
        /// When the run ended successfully (exit status 0 or 1), Unix seconds; nil while it runs
        /// or when it did not succeed (the file's earlier value is carried over).
        package var succeededAt: Double?
        /// Whether the run is still going on.
        package var running = true

        /// Figures of a run that has just started.
        package init() {}
    }

    /// Writes the final file of a finished run: its counts, its exit status, and whether it
    /// succeeded (exit status 0 or 1, as the executable decided). `now` is milliseconds since 1970.
    package static func writeFinal(
        _ result: RunResult, exitStatus: Int32, succeeded: Bool, to path: String,
        now: Int64 = SystemClock.nowMilliseconds()
    ) throws(TriageIOError) {
        var figures = Figures()
        figures.processed = result.processed
        figures.failed = result.errors
        figures.remaining = result.remaining
        figures.regions = regions(remote: result.remote, requestsSent: result.requestsSent)
        figures.seconds = result.seconds
        figures.startedAt = Double(now) / 1000 - result.seconds
        figures.exitStatus = exitStatus
        figures.succeededAt = succeeded ? Double(now) / 1000 : nil
        figures.running = false
        try write(figures, to: path)
    }

    /// The per-Region figures: a remote target's, else one Region `""` (the store) with the
    /// requests sent. A run that sent nothing (a dry run) shows no requests, whatever it planned.
    static func regions(remote: RemoteStatistics?, requestsSent: Int) -> [String: Figures.Region] {
        if let remote, requestsSent > 0 {
            return remote.regions.mapValues { region in
                Figures.Region(requests: region.requests, retries: region.retries, throttled: region.throttled)
            }
        }
        let planned = remote?.regions.keys.sorted() ?? []
        guard !planned.isEmpty else { return ["": Figures.Region(requests: requestsSent)] }
        return Dictionary(uniqueKeysWithValues: planned.map { ($0, Figures.Region()) })
    }

    /// Replaces the file at `path` with `figures`, carrying over the earlier
    /// `triage_last_success_timestamp_seconds` when `figures` has no success of its own.
    package static func write(_ figures: Figures, to path: String) throws(TriageIOError) {
        let lastSuccess = figures.succeededAt ?? previousLastSuccess(at: path)
        let output = try FileOutput(path: path)
        do throws(TriageIOError) {
            try output.write(render(figures, lastSuccess: lastSuccess))
            try output.commit()
        } catch {
            output.discard()
            throw error
        }
    }

    /// The file's text: HELP and TYPE lines, then the samples, family by family in a fixed order.
    package static func render(_ figures: Figures, lastSuccess: Double?) -> [UInt8] {
        var text: [UInt8] = []
        // One registry per family keeps the families in this order (a registry emits its own in
        // hash order); each family's HELP and TYPE come once, before its samples.
        func family(_ body: (PrometheusCollectorRegistry) -> Void) {
            let registry = PrometheusCollectorRegistry()
            body(registry)
            registry.emit(into: &text)
        }
        /// `triage_NAME_UNIT` with its help text.
        func name(_ name: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
            MetricNameDescriptor(namespace: "triage", metricName: name, unitName: unit, helpText: help)
        }
        family { registry in
            let records = name(
                "records", "total",
                "Records of the run with an outcome, by outcome (processed, failed) and error code (empty when "
                    + "processed); while the run goes on, those its requests decided so far.")
            registry.makeCounter(descriptor: records, labels: [("outcome", "processed"), ("code", "")])
                .increment(by: Int64(figures.processed))
            for (code, count) in figures.failed.sorted {
                registry.makeCounter(descriptor: records, labels: [("outcome", "failed"), ("code", code.rawValue)])
                    .increment(by: Int64(count))
            }
        }
        family { registry in
            let remaining = name(
                "records", "remaining",
                "Records read without an outcome: at the end, those left for --resume; while the run goes on, "
                    + "those not decided yet.")
            registry.makeGauge(descriptor: remaining).set(Double(figures.remaining))
        }
        let regionCounters: [(MetricNameDescriptor, KeyPath<Figures.Region, Int>)] = [
            (
                name(
                    "requests", "total",
                    "BatchUpdateFindings requests the run sent, retries included, by Region (empty for the store)."),
                \.requests
            ),
            (name("retries", "total", "Requests the run sent again, by Region (empty for the store)."), \.retries),
            (
                name("throttled", "total", "Throttled answers the run received, by Region (empty for the store)."),
                \.throttled
            ),
        ]
        for (descriptor, value) in regionCounters {
            family { registry in
                for region in figures.regions.keys.sorted() {
                    registry.makeCounter(descriptor: descriptor, labels: [("region", region)])
                        .increment(by: Int64(figures.regions[region]![keyPath: value]))
                }
            }
        }
        var gauges: [(MetricNameDescriptor, Double)] = [
            (name("run_duration", "seconds", "Seconds the run took (while it goes on: so far)."), figures.seconds)
        ]
        if let status = figures.exitStatus {
            gauges.append(
                (name("last_exit", "status", "Exit status of the last run (absent while it runs)."), Double(status)))
        }
        gauges.append(
            (name("last_run_timestamp", "seconds", "When the last run started, Unix seconds."), figures.startedAt))
        if let lastSuccess {
            gauges.append(
                (
                    name(
                        "last_success_timestamp", "seconds",
                        "When the last successful run (exit status 0 or 1) ended, Unix seconds."),
                    lastSuccess
                ))
        }
        gauges.append((name("running", "", "1 while a run goes on, 0 once it ended."), figures.running ? 1 : 0))
        for (descriptor, value) in gauges {
            family { registry in registry.makeGauge(descriptor: descriptor).set(value) }
        }
        return text
    }

    /// The value of `triage_last_success_timestamp_seconds` in the file at `path`, if it is a
    /// regular file that has one (a device or FIFO is never read: it could block).
    static func previousLastSuccess(at path: String) -> Double? {
        var status = stat()
        guard stat(path, &status) == 0, status.st_mode & S_IFMT == S_IFREG else { return nil }
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        // A metrics file is a few kilobytes; what lies past 1 MiB is not ours.
        var bytes = [UInt8](repeating: 0, count: min(Int(status.st_size), 1 << 20))
        var count = 0
        while count < bytes.count {
            let got = bytes.withUnsafeMutableBytes { read(descriptor, $0.baseAddress! + count, $0.count - count) }
            if got < 0, errno == EINTR { continue }
            if got <= 0 { break }
            count += got
        }
        let name = "triage_last_success_timestamp_seconds"
        for line in String(decoding: bytes[0..<count], as: UTF8.self).split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 2, fields[0] == name, let value = Double(fields[1]), value.isFinite else { continue }
            return value
        }
        return nil
    }
}
