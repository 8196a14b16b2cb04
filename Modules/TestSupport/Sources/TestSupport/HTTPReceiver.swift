import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A local HTTP server that records every request and answers with scripted statuses (the
/// last one repeats), optionally after a delay: the receiving end of `http` actions in
/// integration tests and benchmarks.
public final class HTTPReceiver: Sendable {
    public struct Request: Sendable {
        public var method: String
        public var uri: String
        public var headers: [String: String]
        public var body: Data
        /// When the request's end arrived.
        public var receivedAt: ContinuousClock.Instant
    }

    /// What the body of each answer is.
    public enum ReplyBody: Sendable {
        /// `{"ok":true}`.
        case json
        /// Headers announcing `declaredLength` bytes, one byte of body, then nothing (the
        /// connection stays open): a receiver that hangs in the middle of its reply.
        case stalled(declaredLength: Int)
        /// A JSON string of about `bytes` bytes.
        case large(bytes: Int)
        /// `Location: <url>` and a short body (give the receiver a 3xx status).
        case redirect(to: String)
    }

    struct State {
        var requests: [Request] = []
        /// When each connection that carried a request was closed (by either side).
        var closes: [ContinuousClock.Instant] = []
        var statuses: [Int]
        var delay: Duration
        var reply: ReplyBody = .json
    }

    /// The shared, locked state (a class, because a `Mutex` cannot be copied into handlers).
    final class Recorder: Sendable {
        let state: Mutex<State>

        init(_ state: State) {
            self.state = Mutex(state)
        }
    }

    private let recorder: Recorder
    private let channel: any Channel
    public let port: Int
    /// The loopback address it listens on (`127.0.0.1` unless told another one of 127.0.0.0/8).
    public let host: String

    public init(
        statuses: [Int] = [200], delay: Duration = .zero, reply: ReplyBody = .json, host: String = "127.0.0.1"
    ) async throws {
        precondition(host.hasPrefix("127."), "a test receiver listens on loopback only")
        self.host = host
        let recorder = Recorder(State(statuses: statuses, delay: delay, reply: reply))
        self.recorder = recorder
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline().flatMap {
                    channel.pipeline.addHandler(Handler(recorder: recorder))
                }
            }
        self.channel = try await bootstrap.bind(host: host, port: 0).get()
        self.port = self.channel.localAddress?.port ?? 0
    }

    public var url: String { "http://\(self.host):\(self.port)/hook" }
    public var requests: [Request] { self.recorder.state.withLock { $0.requests } }
    public var count: Int { self.recorder.state.withLock { $0.requests.count } }
    /// When each connection that carried a request was closed (by either side), in order.
    public var closes: [ContinuousClock.Instant] { self.recorder.state.withLock { $0.closes } }

    public func close() async {
        try? await self.channel.close()
    }

    /// Waits until `count` requests arrived, for at most `timeout`.
    public func waitForRequests(_ count: Int, timeout: Duration = .seconds(30)) async throws -> [Request] {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let requests = self.requests
            if requests.count >= count { return requests }
            try await Task.sleep(for: .milliseconds(50))
        }
        return self.requests
    }

    private final class Handler: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        // Touched only on the channel's event loop.
        private var head: HTTPRequestHead?
        private var carriedRequest = false
        private var body = Data()
        private let recorder: Recorder

        init(recorder: Recorder) {
            self.recorder = recorder
        }

        func channelInactive(context: ChannelHandlerContext) {
            if self.carriedRequest {
                self.recorder.state.withLock { $0.closes.append(ContinuousClock.now) }
            }
            context.fireChannelInactive()
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch self.unwrapInboundIn(data) {
            case .head(let head):
                self.head = head
                self.carriedRequest = true
                self.body = Data()
            case .body(var buffer):
                self.body.append(contentsOf: buffer.readBytes(length: buffer.readableBytes) ?? [])
            case .end:
                guard let head = self.head else { return }
                var headers: [String: String] = [:]
                for (name, value) in head.headers { headers[name.lowercased()] = value }
                let request = Request(
                    method: "\(head.method)",
                    uri: head.uri,
                    headers: headers,
                    body: self.body,
                    receivedAt: ContinuousClock.now
                )
                let (status, delay, reply) = self.recorder.state.withLock { state -> (Int, Duration, ReplyBody) in
                    let index = min(state.requests.count, state.statuses.count - 1)
                    state.requests.append(request)
                    return (state.statuses[index], state.delay, state.reply)
                }
                let channel = context.channel
                let loop = context.eventLoop
                let respond: @Sendable () -> Void = {
                    let body: String
                    var declared: Int?
                    var headers = HTTPHeaders()
                    switch reply {
                    case .json: body = #"{"ok":true}"#
                    case .stalled(let length):
                        body = "{"
                        declared = length
                    case .large(let bytes): body = "\"" + String(repeating: "x", count: max(0, bytes - 2)) + "\""
                    case .redirect(let location):
                        body = #"{"moved":"REDIRECT-BODY"}"#
                        headers.add(name: "Location", value: location)
                    }
                    headers.add(name: "Content-Type", value: "application/json")
                    headers.add(name: "Content-Length", value: "\(declared ?? body.utf8.count)")
                    let head = HTTPResponseHead(
                        version: .http1_1, status: HTTPResponseStatus(statusCode: status), headers: headers)
                    channel.write(HTTPServerResponsePart.head(head), promise: nil)
                    guard declared == nil else {
                        channel.writeAndFlush(
                            HTTPServerResponsePart.body(.byteBuffer(ByteBuffer(string: body))), promise: nil)
                        return
                    }
                    channel.write(HTTPServerResponsePart.body(.byteBuffer(ByteBuffer(string: body))), promise: nil)
                    channel.writeAndFlush(HTTPServerResponsePart.end(nil), promise: nil)
                }
                if delay == .zero {
                    respond()
                } else {
                    let nanos =
                        Int64(delay.components.seconds) * 1_000_000_000
                        + Int64(delay.components.attoseconds / 1_000_000_000)
                    loop.scheduleTask(in: .nanoseconds(nanos)) { respond() }
                }
            }
        }
    }
}
