import Foundation

#if canImport(Glibc)
import Glibc
#endif

extension Process {
    /// Starts `executable` (the `triage` binary by default) with `arguments`, stdin /dev/null,
    /// stdout and stderr into the files `stdout` and `stderr` (created empty); `environment`, when
    /// given, is the whole environment (nothing inherited).
    ///
    /// Through `env --default-signal=INT,TERM`, as cron or systemd start it: SIGINT and SIGTERM at
    /// their default disposition. Foundation's `Process` does not reset dispositions and an
    /// ignored signal stays ignored across exec, so a child spawned while another test of this
    /// process runs a job (which ignores both while its handlers are installed) would otherwise
    /// start deaf to them. `env` execs the program: the process id is the program's.
    package static func start(
        _ arguments: [String], stdout: URL, stderr: URL, executable: URL = TestPaths.triageBinary,
        directory: URL? = nil, environment: [String: String]? = nil
    ) throws -> Process {
        _ = FileManager.default.createFile(atPath: stdout.path, contents: nil)
        _ = FileManager.default.createFile(atPath: stderr.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["--default-signal=INT,TERM", executable.path] + arguments
        if let directory { process.currentDirectoryURL = directory }
        if let environment { process.environment = environment }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: stdout)
        process.standardError = try FileHandle(forWritingTo: stderr)
        try process.run()
        return process
    }

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
