import Foundation
import Logging

/// Publishes a message on a NATS subject. The NATS module provides the real one; until it
/// exists the worker uses `LoggingEventPublisher`.
public protocol EventPublisher: Sendable {
    func publish(subject: String, payload: Data, messageID: String?) async throws
}

/// Logs what would be published. Stands in for NATS until the NATS adapter lands: a
/// `nats.publish` action fails (non-retryable, with a message saying so) rather than
/// pretending to publish, and completion envelopes are logged.
public struct LoggingEventPublisher: EventPublisher {
    public let logger: Logger

    public init(logger: Logger) {
        self.logger = logger
    }

    public func publish(subject: String, payload: Data, messageID: String?) async throws {
        self.logger.info(
            "event (NATS publishing not available in this build)",
            metadata: [
                "nats.subject": "\(subject)", "nats.msg_id": "\(messageID ?? "")",
                "event": "\(String(decoding: payload, as: UTF8.self))",
            ]
        )
    }

    public var isReal: Bool { false }
}
