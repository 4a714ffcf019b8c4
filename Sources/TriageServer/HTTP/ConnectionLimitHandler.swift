import NIOCore
// Hummingbird's `additionalChannelHandlers` sit after its HTTP/1 codec (`HTTP1Channel.setup`), so
// this handler sees request and response parts (swift-nio-extras, a dependency of Hummingbird).
import NIOHTTPTypes

/// The handler Hummingbird adds to each connection's pipeline after the HTTP codec
/// (`additionalChannelHandlers`): holds the connection in its ``ConnectionGate`` (which may close the
/// longest-idle other one for it), closes it as soon as it is active when the gate refuses it,
/// and tells the gate when the connection is busy: from each request head read until the end of
/// its answer has been written to the socket.
final class ConnectionLimitHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let gate: ConnectionGate
    /// The connection's number in the gate; nil until it is active, when refused, or once closed for
    /// a newer connection before a request of its own started (its parts are then dropped, unanswered).
    private var id: ConnectionTable<any Channel>.ID?

    init(gate: ConnectionGate) {
        self.gate = gate
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { admit(context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        guard id != nil || admit(context: context) else { return }
        context.fireChannelActive()
    }

    /// Asks the gate to hold the connection once it is active (the latest moment before its first
    /// read, so that a new client's request follows its admission closely): false when refused, and the
    /// connection is closed before anything is read or answered.
    @discardableResult
    private func admit(context: ChannelHandlerContext) -> Bool {
        guard let id = gate.connectionOpened(context.channel) else {
            context.close(promise: nil)
            return false
        }
        self.id = id
        let gate = self.gate
        context.channel.closeFuture.whenComplete { _ in gate.connectionClosed(id) }
        return true
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let id else { return }
        if case .head = unwrapInboundIn(data), !gate.requestStarted(id) {
            // Closed for a newer connection just before this head arrived: the close is on its way.
            self.id = nil
            context.close(promise: nil)
            return
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard let id, case .end = unwrapOutboundIn(data) else {
            context.write(data, promise: promise)
            return
        }
        // Idle once the answer's end is on the socket: closing the connection earlier could cut it.
        let written = promise ?? context.eventLoop.makePromise()
        let gate = self.gate
        written.futureResult.whenComplete { _ in gate.responseEnded(id) }
        context.write(data, promise: written)
    }
}
