import ArgumentParser
import TriageJob

/// The end of a `validate` or `apply` run: its exit status decided (``ExitStatus/of(_:)``, the one
/// place), the final `--metrics` file written with it, and the exit code returned for the
/// command to throw.
enum RunEnd {
    /// The exit code of `result`, once the final metrics file (when `metricsPath` is given) says
    /// how the run ended: exit status 0 or 1 is a success (`triage_last_success_timestamp_seconds`
    /// becomes now), any other keeps the file's earlier success time. A metrics file that cannot
    /// be written is said on stderr and does not change the exit status (decisions and reports
    /// are what the status is about).
    static func exitCode(for result: RunResult, metricsPath: String?) -> ExitCode {
        let status = ExitStatus.of(result)
        if let metricsPath {
            do {
                try RunMetrics.writeFinal(
                    result, exitStatus: status.rawValue, succeeded: status == .success || status == .someFailed,
                    to: metricsPath)
            } catch {
                StandardError.print("triage: the metrics file could not be written: \(error)")
            }
        }
        return ExitCode(status.rawValue)
    }
}
