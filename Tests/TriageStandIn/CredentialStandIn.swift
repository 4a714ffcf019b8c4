import Hummingbird
import Logging
import NIOCore
import Synchronization

/// A request as a stand-in received it.
package struct RecordedRequest: Sendable {
    package var method: String
    package var path: String
    package var query: String
    package var headers: [(name: String, value: String)]
    package var body: [UInt8]

    /// The first value of header `name` (case-insensitive).
    package func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// The body as text.
    package var text: String { String(decoding: body, as: UTF8.self) }

    /// The form or query parameters of `text` (`a=b&c=d`), percent-decoded.
    package static func parameters(_ text: String) -> [String: String] {
        var result: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = String(parts[0]).removingPercentEncoding ?? String(parts[0])
            let value = parts.count > 1 ? (String(parts[1]).removingPercentEncoding ?? String(parts[1])) : ""
            result[key] = value
        }
        return result
    }
}

/// What a stand-in answers.
package struct StandInReply: Sendable {
    package var status: Int
    package var body: String
    /// How long to wait before answering.
    package var delay: Duration

    package init(_ status: Int = 200, _ body: String, delay: Duration = .zero) {
        self.status = status
        self.body = body
        self.delay = delay
    }
}

/// A local HTTP server on 127.0.0.1 (a free port) standing in for STS, the SSO portal, the container endpoint
/// or IMDS: it records every request and answers with `handler`.
package final class CredentialStandIn: Sendable {
    /// The requests received, in order.
    private let recorded = Mutex<[RecordedRequest]>([])
    private let handler: @Sendable (RecordedRequest) -> StandInReply
    package let port: Int

    private init(port: Int, handler: @escaping @Sendable (RecordedRequest) -> StandInReply) {
        self.port = port
        self.handler = handler
    }

    /// `http://127.0.0.1:<port>`.
    package var url: String { "http://127.0.0.1:\(port)" }

    /// The requests received so far.
    package var requests: [RecordedRequest] { recorded.withLock { $0 } }

    fileprivate func answer(_ request: RecordedRequest) -> StandInReply {
        recorded.withLock { $0.append(request) }
        return handler(request)
    }

    /// Runs `body` with a stand-in answering with `handler`; stops the server afterwards.
    package static func with<T: Sendable>(
        _ handler: @escaping @Sendable (RecordedRequest) -> StandInReply,
        _ body: @Sendable (CredentialStandIn) async throws -> T
    ) async throws -> T {
        let box = Mutex<CredentialStandIn?>(nil)
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        var logger = Logger(label: "credential-stand-in")
        logger.logLevel = .critical  // stopping by cancellation logs errors about the client's idle connections
        let application = Application(
            responder: CallbackResponder<BasicRequestContext> { request, _ in
                let bytes = try await request.body.collect(upTo: 1 << 20)
                let recorded = RecordedRequest(
                    method: request.method.rawValue, path: request.uri.path, query: request.uri.query ?? "",
                    // HTTPTypes moves Host into `authority`; put it back as the header the client signed.
                    headers: [("Host", request.head.authority ?? "")]
                        + request.headers.map { ($0.name.rawName, $0.value) },
                    body: Array(bytes.readableBytesView))
                guard let standIn = box.withLock({ $0 }) else { return Response(status: .serviceUnavailable) }
                let reply = standIn.answer(recorded)
                if reply.delay > .zero { try await Task.sleep(for: reply.delay) }
                return Response(
                    status: .init(code: reply.status), headers: [.contentType: "text/plain"],
                    body: .init(byteBuffer: ByteBuffer(string: reply.body)))
            },
            configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0), serverName: nil),
            onServerRunning: { channel in
                portContinuation.yield(channel.localAddress?.port ?? 0)
                portContinuation.finish()
            }, logger: logger)
        let server = Task { try await application.runService(gracefulShutdownSignals: []) }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0 else {
            server.cancel()
            throw StandInFailure(description: "the stand-in did not start")
        }
        let standIn = CredentialStandIn(port: port, handler: handler)
        box.withLock { $0 = standIn }
        do {
            let result = try await body(standIn)
            server.cancel()
            _ = await server.result as Result<Void, any Error>
            return result
        } catch {
            server.cancel()
            _ = await server.result
            throw error
        }
    }
}

/// A stand-in could not start.
package struct StandInFailure: Error, CustomStringConvertible {
    package var description: String

    package init(description: String) {
        self.description = description
    }
}
