import Foundation
import Logging
import NIOCore
import Synchronization

/// A small NATS client over SwiftNIO: connect (servers in order, user/password or token),
/// publish with headers, subscribe, request/reply, flush, drain. When the connection is lost
/// it reconnects with backoff (servers in turn) and subscribes again; calls made meanwhile
/// fail at once with `.closed`, and subscriptions keep their streams.
public final class NATSClient: Sendable {
    enum Connection: Sendable {
        case connecting
        case connected(NATSLink)
        case reconnecting(since: ContinuousClock.Instant)
        case closed(NATSError)
    }

    public let configuration: NATSConfiguration
    let logger: Logger
    let subscriptions = NATSSubscriptions()
    let inbox: String
    let inboxSID: UInt64
    private let connection = Mutex(Connection.connecting)
    private let reconnects = Atomic<Int>(0)

    private init(configuration: NATSConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        self.inbox = "_INBOX.\(UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased())"
        self.inboxSID = self.subscriptions.nextID()
    }

    /// Connects to the first server that answers and completes the handshake.
    public static func connect(configuration: NATSConfiguration, logger: Logger) async throws -> NATSClient {
        let client = NATSClient(configuration: configuration, logger: logger)
        var failures: [String] = []
        for server in configuration.servers {
            do {
                let link = try await client.open(server)
                client.connection.withLock { $0 = .connected(link) }
                client.checkInstalled(link)
                return client
            } catch {
                logger.warning("NATS server unavailable", metadata: ["nats.server": "\(server)", "error": "\(error)"])
                failures.append("\(server): \(error)")
            }
        }
        let error = NATSError(.connectionFailed, "cannot connect to NATS (\(failures.joined(separator: "; ")))")
        client.connection.withLock { $0 = .closed(error) }
        throw error
    }

    /// The server of the current connection, if connected.
    public var server: NATSConfiguration.Server? {
        if case .connected(let link) = self.connection.withLock({ $0 }) { return link.server }
        return nil
    }

    /// Closed by `close()`/`drain()` or after giving up reconnecting; not while reconnecting.
    public var isClosed: Bool {
        if case .closed = self.connection.withLock({ $0 }) { return true }
        return false
    }

    /// How many times the client connected again after losing the connection.
    public var reconnectCount: Int { self.reconnects.load(ordering: .relaxed) }

    /// Publishes `payload` on `subject`, with headers (HPUB) when given.
    public func publish(_ subject: String, payload: ByteBuffer, headers: [String: String] = [:], replyTo: String? = nil)
        async throws
    {
        try await self.link().write(Self.publication(subject, payload: payload, headers: headers, replyTo: replyTo))
    }

