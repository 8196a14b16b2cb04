import Foundation
import NIOCore
import Runs
import Synchronization

/// Publishes through a client that keeps its own connection (a service of the worker).
///
/// A subject a JetStream stream captures gets an acknowledged publish: the message is sent
/// with a reply subject and `Nats-Msg-Id`, and the publish returns only once the stream has
/// it, trying again with the same ID within `acknowledgementTimeout` (a node down, a leader
/// election); otherwise it fails, and the activity retries. A subject no stream captures is a
/// core publish, flushed, so a caller that gets no error knows the server has it. A
/// permission violation the server reports for the subject fails the publish with the
/// server's words. Whether a subject is captured is asked of JetStream and remembered for
/// `captureCacheTTL`.
public struct NATSEventPublisher: EventPublisher {
    public let client: NATSClient
    public var acknowledgementTimeout: Duration
    public var captureCacheTTL: Duration
    private let captures = CaptureCache()

    public init(
        client: NATSClient, acknowledgementTimeout: Duration = .seconds(30), captureCacheTTL: Duration = .seconds(30)
    ) {
        self.client = client
        self.acknowledgementTimeout = acknowledgementTimeout
        self.captureCacheTTL = captureCacheTTL
    }

    public func publish(subject: String, payload: Data, messageID: String?) async throws {
        try await self.publish(
            subject: subject, payload: payload, messageID: messageID, within: self.acknowledgementTimeout)
    }

    public func publish(subject: String, payload: Data, messageID: String?, within timeout: Duration) async throws {
        let buffer = ByteBuffer(data: payload)
        let messageID = messageID ?? UUID().uuidString.lowercased()
        let js = JetStream(client: self.client)
        if try await self.captured(subject, js) {
            do {
                _ = try await js.publishAcknowledged(
                    subject, payload: buffer, messageID: messageID,
                    deadline: .now + timeout)
            } catch let error as NATSError where error.code == .timeout {
                // The stream may be gone for good: ask again next time.
                self.captures.forget(subject)
                throw error
            }
            return
        }
        try await self.client.publish(subject, payload: buffer, headers: ["Nats-Msg-Id": messageID])
        try await self.client.flush(timeout: .seconds(5))
        try self.client.takePermissionViolation(for: subject)
    }

    private func captured(_ subject: String, _ js: JetStream) async throws -> Bool {
        if let known = self.captures.lookup(subject) { return known }
        let captured = try await js.streamCaptures(subject)
        self.captures.remember(subject, captured, until: .now + self.captureCacheTTL)
        return captured
    }
}

/// Whether a subject is captured by a stream, remembered for a while.
final class CaptureCache: Sendable {
    private let entries = Mutex<[String: (captured: Bool, until: ContinuousClock.Instant)]>([:])

    func lookup(_ subject: String, now: ContinuousClock.Instant = .now) -> Bool? {
        self.entries.withLock { entries in
            guard let entry = entries[subject], entry.until > now else { return nil }
            return entry.captured
        }
    }

    func remember(_ subject: String, _ captured: Bool, until: ContinuousClock.Instant) {
        self.entries.withLock { entries in
            if entries.count > 10_000 { entries.removeAll() }
            entries[subject] = (captured, until)
        }
    }

    func forget(_ subject: String) {
        _ = self.entries.withLock { $0.removeValue(forKey: subject) }
    }
}
