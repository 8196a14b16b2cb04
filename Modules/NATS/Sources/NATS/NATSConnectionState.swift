import NIOCore
import Synchronization

/// What the channel handler and the client share for one connection: the callers waiting for
/// the server (INFO, PONG, replies). Every waiter is resumed exactly once; messages go to the
/// client's subscriptions, which outlive the connection.
final class NATSConnectionState: Sendable {
    private struct State {
        var infoWaiter: CheckedContinuation<String, any Error>?
        var info: String?
        /// In the order the PINGs were written; a keepalive PING waits with no continuation.
        var pongWaiters: [(id: UInt64, continuation: CheckedContinuation<Void, any Error>?)] = []
        /// Keepalive PINGs since the last PONG.
        var pingsOutstanding = 0
        var replies: [String: CheckedContinuation<NATSMessage, any Error>] = [:]
        var closedError: NATSError?
        var lastServerError: String?
        /// `-ERR 'Permissions Violation ...'` texts not yet claimed by the operation that
        /// caused them (the connection stays up after one).
        var violations: [String] = []
    }

    private let state = Mutex(State())
    let subscriptions: NATSSubscriptions
    /// The subscription replies to requests arrive on; other messages skip the reply lookup.
    let inboxSID: UInt64?
    /// Called once, when the connection ends (the client reconnects or gives up).
    private let onClose: @Sendable (NATSError) -> Void
    /// Called with every INFO, the handshake's and those the server sends later (cluster
    /// changes, lame-duck mode), on the connection's event loop.
    private let onInfo: @Sendable (String) -> Void

    init(
        subscriptions: NATSSubscriptions, inboxSID: UInt64? = nil,
        onClose: @escaping @Sendable (NATSError) -> Void = { _ in },
        onInfo: @escaping @Sendable (String) -> Void = { _ in }
    ) {
        self.subscriptions = subscriptions
        self.inboxSID = inboxSID
        self.onClose = onClose
        self.onInfo = onInfo
    }

    // MARK: Inbound, from the channel handler

    func received(_ operation: NATSInbound) {
        switch operation {
        case .info(let info):
            let waiter = self.state.withLock { state -> CheckedContinuation<String, any Error>? in
                state.info = info
                defer { state.infoWaiter = nil }
                return state.infoWaiter
            }
            waiter?.resume(returning: info)
            self.onInfo(info)
        case .pong:
            let waiter = self.state.withLock { state in
                state.pingsOutstanding = 0
                return state.pongWaiters.isEmpty ? nil : state.pongWaiters.removeFirst()
            }
            waiter?.continuation?.resume()
        case .message(let sid, let message):
            if sid == self.inboxSID,
                let reply = self.state.withLock({ $0.replies.removeValue(forKey: message.subject) })
            {
                reply.resume(returning: message)
            } else {
                self.subscriptions.deliver(sid: sid, message)
            }
        case .error(let message):
            self.state.withLock { state in
                state.lastServerError = message
                if message.contains("Permissions Violation") {
                    if state.violations.count >= 100 { state.violations.removeFirst() }
                    state.violations.append(message)
                }
            }
            // Authorization and protocol errors end the connection; the server closes it.
            if message.lowercased().contains("authorization") || message.lowercased().contains("authentication") {
                self.fail(NATSError(.connectionFailed, "NATS refused the connection: \(message)"))
            }
        case .ping, .ok:
            break
        }
    }

    /// Fails every waiter of this connection; the first failure reports the connection closed.
    func fail(_ error: NATSError) {
        let (first, info, pongs, replies) = self.state.withLock { state in
            let first = state.closedError == nil
            if first {
                state.closedError = error
            } else if state.closedError?.code == .closed, error.code != .closed {
                // The channel may close before the error that closed it is caught (a TLS
                // handshake failure): the reason replaces the bare "closed".
                state.closedError = error
            }
            defer {
                state.infoWaiter = nil
                state.pongWaiters = []
                state.replies = [:]
            }
            return (first, state.infoWaiter, state.pongWaiters, state.replies)
        }
        info?.resume(throwing: error)
        for waiter in pongs { waiter.continuation?.resume(throwing: error) }
        for reply in replies.values { reply.resume(throwing: error) }
        if first { self.onClose(error) }
    }

    var closedError: NATSError? { self.state.withLock { $0.closedError } }

    /// The first unclaimed permission violation naming `subject`, removed.
    func takeViolation(naming subject: String) -> String? {
        self.state.withLock { state in
            guard let index = state.violations.firstIndex(where: { $0.contains("\"\(subject)\"") }) else {
                return nil
            }
            return state.violations.remove(at: index)
        }
    }
    var lastServerError: String? { self.state.withLock { $0.lastServerError } }

    // MARK: Waiting, from the client

    func waitForInfo() async throws -> String {
        try await withCheckedThrowingContinuation { continuation in
            let ready = self.state.withLock { state -> Result<String, NATSError>? in
                if let error = state.closedError { return .failure(error) }
                if let info = state.info { return .success(info) }
                state.infoWaiter = continuation
                return nil
            }
            if let ready { continuation.resume(with: ready) }
        }
    }

    /// Registers a PONG waiter before the PING is written (PONGs come in order).
    func expectPong(id: UInt64, _ continuation: CheckedContinuation<Void, any Error>) -> NATSError? {
        self.state.withLock { state in
            if let error = state.closedError { return error }
            state.pongWaiters.append((id, continuation))
            return nil
        }
    }

    /// Counts a keepalive PING about to be written and returns how many are unanswered with
    /// it, or nil when the connection ended. Registered like a flush's PING, so PONGs keep
    /// matching their PINGs in order; not registered when it is one too many (`limit`): the
    /// connection is stale then, and no PING is written.
    func keepalivePing(limit: Int) -> Int? {
        self.state.withLock { state in
            guard state.closedError == nil else { return nil }
            state.pingsOutstanding += 1
            if state.pingsOutstanding <= limit {
                state.pongWaiters.append((0, nil))
            }
            return state.pingsOutstanding
        }
    }

    /// A flush gave up waiting: its place stays (the PONG, if it comes, is its own), its
    /// caller is told now.
    func cancelPong(id: UInt64, error: NATSError) {
        let waiter = self.state.withLock { state -> CheckedContinuation<Void, any Error>? in
            guard id != 0, let index = state.pongWaiters.firstIndex(where: { $0.id == id }) else { return nil }
            defer { state.pongWaiters[index].continuation = nil }
            return state.pongWaiters[index].continuation
        }
        waiter?.resume(throwing: error)
    }

    func expectReply(on subject: String, _ continuation: CheckedContinuation<NATSMessage, any Error>) -> NATSError? {
        self.state.withLock { state in
            if let error = state.closedError { return error }
            state.replies[subject] = continuation
            return nil
        }
    }

    func cancelReply(on subject: String, error: NATSError) {
        let waiter = self.state.withLock { $0.replies.removeValue(forKey: subject) }
        waiter?.resume(throwing: error)
    }
}
