import Foundation
import TriageTestSupport

#if canImport(Glibc)
import Glibc
#endif

extension WireFixture {
    /// Runs the binary under test (``TriageUnderTest``: this build, or `TRIAGE_UNDER_TEST`) with
    /// `arguments` in this fixture's environment plus `extra`; killed after `seconds` (status
    /// 128 + SIGKILL then).
    func runUnderTest(_ arguments: [String], _ extra: [String: String] = [:], seconds: Double = 120) throws
        -> CommandRun
    {
        let name = UUID().uuidString
        let out = directory.appendingPathComponent("out-\(name)")
        let err = directory.appendingPathComponent("err-\(name)")
        let process = try Process.start(
            arguments, stdout: out, stderr: err, executable: TriageUnderTest.binary, environment: environment(extra))
        let status = process.waitForExit(seconds: seconds)
        return CommandRun(
            status: status ?? 128 + SIGKILL, stdout: (try? String(contentsOf: out, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOf: err, encoding: .utf8)) ?? "")
    }
}
