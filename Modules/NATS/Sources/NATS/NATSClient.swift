import Foundation
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// A small NATS client over SwiftNIO: connect (servers in order, user/password or token),
/// publish with headers, subscribe, request/reply, flush, drain.
///
/// A ServiceLifecycle `Service`: `run()` connects (servers in turn, with backoff) and keeps
/// the connection, PINGing it and reconnecting after a loss and subscribing again; calls made
/// while there is no connection fail at once with `.closed`, and subscriptions keep their
/// streams. On graceful shutdown (or cancellation) `run()` drains the client. The lifecycle's
/// decisions are the value type `NATSConnectionLifecycle`.
///
/// The client starts no task of its own: whatever keeps the connection runs inside `run()`,
/// in the caller's task tree. Outside a service group, `withConnection(configuration:logger:_:)`
/// connects, runs `run()` beside its body and closes the client when the body returns;
/// `connect(configuration:logger:)` only connects (nothing PINGs or reconnects until `run()`
/// runs).
public final class NATSClient: Service, Sendable, CustomStringConvertible {
    public let configuration: NATSConfiguration
    let logger: Logger
    let subscriptions = NATSSubscriptions()
    let inbox: String
    let inboxSID: UInt64
    private let lifecycle: Mutex<NATSConnectionLifecycle<NATSLink>>
    /// The servers to try, in order.
    private let pool: Mutex<NATSServerPool>
    private let reconnects = Atomic<Int>(0)
    /// Told of each loss of the current link; `run()` reconnects.
    private let losses: AsyncStream<Void>
    private let lossContinuation: AsyncStream<Void>.Continuation

    public init(configuration: NATSConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        self.lifecycle = Mutex(NATSConnectionLifecycle(configuration))
        self.pool = Mutex(NATSServerPool(configured: configuration.servers, randomize: configuration.randomize))
        self.inbox = "_INBOX.\(UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased())"
        self.inboxSID = self.subscriptions.nextID()
        (self.losses, self.lossContinuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    /// Connects to the first server that answers (or throws, naming each server's failure).
    /// The client then keeps that one connection: it PINGs, reconnects after a loss and
    /// drains on shutdown only while `run()` runs (see `withConnection`).
    public static func connect(configuration: NATSConfiguration, logger: Logger) async throws -> NATSClient {
        let client = NATSClient(configuration: configuration, logger: logger)
        var failures: [String] = []
        for server in client.servers {
            do {
                if try await client.connect(to: server) { return client }
            } catch {
                logger.warning("NATS server unavailable", metadata: ["nats.server": "\(server)", "error": "\(error)"])
                client.pool.withLock { $0.moveToBack(server) }
                failures.append("\(server): \(error)")
            }
        }
        let error = NATSError(.connectionFailed, "cannot connect to NATS (\(failures.joined(separator: "; ")))")
        _ = client.lifecycle.withLock { $0.close() }
        throw error
    }

    /// Connects (as `connect`), runs `body` with the client while `run()` keeps the connection
    /// in a child task (PINGs, reconnects), then drains the client and ends `run()`.
    public static func withConnection<Result>(
        configuration: NATSConfiguration, logger: Logger, _ body: (NATSClient) async throws -> Result
    ) async throws -> Result {
        let client = try await Self.connect(configuration: configuration, logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await client.run() }
            defer { group.cancelAll() }
            do {
                let result = try await body(client)
                await client.drain()
                return result
            } catch {
                await client.close()
                throw error
            }
        }
    }

    /// Connects, reconnects after every loss, and drains on graceful shutdown or cancellation.
    /// While a link is current, it is PINGed every `pingInterval` (a child task that ends with
    /// it). Returns when the client was closed; throws the reason when it gave up
    /// (`maxReconnectAttempts`).
    public func run() async throws {
        await cancelWhenGracefulShutdown {
            var losses = self.losses.makeAsyncIterator()
            while !Task.isCancelled {
                if self.lifecycle.withLock({ $0.wantsConnection }) {
                    guard await self.connectRounds() else { return }
                }
                let current = self.lifecycle.withLock { $0.current }
                // Until the current link is lost (nil: cancelled).
                let lost = await withDiscardingTaskGroup { group in
                    if let current {
                        group.addTask {
                            await current.keepalive(
                                interval: self.configuration.pingInterval,
                                limit: self.configuration.maxPingsOutstanding)
                        }
                    }
                    defer { group.cancelAll() }
                    return await losses.next() != nil
                }
                guard lost else { return }
            }
        }
        if case .closed(let error) = self.lifecycle.withLock({ $0.state }), error.code == .connectionFailed {
            throw error
        }
        await self.drain()
    }

    /// The servers in the order the next connection tries them.
    var servers: [NATSConfiguration.Server] { self.pool.withLock { $0.servers } }

    /// The server of the current connection, if connected.
    public var server: NATSConfiguration.Server? {
        self.lifecycle.withLock { $0.current?.server }
    }

    /// Closed by `close()`/`drain()` or after giving up reconnecting; not while reconnecting.
    public var isClosed: Bool { self.lifecycle.withLock { $0.isClosed } }

    /// How many times the client connected again after losing the connection.
    public var reconnectCount: Int { self.reconnects.load(ordering: .relaxed) }

    /// What ServiceLifecycle logs of this service: its name, never its configuration.
    public var description: String { "NATSClient" }

    /// Publishes `payload` on `subject`, with headers (HPUB) when given.
    /// A message over the server's `max_payload` is `.payloadTooLarge` and is not sent (the
    /// server would close the connection, which the router shares).
    public func publish(_ subject: String, payload: ByteBuffer, headers: [String: String] = [:], replyTo: String? = nil)
        async throws
    {
        let link = try self.link()
        try Self.checkSize(subject, payload: payload, headers: headers, on: link)
        try await link.write(Self.publication(subject, payload: payload, headers: headers, replyTo: replyTo))
    }

    static func checkSize(_ subject: String, payload: ByteBuffer, headers: [String: String], on link: NATSLink)
        throws(NATSError)
    {
        guard let limit = link.maxPayload, limit > 0 else { return }
        let size = payload.readableBytes + (headers.isEmpty ? 0 : Self.headerBlock(headers).utf8.count)
        guard size > limit else { return }
        throw NATSError(
            .payloadTooLarge,
            "the message on \(subject) is \(size) bytes; NATS server \(link.server) takes at most \(limit) (max_payload)"
        )
    }

    static func headerBlock(_ headers: [String: String]) -> String {
        var block = "NATS/1.0\r\n"
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) { block += "\(name): \(value)\r\n" }
        return block + "\r\n"
    }

