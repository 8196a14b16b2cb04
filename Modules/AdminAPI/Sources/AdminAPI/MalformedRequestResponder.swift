import HTTPTypes
import NIOCore
import NIOHTTP1
import NIOHTTPTypes

/// Answers a request the HTTP parser refuses (an unknown or lowercase method, a request line
/// or header past the parser's limits, a broken header) with a `400` whose body is JSON
/// `{"error": ...}` like every other error, then closes the connection. Hummingbird itself
/// answers those with an empty `400`. Sits after the HTTP/1 codec. A parse error in the middle
/// of a request whose response is still to come is left to Hummingbird (answering it here
/// could interleave with that response).
final class MalformedRequestResponder: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// Requests read whose response has not ended yet.
    private var open = 0
    private var answered = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head = self.unwrapInboundIn(data) { self.open += 1 }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = self.unwrapOutboundIn(data) { self.open = max(0, self.open - 1) }
        context.write(data, promise: promise)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let parseError = error as? HTTPParserError, self.open == 0 else {
            context.fireErrorCaught(error)
            return
        }
        guard !self.answered else { return }
        self.answered = true
        let body = context.channel.allocator.buffer(
            string: JSONResponse.errorBody("malformed HTTP request: \(Self.reason(parseError))"))
        var fields = HTTPFields()
        fields[.contentType] = "application/json; charset=utf-8"
        fields[.contentLength] = String(body.readableBytes)
        fields[.connection] = "close"
        context.write(
            self.wrapOutboundOut(.head(HTTPResponse(status: .badRequest, headerFields: fields))), promise: nil)
        context.write(self.wrapOutboundOut(.body(body)), promise: nil)
        let channel = context.channel
        context.writeAndFlush(self.wrapOutboundOut(.end(nil))).whenComplete { _ in
            channel.close(promise: nil)
        }
    }

    static func reason(_ error: HTTPParserError) -> String {
        switch error {
        case .invalidMethod: "unknown method (methods are upper case: GET, POST, ...)"
        case .headerOverflow: "request line or headers too large"
        case .invalidURL: "invalid request target"
        case .invalidVersion: "invalid HTTP version"
        default: "\(error)"
        }
    }
}
