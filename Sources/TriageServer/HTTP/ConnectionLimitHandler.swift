import NIOCore

/// The first handler of each connection's HTTP pipeline (Hummingbird's `additionalChannelHandlers`):
/// counts the connection in and out of its ``ConnectionGate`` and closes it as soon as it is active
/// when the gate refuses it, before any byte is read or answered.
final class ConnectionLimitHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = Any

    private let gate: ConnectionGate
    private var admitted = true

    init(gate: ConnectionGate) {
        self.gate = gate
    }

    func handlerAdded(context: ChannelHandlerContext) {
        admitted = gate.connectionOpened()
        let gate = self.gate
        context.channel.closeFuture.whenComplete { _ in gate.connectionClosed() }
        if !admitted, context.channel.isActive { context.close(promise: nil) }
    }

    func channelActive(context: ChannelHandlerContext) {
        guard admitted else {
            context.close(promise: nil)
            return
        }
        context.fireChannelActive()
    }
}
