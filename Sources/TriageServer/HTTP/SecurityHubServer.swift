import Dispatch
import Hummingbird
import Logging
import NIOCore
import Synchronization
import TriageCore
import TriageStore

/// `triage serve`: binds, says where it listens, serves until SIGINT/SIGTERM, then stops accepting,
/// finishes the requests in flight and closes the store (`docs/serve.md`).
package enum SecurityHubServer {
    /// What to serve and where.
    package struct Options: Sendable {
        /// The store's path.
        package var storePath: String
        /// Whether a missing store (or a 0-byte file) is created empty; otherwise the path must
        /// name a findings store (``StoreOptions/Access/update``).
        package var createStore = false
        /// The address to bind, `127.0.0.1` by default.
        package var host = "127.0.0.1"
        /// The port; 0 picks a free one.
        package var port = 4510
        /// The accounts, credentials, policies, quotas and faults.
        package var config: ServeConfig
        /// Seconds a connection may stay with no request in progress (none being read or answered)
        /// before it is closed; also bounds how long a request's head may take to arrive.
        package var idleTimeoutSeconds = ConnectionLimits.defaultIdleTimeoutSeconds
        /// The most connections open at once (past it a new one replaces the longest-idle one); nil for
        /// ``ConnectionLimits/defaultMaxConnections``, lowered to what `ulimit -n` allows.
        package var maxConnections: Int?
        /// The clocks: the wall clock dates signatures, tokens' expiry, quotas and notes; the
        /// monotonic one paces the connection gate's notes.
        package var clock: JobClock

        /// Options serving the store at `storePath` as `config` says, reading the time from `clock`.
        package init(storePath: String, config: ServeConfig, clock: JobClock) {
            self.storePath = storePath
            self.config = config
            self.clock = clock
        }
    }

    /// Serves until a signal stops it; calls `listening` with the bound host and port once it
    /// accepts connections.
    /// - Throws: ``ServerError`` when the connection limit does not fit in `ulimit -n`
    ///   (``ServerError/Code/connectionLimit``) or it cannot listen on the host and port
    ///   (``ServerError/Code/listen``); ``StoreError`` when the store cannot be opened.
    package static func run(
        _ options: Options, log: RequestLog, listening: @escaping @Sendable (String, Int) -> Void
    ) async throws {
        let gate = ConnectionGate(
            limit: try ConnectionLimits.maxConnections(
                requested: options.maxConnections, descriptorLimit: ConnectionLimits.descriptorLimit()),
            now: options.clock.monotonicMilliseconds, report: log.note)
        var storeOptions = StoreOptions()
        storeOptions.access = options.createStore ? .create : .update
        let store = try FindingsStore(path: options.storePath, options: storeOptions)
        let endpoint = SecurityHubEndpoint(
            store: store, config: options.config, log: log, clock: options.clock.wallMilliseconds)
        var logger = Logger(label: "triage.serve")
        logger.logLevel = .critical  // one line per request is ours (RequestLog); no framework chatter
        let host = options.host
        // Set once it listens: an error before that is the bind's (``ServerError/listening(_:host:port:)``).
        let started = Flag()
        let application = Application(
            responder: CallbackResponder<ServeRequestContext> { request, context in
                await endpoint.respond(to: request, context: context)
            },
            // Hummingbird's idle timeout closes a connection with no request in progress; the gate's handler,
            // right after the HTTP codec of each connection (a new one per connection), holds connections to the
            // limit by closing the longest-idle one for a new one.
            server: .http1(
                configuration: .init(
                    additionalChannelHandlers: [ConnectionLimitHandler(gate: gate)],
                    idleTimeout: .nanoseconds(Int64(options.idleTimeoutSeconds * 1_000_000_000)))),
            configuration: ApplicationConfiguration(
                address: .hostname(host, port: options.port), serverName: nil),
            onServerRunning: { channel in
                started.set()
                listening(host, channel.localAddress?.port ?? options.port)
            },
            logger: logger)
        do {
            try await application.runService(gracefulShutdownSignals: [.sigterm, .sigint])
        } catch  where !started.isSet {
            throw ServerError.listening(error, host: host, port: options.port) ?? error
        }
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

/// A flag set once, read from another task.
private final class Flag: Sendable {
    private let value = Mutex(false)
    func set() { value.withLock { $0 = true } }
    var isSet: Bool { value.withLock { $0 } }
}

/// The error of a run, handed from its task to the waiting thread.
private final class ResultBox: Sendable {
    private let stored = Mutex<(any Error)?>(nil)
    func set(_ error: any Error) { stored.withLock { $0 = error } }
    var error: (any Error)? { stored.withLock { $0 } }
}
