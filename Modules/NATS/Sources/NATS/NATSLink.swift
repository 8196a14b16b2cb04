import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import Synchronization

/// One TCP connection to one server, after the handshake: INFO read, CONNECT sent, the
/// client's reply inbox and persistent subscriptions subscribed, and a PONG received.
final class NATSLink: Sendable {
    let server: NATSConfiguration.Server
    let channel: any Channel
    let state: NATSConnectionState
    /// How long one write may wait for the socket before the link counts as stale.
    let writeTimeout: Duration
    /// The largest message (headers and payload) the server takes, from its INFO.
    let maxPayload: Int?

    private init(
        server: NATSConfiguration.Server, channel: any Channel, state: NATSConnectionState, writeTimeout: Duration,
        maxPayload: Int?
    ) {
        self.server = server
        self.channel = channel
        self.state = state
        self.writeTimeout = writeTimeout
        self.maxPayload = maxPayload
    }

    /// `onInfo` gets every INFO with the link (nil for the handshake's, before the link exists).
    static func open(
        to server: NATSConfiguration.Server,
        configuration: NATSConfiguration,
        subscriptions: NATSSubscriptions,
        inbox: (subject: String, sid: UInt64),
        onInfo: @escaping @Sendable (NATSLink?, NATSServerInfo) -> Void = { _, _ in },
        onClose: @escaping @Sendable (NATSLink, NATSError) -> Void
    ) async throws -> NATSLink {
        let holder = LinkHolder()
        let state = NATSConnectionState(
            subscriptions: subscriptions, inboxSID: inbox.sid,
            onClose: { error in
                if let link = holder.link { onClose(link, error) }
            },
            onInfo: { text in
                if let info = NATSServerInfo(json: text) { onInfo(holder.link, info) }
            })
        let timeout = Self.timeAmount(configuration.connectTimeout)
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(timeout)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(NATSChannelHandler(state: state))
                }
            }
            .connect(host: server.host, port: server.port)
            .get()
        let link: NATSLink
        do {
            let info = try await withDeadline(
                configuration.connectTimeout, on: channel.eventLoop, state, "waiting for INFO"
            ) {
                try await state.waitForInfo()
            }
            link = NATSLink(
                server: server, channel: channel, state: state, writeTimeout: configuration.writeTimeout,
                maxPayload: NATSServerInfo(json: info)?.maxPayload)
            if try Self.needsTLS(server: server, tls: configuration.tls, info: info) {
                try await Self.startTLS(on: channel, server: server, tls: configuration.tls)
            }
            let proof = try configuration.credentials?.proof(nonce: NATSServerInfo(json: info)?.nonce)
            try await link.write(
                Self.connectLine(server: server, name: configuration.name, proof: proof)
                    + NATSSubscriptions.subscribeLine(inbox.subject, queue: nil, sid: inbox.sid)
                    + subscriptions.subscribeLines())
            try await link.flush(timeout: configuration.connectTimeout)
        } catch {
            try? await channel.close()
            if let refused = state.lastServerError {
                throw NATSError(.connectionFailed, "NATS refused the connection: \(refused)")
            }
            // The first failure says why (a TLS handshake, say), not the write it broke.
            if let cause = state.closedError, cause.code == .connectionFailed { throw cause }
            throw error
        }
        // Only a link that completed the handshake reports its loss; one lost before its client
        // installs it is caught by `NATSClient.install`.
        holder.link = link
        return link
    }

    /// The INFO's `tls_required`: the server takes TLS clients only.
    static func requiresTLS(info: String) -> Bool {
        NATSServerInfo(json: info)?.tlsRequired == true
    }

    /// TLS when the server requires it, or when asked for (`tls://`, TLS files); asked for and
    /// not offered is an error, never a plaintext connection.
    static func needsTLS(server: NATSConfiguration.Server, tls: NATSTLS, info: String) throws -> Bool {
        if Self.requiresTLS(info: info) { return true }
        guard server.requiresTLS || tls.isConfigured else { return false }
        guard NATSServerInfo(json: info)?.tlsAvailable == true else {
            throw NATSError(
                .connectionFailed,
                "NATS server \(server) does not offer TLS, which \(server.requiresTLS ? "its tls:// URL" : "NATS_TLS_*") "
                    + "asks for")
        }
        return true
    }

    /// Puts a TLS client in front of the protocol handler and lets it handshake (writes wait
    /// for it). A handshake failure fails the connection like any other error.
    static func startTLS(on channel: any Channel, server: NATSConfiguration.Server, tls: NATSTLS) async throws {
        var configuration = TLSConfiguration.makeClientConfiguration()
        let context: NIOSSLContext
        do {
            if let ca = tls.caPath { configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(ca)) }
            if let certificate = tls.certificatePath, let key = tls.keyPath {
                configuration.certificateChain = try NIOSSLCertificate.fromPEMFile(certificate).map { .certificate($0) }
                configuration.privateKey = .privateKey(try NIOSSLPrivateKey(file: key, format: .pem))
            }
            context = try NIOSSLContext(configuration: configuration)
        } catch {
            throw NATSError(.invalidConfiguration, "cannot load the NATS TLS files: \(error)", cause: error)
        }
        // An IP address is no TLS server name: the certificate is checked against the address.
        let isAddress = (try? SocketAddress(ipAddress: server.host, port: server.port)) != nil
        let hostname = isAddress ? nil : server.host
        try await channel.eventLoop.submit {
            try channel.pipeline.syncOperations.addHandler(
                try NIOSSLClientHandler(context: context, serverHostname: hostname), position: .first)
        }.get()
    }

    static func connectLine(server: NATSConfiguration.Server, name: String, proof: NATSCredentials.Proof? = nil)
        -> String
    {
        var options = NATSConnectOptions(name: name)
        if let user = server.user, let password = server.password {
            options.user = user
            options.pass = password
        }
        options.authToken = server.token
        options.nkey = proof?.nkey
        options.jwt = proof?.jwt
        options.sig = proof?.signature
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Strings, numbers and booleans: encodable by construction.
        let json = (try? encoder.encode(options)) ?? Data("{}".utf8)
        return "CONNECT \(String(decoding: json, as: UTF8.self))\r\n"
    }

    func write(_ text: String) async throws {
        try await self.write(ByteBuffer(string: text))
    }

    /// Writes within `writeTimeout`: a write the socket does not take by then (a frozen
    /// server stopped reading) makes the link stale, which fails the write.
    func write(_ buffer: ByteBuffer) async throws {
        if let error = self.state.closedError { throw error }
        do {
            try await self.startWrite(buffer).get()
        } catch {
            throw self.writeError(error)
        }
    }

    /// Writes without waiting (from a continuation's closure), with `write`'s deadline;
    /// `onFailure` is told when the write fails.
    func send(_ buffer: ByteBuffer, onFailure: @escaping @Sendable (NATSError) -> Void) {
        if let error = self.state.closedError {
            onFailure(error)
            return
        }
        self.startWrite(buffer).whenFailure { error in onFailure(self.writeError(error)) }
    }

    private func startWrite(_ buffer: ByteBuffer) -> EventLoopFuture<Void> {
        let promise = self.channel.eventLoop.makePromise(of: Void.self)
        let deadline = self.channel.eventLoop.scheduleTask(in: Self.timeAmount(self.writeTimeout)) {
            self.abandon(
                NATSError(
                    .stale, "a write to NATS server \(self.server) did not complete within \(self.writeTimeout)"))
        }
        promise.futureResult.whenComplete { _ in deadline.cancel() }
        self.channel.writeAndFlush(buffer, promise: promise)
        return promise.futureResult
    }

    /// A stale link's reason, else the write's own error.
    private func writeError(_ error: any Error) -> NATSError {
        if let closed = self.state.closedError, closed.code == .stale { return closed }
        return NATSError(.closed, "cannot write to NATS: \(error)", cause: error)
    }

    /// Gives the link up (stale, or its server is leaving): callers waiting on it fail with
    /// `error`, the client is told and reconnects, the socket is closed.
    func abandon(_ error: NATSError) {
        self.state.fail(error)
        self.channel.close(promise: nil)
    }

    /// PINGs every `interval` until the link ends; when more than `limit` are unanswered, the
    /// server is taken to hang (frozen, partitioned) and the link is abandoned as stale.
    func keepalive(interval: Duration, limit: Int) async {
        while (try? await Task.sleep(for: interval)) != nil {
            guard let outstanding = self.state.keepalivePing(limit: limit) else { return }
            guard outstanding <= limit else {
                self.abandon(
                    NATSError(
                        .stale,
                        "NATS server \(self.server) answered none of \(limit) PINGs sent \(interval) apart: stale connection"
                    ))
                return
            }
            try? await self.write("PING\r\n")
        }
    }

    static func timeAmount(_ duration: Duration) -> TimeAmount {
        let (seconds, attoseconds) = duration.components
        return .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }

    /// Round-trips a PING: everything written before it has reached the server.
    func flush(timeout: Duration) async throws {
        let id = UInt64.random(in: 1...UInt64.max)
        try await withDeadline(timeout, on: self.channel.eventLoop, self.state, "waiting for PONG") {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                if let error = self.state.expectPong(id: id, continuation) {
                    continuation.resume(throwing: error)
                    return
                }
                self.channel.writeAndFlush(ByteBuffer(string: "PING\r\n"), promise: nil)
            }
        } onTimeout: {
            self.state.cancelPong(id: id, error: NATSError(.timeout, "no PONG from NATS within \(timeout)"))
        }
    }

    func close() async {
        try? await self.channel.close()
    }
}

/// Set once the handshake completed; read from the channel's event loop on close.
private final class LinkHolder: Sendable {
    private let value = Mutex<NATSLink?>(nil)

    var link: NATSLink? {
        get { self.value.withLock { $0 } }
        set { self.value.withLock { $0 = newValue } }
    }
}

/// Runs `body`; after `timeout` calls `onTimeout` (which must make `body` finish), or fails the
/// connection when there is none. The timer is a task scheduled on the connection's event loop
/// (no Swift task): it fires even while every cooperative thread is busy.
func withDeadline<T: Sendable>(
    _ timeout: Duration,
    on eventLoop: any EventLoop,
    _ state: NATSConnectionState,
    _ what: String,
    _ body: () async throws -> T,
    onTimeout: (@Sendable () -> Void)? = nil
) async throws -> T {
    let timer = eventLoop.scheduleTask(in: NATSLink.timeAmount(timeout)) {
        if let onTimeout {
            onTimeout()
        } else {
            state.fail(NATSError(.timeout, "NATS timeout \(what)"))
        }
    }
    defer { timer.cancel() }
    return try await body()
}
