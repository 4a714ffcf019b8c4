import ArgumentParser
import Foundation
import TriageIO
import TriageServer
import TriageStore

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

            --store must name an existing findings store (made by 'triage import'); a missing one is \
            exit status 2 unless --create is given, which starts an empty store there. A port in use \
            is exit status 2 too: choose another with --port (--port 0 picks a free one).

            Example (from the repository root; nothing leaves 127.0.0.1):
              triage import samples/findings.ndjson.gz --store findings.sqlite
              triage serve --store findings.sqlite --port 4510 &
              sleep 2  # until it prints 'listening on http://127.0.0.1:4510'
              export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test
              triage apply --target securityhub --endpoint-url http://127.0.0.1:4510 \\
                samples/decisions.ndjson.gz --report out/wire.json
              aws securityhub get-findings --region us-east-1 --max-items 1 \\
                --endpoint-url http://127.0.0.1:4510
              kill %1
            """)

    @OptionGroup var storeOption: StoreOption

    @Flag(help: "Create an empty store when --store names none (BatchImportFindings or 'triage import' fills it).")
    var create = false

    @Option(help: "The address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "The port to listen on (0: a free one).")
    var port = 4510

    @Option(help: "JSON file with accounts, credentials, policies, quotas and faults (see the README).")
    var config: String?

    @Option(help: "Seconds a connection may stay with no request in progress before it is closed.")
    var idleTimeout = ConnectionLimits.defaultIdleTimeoutSeconds

    @Option(
        help: """
            The most connections open at once; past it a new one replaces the longest-idle one, and is closed at \
            once only when all have a request in progress (default: \(ConnectionLimits.defaultMaxConnections), fewer \
            when ulimit -n is low).
            """)
    var maxConnections: Int?

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be in 0...65535") }
        guard idleTimeout.isFinite, (0.1...86_400).contains(idleTimeout) else {
            throw ValidationError("--idle-timeout must be in 0.1...86400 seconds")
        }
        if let maxConnections, maxConnections < 1 { throw ValidationError("--max-connections must be at least 1") }
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
        }
        let storePath = storeOption.path
        // A mistyped path must not look like a store whose findings all vanished.
        if !create && !FileManager.default.fileExists(atPath: storePath) {
            StandardError.print(
                "triage serve: no store at \(storePath); give --create to start an empty one "
                    + "(or import findings first: triage import FILE --store \(storePath))")
            throw ExitCode(ExitStatus.notDone.rawValue)
        }
        if config == nil {
            StandardError.print(
                "triage serve: no --config: access key test, secret test, account 000000000000 "
                    + "(administrator of every account); quotas per account and Region: BatchUpdateFindings and "
                    + "BatchImportFindings 10/s (burst 30), GetFindings 3/s (burst 6); no faults; STS AssumeRole of "
                    + "any arn:aws:iam::ACCOUNT:role/NAME by account 000000000000")
        }
        var options = SecurityHubServer.Options(
            storePath: storePath, config: serveConfig, clock: .system)
        options.createStore = create
        options.host = host
        options.port = port
        options.idleTimeoutSeconds = idleTimeout
        options.maxConnections = maxConnections
        do {
            try SecurityHubServer.runBlocking(options, log: .standardError()) { host, port in
                // Unbuffered: scripts wait for this line.
                FileHandle.standardOutput.write(Data("listening on http://\(host):\(port)\n".utf8))
            }
        } catch let error as ServerError where error.code == .listen {
            StandardError.print("triage serve: \(error)")
            throw ExitCode(ExitStatus.notDone.rawValue)
        } catch let error as StoreError where error.code == .empty && !create {
            StandardError.print(
                "triage serve: \(storePath) is empty, not a findings store; give --create to start an empty "
                    + "one there (or import findings first: triage import FILE --store \(storePath))")
            throw ExitCode(ExitStatus.notDone.rawValue)
        } catch {
            StandardError.print("triage serve: error: \(error)")
            throw ExitCode(ExitStatus.notDone.rawValue)
        }
    }
}
