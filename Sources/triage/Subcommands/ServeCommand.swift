import ArgumentParser
import Foundation
import TriageIO
import TriageServer

/// `triage serve`: the store over the Security Hub REST API (`docs/serve.md`).
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the store over the Security Hub REST API, for unmodified AWS clients.",
        discussion: """
            Serves BatchUpdateFindings, GetFindings and BatchImportFindings, SigV4-signed, until \
            SIGINT or SIGTERM. Prints 'listening on http://HOST:PORT' on stdout once it accepts \
            connections, and one line per request on stderr. Without --config: access key 'test', \
            secret 'test', account 000000000000, administrator of every account.

            Example:
              triage serve --store findings.sqlite --port 4510 &
              aws securityhub get-findings --region us-east-1 \\
                --endpoint-url http://127.0.0.1:4510
            """)

    @OptionGroup var storeOption: StoreOption

    @Option(help: "The address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "The port to listen on (0: a free one).")
    var port = 4510

    @Option(help: "JSON file with accounts, credentials, policies, quotas and faults (see the README).")
    var config: String?

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be in 0...65535") }
    }

    func run() throws {
        let serveConfig: ServeConfig
        if let config {
            // Read to the end, so that a pipe works too (`--config <(...)`).
            guard let handle = FileHandle(forReadingAtPath: config), let bytes = try? handle.readToEnd() ?? Data()
            else {
                StandardError.print("triage serve: error: cannot read the config file \(config)")
                throw ExitCode(ExitStatus.notDone.rawValue)
            }
            do {
                serveConfig = try ServeConfig(json: Array(bytes))
            } catch {
                StandardError.print("triage serve: error: \(config): \(error.message)")
                throw ExitCode(ExitStatus.notDone.rawValue)
            }
        } else {
            serveConfig = .defaultConfig
            StandardError.print(
                "triage serve: no --config: access key test, secret test, account 000000000000 "
                    + "(administrator of every account); quotas per account and Region: BatchUpdateFindings and "
                    + "BatchImportFindings 10/s (burst 30), GetFindings 3/s (burst 6); no faults")
        }
        var options = SecurityHubServer.Options(
            storePath: storeOption.path, config: serveConfig, clock: SystemClock.milliseconds)
        options.host = host
        options.port = port
        do {
            try SecurityHubServer.runBlocking(options, log: .standardError()) { host, port in
                // Unbuffered: scripts wait for this line.
                FileHandle.standardOutput.write(Data("listening on http://\(host):\(port)\n".utf8))
            }
        } catch {
            StandardError.print("triage serve: error: \(error)")
            throw ExitCode(ExitStatus.notDone.rawValue)
        }
    }
}
