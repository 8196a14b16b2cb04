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

    private init(server: NATSConfiguration.Server, channel: any Channel, state: NATSConnectionState) {
        self.server = server
        self.channel = channel
        self.state = state
    }

    static func open(
        to server: NATSConfiguration.Server,
        configuration: NATSConfiguration,
        subscriptions: NATSSubscriptions,
        inbox: (subject: String, sid: UInt64),
        onClose: @escaping @Sendable (NATSLink, NATSError) -> Void
    ) async throws -> NATSLink {
        let holder = LinkHolder()
        let state = NATSConnectionState(subscriptions: subscriptions, inboxSID: inbox.sid) { error in
            if let link = holder.link { onClose(link, error) }
        }
        let timeout = TimeAmount.nanoseconds(Int64(configuration.connectTimeout.components.seconds) * 1_000_000_000)
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
        let link = NATSLink(server: server, channel: channel, state: state)
        do {
            let info = try await withDeadline(configuration.connectTimeout, state, "waiting for INFO") {
                try await state.waitForInfo()
            }
            if try Self.needsTLS(server: server, tls: configuration.tls, info: info) {
                try await Self.startTLS(on: channel, server: server, tls: configuration.tls)
            }
            try await link.write(
                Self.connectLine(server: server, name: configuration.name)
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
        Self.flag("tls_required", in: info)
    }

    static func flag(_ name: String, in info: String) -> Bool {
        let object = (try? JSONSerialization.jsonObject(with: Data(info.utf8))) as? [String: Any]
        return object?[name] as? Bool == true
    }

    /// TLS when the server requires it, or when asked for (`tls://`, TLS files); asked for and
    /// not offered is an error, never a plaintext connection.
    static func needsTLS(server: NATSConfiguration.Server, tls: NATSTLS, info: String) throws -> Bool {
        if Self.requiresTLS(info: info) { return true }
        guard server.requiresTLS || tls.isConfigured else { return false }
        guard Self.flag("tls_available", in: info) else {
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

    static func connectLine(server: NATSConfiguration.Server, name: String) -> String {
        var options: [String: any Sendable] = [
            "verbose": false, "pedantic": false, "lang": "swift", "version": "0.1", "protocol": 1,
            "headers": true, "no_responders": true, "name": name,
        ]
        if let user = server.user, let password = server.password {
            options["user"] = user
            options["pass"] = password
        }
        if let token = server.token { options["auth_token"] = token }
        // The options are strings, numbers and booleans: serialisable by construction.
        let json = (try? JSONSerialization.data(withJSONObject: options, options: [.sortedKeys])) ?? Data("{}".utf8)
        return "CONNECT \(String(decoding: json, as: UTF8.self))\r\n"
    }

    func write(_ text: String) async throws {
        try await self.write(ByteBuffer(string: text))
    }

    func write(_ buffer: ByteBuffer) async throws {
        if let error = self.state.closedError { throw error }
        do {
            try await self.channel.writeAndFlush(buffer)
        } catch {
            throw NATSError(.closed, "cannot write to NATS: \(error)", cause: error)
        }
    }

    /// Round-trips a PING: everything written before it has reached the server.
    func flush(timeout: Duration) async throws {
        let id = UInt64.random(in: 1...UInt64.max)
        try await withDeadline(timeout, self.state, "waiting for PONG") {
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
/// connection when there is none.
func withDeadline<T: Sendable>(
    _ timeout: Duration,
    _ state: NATSConnectionState,
    _ what: String,
    _ body: @escaping @Sendable () async throws -> T,
    onTimeout: (@Sendable () -> Void)? = nil
) async throws -> T {
    let timer = Task {
        try await Task.sleep(for: timeout)
        if let onTimeout {
            onTimeout()
        } else {
            state.fail(NATSError(.timeout, "NATS timeout \(what)"))
        }
    }
    defer { timer.cancel() }
    return try await body()
}
