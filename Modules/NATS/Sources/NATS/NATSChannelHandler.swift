import NIOCore

/// Parses the server's operations, answers its PINGs, and hands the rest to the state.
final class NATSChannelHandler: ChannelInboundHandler, @unchecked Sendable {
    // Only touched on the channel's event loop.
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private var parser = NATSProtocolParser()
    private let state: NATSConnectionState

    init(state: NATSConnectionState) {
        self.state = state
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        self.parser.feed(self.unwrapInboundIn(data))
        do {
            while let operation = try self.parser.next() {
                if case .ping = operation {
                    context.writeAndFlush(self.wrapOutboundOut(ByteBuffer(string: "PONG\r\n")), promise: nil)
                }
                self.state.received(operation)
            }
        } catch {
            self.state.fail(NATSError(.protocolError, "NATS protocol error: \(error)", cause: error))
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.state.fail(NATSError(.closed, "the NATS connection closed"))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        self.state.fail(NATSError(.connectionFailed, "NATS connection error: \(error)", cause: error))
        context.close(promise: nil)
    }
}
