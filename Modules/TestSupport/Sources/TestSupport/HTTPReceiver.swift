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

    struct State {
        var requests: [Request] = []
        var statuses: [Int]
        var delay: Duration
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

    public init(statuses: [Int] = [200], delay: Duration = .zero) async throws {
        let recorder = Recorder(State(statuses: statuses, delay: delay))
        self.recorder = recorder
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline().flatMap {
                    channel.pipeline.addHandler(Handler(recorder: recorder))
                }
            }
        self.channel = try await bootstrap.bind(host: "127.0.0.1", port: 0).get()
        self.port = self.channel.localAddress?.port ?? 0
    }

    public var url: String { "http://127.0.0.1:\(self.port)/hook" }
    public var requests: [Request] { self.recorder.state.withLock { $0.requests } }
    public var count: Int { self.recorder.state.withLock { $0.requests.count } }

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
        private var body = Data()
        private let recorder: Recorder

        init(recorder: Recorder) {
            self.recorder = recorder
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch self.unwrapInboundIn(data) {
            case .head(let head):
                self.head = head
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
                let (status, delay) = self.recorder.state.withLock { state -> (Int, Duration) in
                    let index = min(state.requests.count, state.statuses.count - 1)
                    state.requests.append(request)
                    return (state.statuses[index], state.delay)
                }
                let channel = context.channel
                let loop = context.eventLoop
                let respond: @Sendable () -> Void = {
                    var headers = HTTPHeaders()
                    headers.add(name: "Content-Type", value: "application/json")
                    headers.add(name: "Content-Length", value: "11")
                    let head = HTTPResponseHead(
                        version: .http1_1, status: HTTPResponseStatus(statusCode: status), headers: headers)
                    channel.write(HTTPServerResponsePart.head(head), promise: nil)
                    channel.write(
                        HTTPServerResponsePart.body(.byteBuffer(ByteBuffer(string: #"{"ok":true}"#))), promise: nil)
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