    static func publication(_ subject: String, payload: ByteBuffer, headers: [String: String], replyTo: String?)
        -> ByteBuffer
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
        return buffer
    }

    /// Subscribes to `subject` (wildcards allowed), in a queue group when `queue` is given.
    /// A persistent subscription is renewed after a reconnect; otherwise its stream ends when
    /// the connection is lost (reply inboxes of a single request).
    public func subscribe(_ subject: String, queue: String? = nil, persistent: Bool = true) async throws
        -> NATSSubscription
    {
        let link = try self.link()
        let sid = self.subscriptions.nextID()
        let (stream, continuation) = AsyncStream<NATSMessage>.makeStream(bufferingPolicy: .unbounded)
        self.subscriptions.add(
            sid: sid, .init(subject: subject, queue: queue, persistent: persistent, continuation: continuation))
        do {
            try await link.write(NATSSubscriptions.subscribeLine(subject, queue: queue, sid: sid))
        } catch {
            self.subscriptions.remove(sid: sid)
            throw error
        }
        return NATSSubscription(sid: sid, messages: stream, client: self)
    }

    func unsubscribe(sid: UInt64) async throws {
        self.subscriptions.remove(sid: sid)
        try await self.link().write("UNSUB \(sid)\r\n")
    }

    /// Sends a request and waits for the first reply.
    public func request(
        _ subject: String,
        payload: ByteBuffer,
        headers: [String: String] = [:],
        timeout: Duration = .seconds(5)
    ) async throws -> NATSMessage {
        let link = try self.link()
        let replySubject = "\(self.inbox).\(self.subscriptions.nextID())"
        let reply: NATSMessage = try await withDeadline(timeout, link.state, "waiting for a reply on \(subject)") {
            try await withCheckedThrowingContinuation { continuation in
                if let error = link.state.expectReply(on: replySubject, continuation) {
                    continuation.resume(throwing: error)
                    return
                }
                Task {
                    do {
                        try await link.write(
                            Self.publication(subject, payload: payload, headers: headers, replyTo: replySubject))
                    } catch {
                        link.state.cancelReply(on: replySubject, error: NATSError(.closed, "\(error)", cause: error))
                    }
                }
            }
        } onTimeout: {
            link.state.cancelReply(
                on: replySubject, error: NATSError(.timeout, "no reply on \(subject) within \(timeout)"))
        }
        if reply.header("Status") == "503" {
            throw NATSError(.noResponders, "no responders on \(subject)")
        }
        return reply
    }

    /// Round-trips a PING: everything written before it has reached the server.
    public func flush(timeout: Duration = .seconds(5)) async throws {
        try await self.link().flush(timeout: timeout)
    }

    /// Flushes what was written and closes the connection; subscriptions end.
    public func close() async {
        let link = self.connection.withLock { connection -> NATSLink? in
            defer { connection = .closed(NATSError(.closed, "the NATS client was closed")) }
            if case .connected(let link) = connection { return link }
            return nil
        }
        self.subscriptions.finishAll()
        if let link {
            try? await link.flush(timeout: .seconds(2))
            await link.close()
        }
    }

    /// Unsubscribes everything, waits until the server has processed what was published, then
    /// closes: nothing this client sent is lost and no new message is delivered.
    public func drain(timeout: Duration = .seconds(5)) async {
        if let link = try? self.link() {
            let unsubscribe = self.subscriptions.activeSIDs.map { "UNSUB \($0)\r\n" }.joined()
            if !unsubscribe.isEmpty { try? await link.write(unsubscribe) }
            try? await link.flush(timeout: timeout)
        }
        await self.close()
    }

    // MARK: Connection

    private func link() throws -> NATSLink {
        switch self.connection.withLock({ $0 }) {
        case .connected(let link): return link
        case .connecting: throw NATSError(.closed, "NATS is not connected yet")
        case .reconnecting: throw NATSError(.closed, "the NATS connection was lost; reconnecting")
        case .closed(let error): throw error
        }
    }

    private func open(_ server: NATSConfiguration.Server) async throws -> NATSLink {
        try await NATSLink.open(
            to: server,
            configuration: self.configuration,
            subscriptions: self.subscriptions,
            inbox: (subject: self.inbox + ".*", sid: self.inboxSID)
        ) { [weak self] link, error in
            self?.lost(link, error)
        }
    }

    /// A link that failed between its handshake and being installed reported its loss while
    /// it was not current (ignored then): report it again now that it is.
    private func checkInstalled(_ link: NATSLink) {
        if let error = link.state.closedError { self.lost(link, error) }
    }

    /// The current connection ended: reconnect unless the client was closed.
    private func lost(_ link: NATSLink, _ error: NATSError) {
        let reconnect = self.connection.withLock { connection in
            guard case .connected(let current) = connection, current === link else { return false }
            connection = .reconnecting(since: .now)
            return true
        }
        guard reconnect else { return }
        self.subscriptions.connectionLost()
        self.logger.warning(
            "NATS connection lost; reconnecting", metadata: ["nats.server": "\(link.server)", "error": "\(error)"])
        Task { await self.reconnect() }
    }

    private func reconnect() async {
        var wait = self.configuration.reconnectWait
        var attempt = 0
        while true {
            for server in self.configuration.servers {
                guard case .reconnecting = self.connection.withLock({ $0 }) else { return }
                do {
                    let link = try await self.open(server)
                    let installed = self.connection.withLock { connection in
                        guard case .reconnecting = connection else { return false }
                        connection = .connected(link)
                        return true
                    }
                    guard installed else {
                        await link.close()
                        return
                    }
                    self.checkInstalled(link)
                    self.reconnects.add(1, ordering: .relaxed)
                    self.logger.info(
                        "NATS reconnected", metadata: ["nats.server": "\(server)", "attempts": "\(attempt + 1)"])
                    return
                } catch {
                    self.logger.debug(
                        "NATS reconnect attempt failed", metadata: ["nats.server": "\(server)", "error": "\(error)"])
                }
            }
            attempt += 1
            if let limit = self.configuration.maxReconnectAttempts, attempt >= limit {
                let error = NATSError(.connectionFailed, "gave up reconnecting to NATS after \(attempt) attempts")
                self.connection.withLock { connection in
                    if case .reconnecting = connection { connection = .closed(error) }
                }
                self.subscriptions.finishAll()
                self.logger.error("\(error)")
                return
            }
            // Full jitter between half the wait and the wait, so replicas do not reconnect in step.
            let jittered = wait * Double.random(in: 0.5...1.0)
            try? await Task.sleep(for: jittered)
            wait = min(wait * 2, self.configuration.maxReconnectWait)
        }
    }
}

/// The messages of one subscription, until it is unsubscribed or the client closes.
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
