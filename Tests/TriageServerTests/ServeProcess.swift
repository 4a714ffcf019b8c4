import Foundation
import TriageIO
import TriageTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// A real `triage serve --port 0` process in a temporary directory: started, its port read from
/// the line it prints, stopped with SIGTERM (or SIGKILL after a deadline).
final class ServeProcess {
    let directory: URL
    let storePath: String
    private let process: Process
    private let errorURL: URL
    /// The port it listens on.
    private(set) var port = 0

    /// Starts the server with `config` (JSON text) if given, on `store` (by default a new one,
    /// which it is told to create with `--create`).
    init(config: String? = nil, store: String? = nil, extraArguments: [String] = []) throws {
        directory = TestPaths.temporaryDirectory("triage-serve")
        storePath = store ?? directory.appendingPathComponent("findings.sqlite").path
        var arguments = ["serve", "--store", storePath, "--port", "0"] + (store == nil ? ["--create"] : [])
        arguments += extraArguments
        if let config {
            let path = directory.appendingPathComponent("config.json")
            try Data(config.utf8).write(to: path)
            arguments += ["--config", path.path]
        }
        errorURL = directory.appendingPathComponent("serve.log")
        let outputURL = directory.appendingPathComponent("serve.out")
        process = try Process.start(arguments, stdout: outputURL, stderr: errorURL)
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            let text = (try? String(contentsOf: outputURL, encoding: .utf8)) ?? ""
            if let line = text.split(separator: "\n").first, line.hasPrefix("listening on http://"),
                let port = Int(line.split(separator: ":").last ?? "")
            {
                self.port = port
                return
            }
            if !process.isRunning { break }
            usleep(20_000)
        }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        throw ServeStartError(log: log)
    }

    /// What the server wrote on stderr so far.
    var log: String { (try? String(contentsOf: errorURL, encoding: .utf8)) ?? "" }

    /// Whether the process is still running.
    var isRunning: Bool { process.isRunning }

    /// The process id.
    var processIdentifier: Int32 { process.processIdentifier }

    /// Sends `signal` and waits up to `seconds`; the exit status (128 + signal), nil if it had to be killed.
    @discardableResult
    func stop(signal: Int32 = SIGTERM, seconds: Double = 30) -> Int32? {
        if process.isRunning { kill(process.processIdentifier, signal) }
        return process.waitForExit(seconds: seconds)
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        // The directory holds the log and, unless the test brought its own, the store.
        if ProcessInfo.processInfo.environment["TRIAGE_KEEP_TEST_FILES"] != "1" {
            try? FileManager.default.removeItem(at: directory)
        }
    }
}

extension ServeProcess {
    /// A config with the `test`/`test` key of account `000000000000`, administrator of the
    /// accounts of the synthetic findings (`triage generate`), quotas off, and `faults`; with
    /// `aggregator` (the config's member, e.g. ``allRegionsAggregator``) a finding aggregator.
    static func syntheticConfig(faults: String = "{}", aggregator: String? = nil) -> String {
        let members = SyntheticData.accounts.map { "\"\($0)\"" }.joined(separator: ", ")
        let accounts = SyntheticData.accounts.map { "\"\($0)\": {}" }.joined(separator: ", ")
        return """
            {"accounts": {"000000000000": {"administrator": true, "members": [\(members)]}, \(accounts)},
             "credentials": [{"accessKeyId": "test", "secretAccessKey": "test", "account": "000000000000"}],
             "quotas": {"BatchUpdateFindings": {"rate": 0, "burst": 0}, "BatchImportFindings": {"rate": 0, "burst": 0},
                        "GetFindings": {"rate": 0, "burst": 0}},
             "faults": \(faults)\(aggregator.map { #", "aggregator": "# + $0 } ?? "")}
            """
    }

    /// An aggregator in us-east-1 linking every Region: a request signed for us-east-1 sees and
    /// updates the findings of all the synthetic Regions.
    static let allRegionsAggregator = #"{"region": "us-east-1", "linkedRegions": "ALL_REGIONS"}"#

    /// Runs `triage` with `arguments` that should end by themselves (a start-up error), killing
    /// it after `seconds`: a server that starts anyway fails the test instead of hanging it.
    static func runToEnd(_ arguments: [String], seconds: Double = 30) throws -> CommandRun {
        let scratch = ScratchDirectory("triage-serve-run")
        defer { withExtendedLifetime(scratch) {} }
        let directory = scratch.url
        let outputURL = directory.appendingPathComponent("out")
        let errorURL = directory.appendingPathComponent("err")
        let process = try Process.start(arguments, stdout: outputURL, stderr: errorURL)
        let status = process.waitForExit(seconds: seconds)
        return CommandRun(
            status: status ?? 128 + SIGKILL,
            stdout: (try? String(contentsOf: outputURL, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOf: errorURL, encoding: .utf8)) ?? "")
    }
}

/// `triage serve` did not print its listening line.
struct ServeStartError: Error, CustomStringConvertible {
    var log: String
    var description: String { "triage serve did not start:\n\(log)" }
}
