import Foundation

#if canImport(Glibc)
import Glibc
#endif

extension Process {
    /// Waits up to `seconds` for the end; the exit status (128 + signal for a signal), or nil
    /// when the process was still running at the deadline (it is then killed with SIGKILL), so
    /// that a hanging program fails its test instead of hanging the suite.
    package func waitForExit(seconds: Double) -> Int32? {
        let deadline = Date().addingTimeInterval(seconds)
        while isRunning && Date() < deadline { usleep(20_000) }
        if isRunning {
            kill(processIdentifier, SIGKILL)
            waitUntilExit()
            return nil
        }
        return terminationReason == .uncaughtSignal ? 128 + terminationStatus : terminationStatus
    }
}
