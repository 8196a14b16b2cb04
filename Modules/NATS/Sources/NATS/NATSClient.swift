import Foundation
import Logging
import NIOCore
import NIOPosix

/// A small NATS client over SwiftNIO: connect (servers in order, user/password or token),
/// publish with headers, subscribe, request/reply, flush. Reconnection is not automatic
/// yet: a closed connection fails every call, and the owner connects again.
public final class NATSClient: Sendable {
    public let server: NATSConfiguration.Server
    let channel: any Channel
    let state: NATSConnectionState
    let inbox: String
    let inboxSID: UInt64

    private init(server: NATSConfiguration.Server, channel: any Channel, state: NATSConnectionState) {
        self.server = server
        self.channel = channel
        self.state = state
        self.inbox = "_INBOX.\(UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased())"
        self.inboxSID = state.nextID()
    }

    /// Connects to the first server that answers and completes the handshake.
    public static func connect(configuration: NATSConfiguration, logger: Logger) async throws -> NATSClient {
        var failures: [String] = []
        for server in configuration.servers {
            do {
                return try await Self.connect(to: server, configuration: configuration)
            } catch {
                logger.warning("NATS server unavailable", metadata: ["nats.server": "\(server)", "error": "\(error)"])
                failures.append("\(server): \(error)")
            }
        }
        throw NATSError(.connectionFailed, "cannot connect to NATS (\(failures.joined(separator: "; ")))")
    }

