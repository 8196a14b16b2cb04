import Foundation
import Logging

/// Publishes a message on a NATS subject: `NATSEventPublisher` in the worker,
/// `LoggingEventPublisher` where no NATS is wanted (tests of other parts).
public protocol EventPublisher: Sendable {
    func publish(subject: String, payload: Data, messageID: String?) async throws
    /// `publish`, given up after `timeout` (a `nats.publish` action's `timeout_seconds`).
    func publish(subject: String, payload: Data, messageID: String?, within timeout: Duration) async throws
}

extension EventPublisher {
    /// A publisher that does not wait for anything ignores the deadline.
    public func publish(subject: String, payload: Data, messageID: String?, within timeout: Duration) async throws {
        try await self.publish(subject: subject, payload: payload, messageID: messageID)
    }
}

/// Logs what would be published, for runs without NATS: a `nats.publish` action then fails
/// (non-retryable, with a message saying so) rather than pretending to publish, and
/// completion envelopes are only logged.
public struct LoggingEventPublisher: EventPublisher {
    public let logger: Logger

    public init(logger: Logger) {
        self.logger = logger
    }

    public func publish(subject: String, payload: Data, messageID: String?) async throws {
        self.logger.info(
            "event (not published: no NATS configured)",
            metadata: [
                "nats.subject": "\(subject)", "nats.msg_id": "\(messageID ?? "")",
                "event": "\(String(decoding: payload, as: UTF8.self))",
            ]
        )
    }

    public var isReal: Bool { false }
}
