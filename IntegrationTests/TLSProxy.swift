import NIOCore
import NIOPosix
import NIOSSL
import Synchronization

/// A TLS endpoint in front of a plaintext server, on a free loopback port: what a hosted
/// Temporal looks like to activity-core. TLS (with ALPN `h2`, and client certificates
/// required when `clientCA` is given) is terminated here and the bytes go on unchanged, so
/// the gRPC conversation is the one the dev server has without TLS. Without TLS it is a plain
/// TCP relay whose `close()` ends every connection: the server "stopped", for one test only.
final class TLSProxy: Sendable {
    let port: Int
    private let channel: any Channel
    private let connections: ConnectionSet

    var address: String { "127.0.0.1:\(self.port)" }

    /// A plain TCP relay to `upstreamPort`, on `port` (0 = any free one; a relay closed
    /// before may be opened again on its port: the server "restarted").
    convenience init(plainTo upstreamPort: Int, port: Int = 0) async throws {
        try await self.init(upstreamPort: upstreamPort, context: nil, port: port)
    }

    convenience init(upstreamPort: Int, certificate: String, key: String, clientCA: String? = nil) async throws {
        var tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(certificate).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(file: key, format: .pem))
        )
        tls.applicationProtocols = ["h2"]
        if let clientCA {
            tls.certificateVerification = .noHostnameVerification
            tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(clientCA))
        }
        try await self.init(upstreamPort: upstreamPort, context: try NIOSSLContext(configuration: tls), port: 0)
    }

    private init(upstreamPort: Int, context: NIOSSLContext?, port: Int) async throws {
        let connections = ConnectionSet()
        self.connections = connections
        self.channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { downstream in
                connections.add(downstream)
                return downstream.eventLoop.makeCompletedFuture {
                    let front = BytePipe()
                    if let context {
                        try downstream.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: context))
                    }
                    try downstream.pipeline.syncOperations.addHandler(front)
                    Self.connect(downstream, front: NIOLoopBound(front, eventLoop: downstream.eventLoop), upstreamPort)
                }
            }
            .bind(host: "127.0.0.1", port: port)
            .get()
        self.port = self.channel.localAddress?.port ?? 0
    }

    /// Connects the plaintext side on the same event loop, so both pipes live on one loop.
    private static func connect(_ downstream: any Channel, front: NIOLoopBound<BytePipe>, _ port: Int) {
        let back = NIOLoopBound(BytePipe(), eventLoop: downstream.eventLoop)
        ClientBootstrap(group: downstream.eventLoop)
            .channelInitializer { upstream in
                upstream.eventLoop.makeCompletedFuture { try upstream.pipeline.syncOperations.addHandler(back.value) }
            }
            .connect(host: "127.0.0.1", port: port)
            .whenComplete { result in
                switch result {
                case .success(let upstream):
                    back.value.connect(to: downstream)
                    front.value.connect(to: upstream)
                case .failure:
                    downstream.close(promise: nil)
                }
            }
    }

    /// Stops listening and ends every connection.
    func close() async {
        try? await self.channel.close()
        for connection in self.connections.all { try? await connection.close() }
    }
}

/// The connections a proxy accepted, to end them all.
private final class ConnectionSet: Sendable {
    private let channels = Mutex<[any Channel]>([])

    func add(_ channel: any Channel) {
        self.channels.withLock { $0.append(channel) }
    }

    var all: [any Channel] { self.channels.withLock { $0 } }
}

/// One direction of the proxy: what its channel reads is written to the peer, held until the
/// peer is there; either side closing closes the other.
private final class BytePipe: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private var peer: (any Channel)?
    private var pending: [ByteBuffer] = []
    private var closed = false

    func connect(to peer: any Channel) {
        if self.closed {
            peer.close(promise: nil)
            return
        }
        self.peer = peer
        for buffer in self.pending { peer.write(buffer, promise: nil) }
        self.pending = []
        peer.flush()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = Self.unwrapInboundIn(data)
        if let peer = self.peer {
            peer.writeAndFlush(buffer, promise: nil)
        } else {
            self.pending.append(buffer)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.closed = true
        self.peer?.close(promise: nil)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
