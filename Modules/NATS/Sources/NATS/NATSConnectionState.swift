import NIOCore
import Synchronization

/// What the channel handler and the client share: subscriptions and the callers waiting for
/// the server (INFO, PONG, replies). Every waiter is resumed exactly once.
final class NATSConnectionState: Sendable {
    private struct State {
        var subscriptions: [UInt64: AsyncStream<NATSMessage>.Continuation] = [:]
        var infoWaiter: CheckedContinuation<String, any Error>?
        var info: String?
        var pongWaiters: [(id: UInt64, continuation: CheckedContinuation<Void, any Error>)] = []
        var replies: [String: CheckedContinuation<NATSMessage, any Error>] = [:]
        var nextID: UInt64 = 1
        var closedError: NATSError?
        var lastServerError: String?
    }

    private let state = Mutex(State())

    func nextID() -> UInt64 {
        self.state.withLock { state in
            defer { state.nextID += 1 }
            return state.nextID
        }
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
        case .pong:
            let waiter = self.state.withLock { state in
                state.pongWaiters.isEmpty ? nil : state.pongWaiters.removeFirst()
            }
            waiter?.continuation.resume()
        case .message(let sid, let message):
            let (subscription, reply) = self.state.withLock { state in
                (state.subscriptions[sid], state.replies.removeValue(forKey: message.subject))
            }
            if let reply {
                reply.resume(returning: message)
            } else {
                subscription?.yield(message)
            }
        case .error(let message):
            self.state.withLock { $0.lastServerError = message }
            // Authorization and protocol errors end the connection; the server closes it.
            if message.lowercased().contains("authorization") || message.lowercased().contains("authentication") {
                self.fail(NATSError(.connectionFailed, "NATS refused the connection: \(message)"))
            }
        case .ping, .ok:
            break
        }
    }

    /// Fails every waiter and ends every subscription.
    func fail(_ error: NATSError) {
        let (info, pongs, replies, subscriptions) = self.state.withLock { state in
            if state.closedError == nil { state.closedError = error }
            defer {
                state.infoWaiter = nil
                state.pongWaiters = []
                state.replies = [:]
                state.subscriptions = [:]
            }
            return (state.infoWaiter, state.pongWaiters, state.replies, state.subscriptions)
        }
        info?.resume(throwing: error)
        for waiter in pongs { waiter.continuation.resume(throwing: error) }
        for reply in replies.values { reply.resume(throwing: error) }
        for subscription in subscriptions.values { subscription.finish() }
    }

    var closedError: NATSError? { self.state.withLock { $0.closedError } }
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

    func cancelPong(id: UInt64, error: NATSError) {
        let waiter = self.state.withLock { state -> CheckedContinuation<Void, any Error>? in
            guard let index = state.pongWaiters.firstIndex(where: { $0.id == id }) else { return nil }
            return state.pongWaiters.remove(at: index).continuation
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

    func addSubscription(sid: UInt64, _ continuation: AsyncStream<NATSMessage>.Continuation) {
        self.state.withLock { $0.subscriptions[sid] = continuation }
    }

    func removeSubscription(sid: UInt64) {
        let continuation = self.state.withLock { $0.subscriptions.removeValue(forKey: sid) }
        continuation?.finish()
    }
}
