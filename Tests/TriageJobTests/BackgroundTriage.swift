import Foundation
import TriageTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// The real `triage` binary (or a shell driving it) started in the background, so that a test
/// can act on it while it runs (feed a FIFO, send a signal) and wait for it with a deadline: a
/// run that hangs is killed with SIGKILL and reported as such instead of hanging the suite.
final class BackgroundTriage {
    private let process: Process
    private let errorURL: URL

    /// Starts `executable` (the `triage` binary by default) with `arguments` in `directory`;
    /// stdin is /dev/null, stdout and stderr go to files in `directory`.
    init(_ arguments: [String], in directory: URL, executable: URL = TestPaths.triageBinary) throws {
        let name = UUID().uuidString
        errorURL = directory.appendingPathComponent("stderr-\(name)")
        process = try Process.start(
            arguments, stdout: directory.appendingPathComponent("stdout-\(name)"), stderr: errorURL,
            executable: executable, directory: directory)
    }

    /// The process id.
    var processIdentifier: Int32 { process.processIdentifier }

    /// What the process wrote on stderr so far.
    var stderr: String { (try? String(contentsOf: errorURL, encoding: .utf8)) ?? "" }

    /// Waits up to `seconds` for the end; the exit status (128 + signal for a signal), or nil
    /// when the process was still running at the deadline (it is then killed with SIGKILL).
    func wait(seconds: Double) -> Int32? { process.waitForExit(seconds: seconds) }
}
