import Dispatch
import Hummingbird
import Logging
import NIOCore
import Synchronization
import TriageStore

/// `triage serve`: binds, says where it listens, serves until SIGINT/SIGTERM, then stops accepting,
/// finishes the requests in flight and closes the store (`docs/serve.md`).
package enum SecurityHubServer {
    /// What to serve and where.
    package struct Options: Sendable {
        /// The store's path (created empty when missing).
        package var storePath: String
        /// The address to bind, `127.0.0.1` by default.
        package var host = "127.0.0.1"
        /// The port; 0 picks a free one.
        package var port = 4510
        /// The accounts, credentials, policies, quotas and faults.
        package var config: ServeConfig
        /// Wall-clock time, epoch milliseconds.
        package var clock: @Sendable () -> Int64

        package init(storePath: String, config: ServeConfig, clock: @escaping @Sendable () -> Int64) {
            self.storePath = storePath
            self.config = config
            self.clock = clock
        }
    }

    /// Serves until a signal stops it; calls `listening` with the bound host and port once it
    /// accepts connections.
    /// - Throws: ``StoreError`` when the store cannot be opened; the bind's error.
    package static func run(
        _ options: Options, log: RequestLog, listening: @escaping @Sendable (String, Int) -> Void
    ) async throws {
        let store = try FindingsStore(path: options.storePath, options: StoreOptions())
        let endpoint = SecurityHubEndpoint(store: store, config: options.config, log: log, clock: options.clock)
        var logger = Logger(label: "triage.serve")
        logger.logLevel = .critical  // one line per request is ours (RequestLog); no framework chatter
        let host = options.host
        let application = Application(
            responder: CallbackResponder<ServeRequestContext> { request, context in
                await endpoint.respond(to: request, context: context)
            },
            configuration: ApplicationConfiguration(
                address: .hostname(host, port: options.port), serverName: nil),
            onServerRunning: { channel in
                listening(host, channel.localAddress?.port ?? options.port)
            },
            logger: logger)
        try await application.runService(gracefulShutdownSignals: [.sigterm, .sigint])
        try store.syncCommitted()
    }

    /// ``run(_:log:listening:)`` from synchronous code (the command line), blocking until it ends.
    package static func runBlocking(
        _ options: Options, log: RequestLog, listening: @escaping @Sendable (String, Int) -> Void
    ) throws {
        let done = DispatchSemaphore(value: 0)
        let result = ResultBox()
        Task {
            do {
                try await run(options, log: log, listening: listening)
            } catch {
                result.set(error)
            }
            done.signal()
        }
        done.wait()
        if let error = result.error { throw error }
    }
}

/// The error of a run, handed from its task to the waiting thread.
private final class ResultBox: Sendable {
    private let stored = Mutex<(any Error)?>(nil)
    func set(_ error: any Error) { stored.withLock { $0 = error } }
    var error: (any Error)? { stored.withLock { $0 } }
}