    static func publication(_ subject: String, payload: ByteBuffer, headers: [String: String], replyTo: String?)
        -> ByteBuffer
    {
        var buffer = ByteBuffer()
        let reply = replyTo.map { " \($0)" } ?? ""
        if headers.isEmpty {
            buffer.writeString("PUB \(subject)\(reply) \(payload.readableBytes)\r\n")
        } else {
            let block = Self.headerBlock(headers)
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
        let (stream, continuation) = AsyncStream<NATSMessage>.makeStream(bufferingPolicy: .unbounded)
        let sid = try await self.subscribe(subject, queue: queue, persistent: persistent, sink: .stream(continuation))
        return NATSSubscription(sid: sid, messages: stream, client: self)
    }

    /// Subscribes to `subject` as `subscribe` does (persistent), handing each message to
    /// `handler` on the connection's event loop as it arrives: no task reads the messages.
    /// `handler` must not block. Returns the subscription's sid, for `unsubscribe(sid:)`.
    func subscribe(
        _ subject: String, queue: String? = nil, handler: @escaping @Sendable (NATSMessage) -> Void
    ) async throws -> UInt64 {
        try await self.subscribe(subject, queue: queue, persistent: true, sink: .init(deliver: handler, finish: {}))
    }

    private func subscribe(_ subject: String, queue: String?, persistent: Bool, sink: NATSSubscriptions.Sink)
        async throws -> UInt64
    {
        let link = try self.link()
        let sid = self.subscriptions.nextID()
        self.subscriptions.add(sid: sid, .init(subject: subject, queue: queue, persistent: persistent, sink: sink))
        do {
            try await link.write(NATSSubscriptions.subscribeLine(subject, queue: queue, sid: sid))
        } catch {
            self.subscriptions.remove(sid: sid)
            throw error
        }
        return sid
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
        try Self.checkSize(subject, payload: payload, headers: headers, on: link)
        let replySubject = "\(self.inbox).\(self.subscriptions.nextID())"
        let reply: NATSMessage = try await withDeadline(
            timeout, on: link.channel.eventLoop, link.state, "waiting for a reply on \(subject)"
        ) {
            try await withCheckedThrowingContinuation { continuation in
                if let error = link.state.expectReply(on: replySubject, continuation) {
                    continuation.resume(throwing: error)
                    return
                }
                // Written from here, with the write deadline: no task of its own.
                link.send(Self.publication(subject, payload: payload, headers: headers, replyTo: replySubject)) {
                    error in
                    link.state.cancelReply(on: replySubject, error: error)
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

    /// Throws the permission violation the server reported for `subject` since the last such
    /// check (after a flush, every violation a publish caused has arrived), with its words.
    public func takePermissionViolation(for subject: String) throws(NATSError) {
        guard let link = self.lifecycle.withLock({ $0.current }),
            let violation = link.state.takeViolation(naming: subject)
        else { return }
        throw NATSError(.serverError, "NATS refused the message on \(subject): \(violation)")
    }

    /// Round-trips a PING: everything written before it has reached the server.
    public func flush(timeout: Duration = .seconds(5)) async throws {
        try await self.link().flush(timeout: timeout)
    }

    /// Flushes what was written and closes the connection; subscriptions end, and so does
    /// `run()`.
    public func close() async {
        let link = self.lifecycle.withLock { $0.close() }
        self.lossContinuation.finish()
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
        try self.lifecycle.withLock { lifecycle throws(NATSError) in try lifecycle.link() }
    }

    /// Opens a link to `server` and installs it; false when the client was closed meanwhile.
    private func connect(to server: NATSConfiguration.Server) async throws -> Bool {
        let link = try await NATSLink.open(
            to: server,
            configuration: self.configuration,
            subscriptions: self.subscriptions,
            inbox: (subject: self.inbox + ".*", sid: self.inboxSID),
            onInfo: { [weak self] link, info in self?.received(info, from: server, on: link) },
            onClose: { [weak self] link, error in self?.lost(link, error) }
        )
        switch self.lifecycle.withLock({ $0.opened(link) }) {
        case .closeIt:
            await link.close()
            return false
        case .installed(let reconnect):
            if reconnect {
                self.reconnects.add(1, ordering: .relaxed)
                self.logger.info("NATS reconnected", metadata: ["nats.server": "\(server)"])
            } else {
                self.logger.info("connected to NATS", metadata: ["nats.server": "\(server)"])
            }
            // A link that failed between its handshake and being installed reported its loss
            // while it was not current (ignored then): report it again now that it is.
            if let error = link.state.closedError { self.lost(link, error) }
            return true
        }
    }

    /// Rounds over the servers until one answers (true), or the client is closed or gives up
    /// (false).
    private func connectRounds() async -> Bool {
        while !Task.isCancelled {
            for server in self.servers {
                guard self.lifecycle.withLock({ $0.wantsConnection }) else { return !self.isClosed }
                do {
                    if try await self.connect(to: server) { return true }
                    return false
                } catch {
                    // Warned once per outage; the rounds after that at debug level.
                    self.pool.withLock { $0.moveToBack(server) }
                    let first = self.lifecycle.withLock { lifecycle in
                        lifecycle.attemptFailed("\(server): \(error)")
                        return lifecycle.failedRounds == 0
                    }
                    self.logger.log(
                        level: first ? .warning : .debug, "NATS server unavailable",
                        metadata: ["nats.server": "\(server)", "error": "\(error)"])
                }
            }
            switch self.lifecycle.withLock({ $0.roundFailed(jitter: Double.random(in: 0...1)) }) {
            case .retry(let delay):
                try? await Task.sleep(for: delay)
            case .giveUp(let error):
                self.subscriptions.finishAll()
                self.logger.error("\(error)")
                return false
            case .stop:
                return false
            }
        }
        return false
    }

    /// The current connection ended: `run()` reconnects unless the client was closed.
    private func lost(_ link: NATSLink, _ error: NATSError) {
        guard self.lifecycle.withLock({ $0.lost(link, reason: "\(error)") }) else { return }
        // The next connection tries the other servers first.
        self.pool.withLock { $0.moveToBack(link.server) }
        self.subscriptions.connectionLost()
        self.logger.warning(
            "NATS connection lost; reconnecting", metadata: ["nats.server": "\(link.server)", "error": "\(error)"])
        self.lossContinuation.yield()
    }
}

extension NATSClient {
    /// An INFO from `server`: the servers it announces join the pool; a server entering
    /// lame-duck mode is left at once (it goes to the back of the pool), before it closes the
    /// connection itself.
    func received(_ info: NATSServerInfo, from server: NATSConfiguration.Server, on link: NATSLink?) {
        let added = self.pool.withLock { $0.announce(info.connectURLs ?? [], by: server) }
        if !added.isEmpty {
            self.logger.debug(
                "NATS servers announced by the cluster",
                metadata: ["nats.server": "\(server)", "nats.servers.added": "\(added)"])
        }
        guard info.lameDuckMode == true, let link, self.lifecycle.withLock({ $0.current === link }) else { return }
        self.logger.warning(
            "NATS server entered lame-duck mode; connecting to another", metadata: ["nats.server": "\(server)"])
        self.pool.withLock { $0.moveToBack(server) }
        link.abandon(NATSError(.closed, "NATS server \(server) entered lame-duck mode"))
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