    static func connect(to server: NATSConfiguration.Server, configuration: NATSConfiguration) async throws
        -> NATSClient
    {
        let state = NATSConnectionState()
        let timeout = TimeAmount.nanoseconds(Int64(configuration.connectTimeout.components.seconds) * 1_000_000_000)
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(timeout)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(NATSChannelHandler(state: state))
                }
            }
            .connect(host: server.host, port: server.port)
            .get()
        let client = NATSClient(server: server, channel: channel, state: state)
        do {
            _ = try await client.withTimeout(configuration.connectTimeout, "waiting for INFO") {
                try await state.waitForInfo()
            }
            try await client.write(client.connectLine(name: configuration.name))
            try await client.write("SUB \(client.inbox).* \(client.inboxSID)\r\n")
            try await client.flush(timeout: configuration.connectTimeout)
        } catch {
            try? await channel.close()
            if let refused = state.lastServerError {
                throw NATSError(.connectionFailed, "NATS refused the connection: \(refused)")
            }
            throw error
        }
        return client
    }

    func connectLine(name: String) -> String {
        var options: [String: any Sendable] = [
            "verbose": false, "pedantic": false, "lang": "swift", "version": "0.1", "protocol": 1,
            "headers": true, "no_responders": true, "name": name,
        ]
        if let user = self.server.user, let password = self.server.password {
            options["user"] = user
            options["pass"] = password
        }
        if let token = self.server.token { options["auth_token"] = token }
        // The options are strings, numbers and booleans: serialisable by construction.
        let json = (try? JSONSerialization.data(withJSONObject: options, options: [.sortedKeys])) ?? Data("{}".utf8)
        return "CONNECT \(String(decoding: json, as: UTF8.self))\r\n"
    }

    /// Publishes `payload` on `subject`, with headers (HPUB) when given.
    public func publish(_ subject: String, payload: ByteBuffer, headers: [String: String] = [:], replyTo: String? = nil)
        async throws
    {
        var buffer = ByteBuffer()
        let reply = replyTo.map { " \($0)" } ?? ""
        if headers.isEmpty {
            buffer.writeString("PUB \(subject)\(reply) \(payload.readableBytes)\r\n")
        } else {
            var block = "NATS/1.0\r\n"
            for (name, value) in headers.sorted(by: { $0.key < $1.key }) { block += "\(name): \(value)\r\n" }
            block += "\r\n"
            let headerSize = block.utf8.count
            buffer.writeString("HPUB \(subject)\(reply) \(headerSize) \(headerSize + payload.readableBytes)\r\n")
            buffer.writeString(block)
        }
        var body = payload
        buffer.writeBuffer(&body)
        buffer.writeString("\r\n")
        try await self.write(buffer)
    }

    /// Subscribes to `subject` (wildcards allowed), in a queue group when `queue` is given.
    public func subscribe(_ subject: String, queue: String? = nil) async throws -> NATSSubscription {
        let sid = self.state.nextID()
        let (stream, continuation) = AsyncStream<NATSMessage>.makeStream(bufferingPolicy: .unbounded)
        self.state.addSubscription(sid: sid, continuation)
        try await self.write("SUB \(subject)\(queue.map { " \($0)" } ?? "") \(sid)\r\n")
        return NATSSubscription(sid: sid, messages: stream, client: self)
    }

    func unsubscribe(sid: UInt64) async throws {
        self.state.removeSubscription(sid: sid)
        try await self.write("UNSUB \(sid)\r\n")
    }

    /// Sends a request and waits for the first reply.
    public func request(
        _ subject: String,
        payload: ByteBuffer,
        headers: [String: String] = [:],
        timeout: Duration = .seconds(5)
    ) async throws -> NATSMessage {
        let replySubject = "\(self.inbox).\(self.state.nextID())"
        let reply: NATSMessage = try await self.withTimeout(timeout, "waiting for a reply on \(subject)") {
            try await withCheckedThrowingContinuation { continuation in
                if let error = self.state.expectReply(on: replySubject, continuation) {
                    continuation.resume(throwing: error)
                    return
                }
                Task {
                    do {
                        try await self.publish(subject, payload: payload, headers: headers, replyTo: replySubject)
                    } catch {
                        self.state.cancelReply(on: replySubject, error: NATSError(.closed, "\(error)"))
                    }
                }
            }
        } onTimeout: {
            self.state.cancelReply(
                on: replySubject, error: NATSError(.timeout, "no reply on \(subject) within \(timeout)"))
        }
        if reply.header("Status") == "503" {
            throw NATSError(.noResponders, "no responders on \(subject)")
        }
        return reply
    }

    /// Round-trips a PING: everything written before it has reached the server.
    public func flush(timeout: Duration = .seconds(5)) async throws {
        let id = self.state.nextID()
        try await self.withTimeout(timeout, "waiting for PONG") {
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

    /// Flushes what was written and closes the connection.
    public func close() async {
        try? await self.flush(timeout: .seconds(2))
        try? await self.channel.close()
    }

    public var isClosed: Bool { self.state.closedError != nil }

    private func write(_ text: String) async throws {
        try await self.write(ByteBuffer(string: text))
    }

    private func write(_ buffer: ByteBuffer) async throws {
        if let error = self.state.closedError { throw error }
        do {
            try await self.channel.writeAndFlush(buffer)
        } catch {
            throw NATSError(.closed, "cannot write to NATS: \(error)")
        }
    }

    /// Runs `body`; after `timeout` calls `onTimeout` (which must make `body` finish).
    private func withTimeout<T: Sendable>(
        _ timeout: Duration,
        _ what: String,
        _ body: @escaping @Sendable () async throws -> T,
        onTimeout: (@Sendable () -> Void)? = nil
    ) async throws -> T {
        let timer = Task {
            try await Task.sleep(for: timeout)
            if let onTimeout {
                onTimeout()
            } else {
                self.state.fail(NATSError(.timeout, "NATS timeout \(what)"))
            }
        }
        defer { timer.cancel() }
        return try await body()
    }
}

/// The messages of one subscription, until it is unsubscribed or the connection closes.
public struct NATSSubscription: AsyncSequence, Sendable {
    public typealias Element = NATSMessage

    public let sid: UInt64
    let messages: AsyncStream<NATSMessage>
    let client: NATSClient

    public func makeAsyncIterator() -> AsyncStream<NATSMessage>.Iterator {
        self.messages.makeAsyncIterator()
    }

    public func unsubscribe() async throws {
        try await self.client.unsubscribe(sid: self.sid)
    }
}
