import NIOCore
import Synchronization

/// The connections the HTTP server holds, counted across its event loops.
final class OpenConnections: Sendable {
    let count = Atomic<Int>(0)
}

/// Keeps the connection cap strict. The server stops accepting at `maxConnections`, but one
/// accept round of the listening socket can take several connections that arrived together;
/// one past the cap is closed at once here (its client may connect again), so the server never
/// holds more than `maxConnections`.
final class ConnectionCapHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    let connections: OpenConnections
    let maxConnections: Int
    private var counted = false

    init(connections: OpenConnections, maxConnections: Int) {
        self.connections = connections
        self.maxConnections = maxConnections
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { self.opened(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        self.opened(context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        if self.counted {
            self.counted = false
            self.connections.count.subtract(1, ordering: .relaxed)
        }
        context.fireChannelInactive()
    }

    private func opened(_ context: ChannelHandlerContext) {
        guard !self.counted else { return }
        self.counted = true
        let now = self.connections.count.add(1, ordering: .relaxed).newValue
        if now > self.maxConnections { context.close(promise: nil) }
    }
}
