import Foundation

/// The result of running a program to its end.
package struct CommandRun: Sendable {
    /// Exit status (or 128 + signal).
    package var status: Int32
    /// Standard output.
    package var stdout: String
    /// Standard error.
    package var stderr: String

    /// A result as given.
    package init(status: Int32, stdout: String, stderr: String) {
        self.status = status
        self.stdout = stdout
        self.stderr = stderr
    }

    /// Runs `executable` with `arguments`, feeding `stdin` (or /dev/null), and waits.
    /// `environment` is added to this process's; `wholeEnvironment` replaces it (nothing inherited).
    package static func run(
        _ executable: URL, _ arguments: [String], stdin: Data? = nil, environment: [String: String]? = nil,
        directory: URL? = nil, wholeEnvironment: [String: String]? = nil
    ) throws -> CommandRun {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let environment {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        if let wholeEnvironment { process.environment = wholeEnvironment }
        if let directory { process.currentDirectoryURL = directory }
        let outPipe = Pipe()
        let errPipe = Pipe()
        process.standardOutput = outPipe
        process.standardError = errPipe
        let inPipe = Pipe()
        process.standardInput = stdin == nil ? FileHandle.nullDevice : inPipe
        try process.run()
        if let stdin {
            DispatchQueue.global().async {
                inPipe.fileHandleForWriting.write(stdin)
                try? inPipe.fileHandleForWriting.close()
            }
        }
        // Read both pipes concurrently so that neither fills up.
        nonisolated(unsafe) var errData = Data()
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) { errData = errPipe.fileHandleForReading.readDataToEndOfFile() }
        let outData = outPipe.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        let status =
            process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
        return CommandRun(
            status: status, stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self))
    }

    /// Runs the documentation's example `script` with bash as a reader would from the repository
    /// root: in `directory`, given a `samples` link to the package's, with the built `triage` first
    /// on `PATH`, `HOME` there and no AWS file or instance metadata of this machine (credentials
    /// only as the script sets them).
    package static func example(_ script: String, in directory: URL) throws -> CommandRun {
        // Examples that start `triage serve` on the documented port (the README's and --help's)
        // take turns: run at once by two suites, the second serve finds the port in use.
        if script.contains("--port 4510") {
            documentedPort.lock()
            defer { documentedPort.unlock() }
            return try runExample(script, in: directory)
        }
        return try runExample(script, in: directory)
    }

    /// Held while an example uses port 4510.
    private static let documentedPort = NSLock()

    /// ``example(_:in:)`` without the port's turn.
    private static func runExample(_ script: String, in directory: URL) throws -> CommandRun {
        let samples = directory.appendingPathComponent("samples")
        if !FileManager.default.fileExists(atPath: samples.path) {
            try FileManager.default.createSymbolicLink(
                at: samples, withDestinationURL: TestPaths.packageRoot.appendingPathComponent("samples"))
        }
        let binary = TestPaths.triageBinary.deletingLastPathComponent().path
        return try run(
            URL(fileURLWithPath: "/bin/bash"), ["-c", script], directory: directory,
            wholeEnvironment: [
                "PATH": binary + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"),
                "HOME": directory.path, "TMPDIR": directory.path, "AWS_CONFIG_FILE": "/nonexistent",
                "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent", "AWS_EC2_METADATA_DISABLED": "true",
            ])
    }

    /// Runs the built `triage` binary.
    package static func triage(
        _ arguments: [String], stdin: Data? = nil, environment: [String: String]? = nil, directory: URL? = nil
    ) throws -> CommandRun {
        try run(TestPaths.triageBinary, arguments, stdin: stdin, environment: environment, directory: directory)
    }
}
