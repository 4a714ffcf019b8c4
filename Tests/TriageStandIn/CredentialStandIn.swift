import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
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

    /// The server's channel, for ``stop()`` (set by ``start(_:)``).
    private let serverChannel = Mutex<Channel?>(nil)

    /// Starts a stand-in answering with `handler`, without Swift concurrency (for a synchronous
    /// test that must not wait on the cooperative pool); ``stop()`` ends it.
    package static func start(_ handler: @escaping @Sendable (RecordedRequest) -> StandInReply) throws
        -> CredentialStandIn
    {
        let box = StandInBox()
        let channel = try bootstrap(box).bind(host: "127.0.0.1", port: 0).wait()
        guard let port = channel.localAddress?.port, port > 0 else {
            try? channel.close().wait()
            throw StandInFailure(description: "the stand-in did not start")
        }
        let standIn = CredentialStandIn(port: port, handler: handler)
        standIn.serverChannel.withLock { $0 = channel }
        box.standIn.withLock { $0 = standIn }
        return standIn
    }

    /// Stops a stand-in made by ``start(_:)``.
    package func stop() {
        if let channel = serverChannel.withLock({ $0 }) { try? channel.close().wait() }
    }

    private static func bootstrap(_ box: StandInBox) -> ServerBootstrap {
        ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 64)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(StandInHandler(box: box))
                }
            }
    }

    /// Runs `body` with a stand-in answering with `handler`; stops the server afterwards.
    ///
    /// The server is plain SwiftNIO and answers on its event loop, never on Swift's cooperative
    /// pool: tests that block pool threads (waiting on processes) cannot starve it.
    package static func with<T: Sendable>(
        _ handler: @escaping @Sendable (RecordedRequest) -> StandInReply,
        _ body: @Sendable (CredentialStandIn) async throws -> T
    ) async throws -> T {
        let box = StandInBox()
        let channel: Channel
        do {
            channel = try await bootstrap(box).bind(host: "127.0.0.1", port: 0).get()
        } catch {
            throw StandInFailure(description: "the stand-in did not start: \(error)")
        }
        guard let port = channel.localAddress?.port, port > 0 else {
            try? await channel.close()
            throw StandInFailure(description: "the stand-in did not start")
        }
        let standIn = CredentialStandIn(port: port, handler: handler)
        box.standIn.withLock { $0 = standIn }
        do {
            let result = try await body(standIn)
            try? await channel.close()
            return result
        } catch {
            try? await channel.close()
            throw error
        }
    }
}

/// The stand-in a server's handlers answer for (set once the port is known).
private final class StandInBox: Sendable {
    let standIn = Mutex<CredentialStandIn?>(nil)
}

/// One connection's HTTP/1.1 requests, answered on the event loop. `@unchecked Sendable`: used
/// only on its channel's event loop.
private final class StandInHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let box: StandInBox
    private var head: HTTPRequestHead?
    private var body: [UInt8] = []

    init(box: StandInBox) {
        self.box = box
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            body = []
        case .body(var buffer):
            body += buffer.readBytes(length: buffer.readableBytes) ?? []
        case .end:
            guard let head else { return }
            let parts = head.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
            let recorded = RecordedRequest(
                method: head.method.rawValue, path: String(parts[0]), query: parts.count > 1 ? String(parts[1]) : "",
                headers: head.headers.map { ($0.name, $0.value) }, body: body)
            let reply =
                box.standIn.withLock { $0 }?.answer(recorded) ?? StandInReply(503, "the stand-in is not ready")
            let keepAlive = head.isKeepAlive
            let version = head.version
            let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            let respond: @Sendable () -> Void = {
                let (handler, context) = loopBound.value
                handler.write(reply, version: version, keepAlive: keepAlive, context: context)
            }
            if reply.delay > .zero {
                let (seconds, attoseconds) = reply.delay.components
                let nanoseconds = seconds * 1_000_000_000 + attoseconds / 1_000_000_000
                context.eventLoop.scheduleTask(in: .nanoseconds(nanoseconds)) { respond() }
            } else {
                respond()
            }
            self.head = nil
        }
    }

    private func write(_ reply: StandInReply, version: HTTPVersion, keepAlive: Bool, context: ChannelHandlerContext) {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "text/plain")
        headers.add(name: "Content-Length", value: "\(reply.body.utf8.count)")
        if !keepAlive { headers.add(name: "Connection", value: "close") }
        let head = HTTPResponseHead(version: version, status: .init(statusCode: reply.status), headers: headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: reply.body)))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        if !keepAlive { context.close(promise: nil) }
    }
}

/// A stand-in could not start.
package struct StandInFailure: Error, CustomStringConvertible {
    package var description: String

    package init(description: String) {
        self.description = description
    }
}
