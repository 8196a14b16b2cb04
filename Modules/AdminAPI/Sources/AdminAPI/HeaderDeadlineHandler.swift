import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Closes a connection whose request header does not complete in time: the first one within
/// the header timeout of the connection's start, each next one within the idle timeout of the
/// previous response's end (which is also the idle deadline). A client trickling header lines
/// cannot hold a connection. No deadline while a request is in progress. Sits after the HTTP/1
/// codec, where a `.head` is a complete header.
final class HeaderDeadlineHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    let headerTimeout: TimeAmount
    let idleTimeout: TimeAmount
    private var deadline: Scheduled<Void>?
    /// Requests read whose response has not ended yet.
    private var open = 0

    init(limits: HTTPServerLimits) {
        self.headerTimeout = Self.timeAmount(limits.headerTimeout)
        self.idleTimeout = Self.timeAmount(limits.idleTimeout)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { self.arm(context, self.headerTimeout) }
    }

    func channelActive(context: ChannelHandlerContext) {
        if self.deadline == nil { self.arm(context, self.headerTimeout) }
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head = self.unwrapInboundIn(data) {
            self.open += 1
            self.deadline?.cancel()
            self.deadline = nil
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = self.unwrapOutboundIn(data) {
            self.open = max(0, self.open - 1)
            if self.open == 0 { self.arm(context, self.idleTimeout) }
        }
        context.write(data, promise: promise)
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.deadline?.cancel()
        self.deadline = nil
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.deadline?.cancel()
        self.deadline = nil
    }

    private func arm(_ context: ChannelHandlerContext, _ amount: TimeAmount) {
        self.deadline?.cancel()
        let channel = context.channel
        self.deadline = context.eventLoop.scheduleTask(in: amount) { channel.close(promise: nil) }
    }

    static func timeAmount(_ duration: Duration) -> TimeAmount {
        let (seconds, attoseconds) = duration.components
        return .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
