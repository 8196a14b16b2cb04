import Definitions
import Runs

/// `nats.publish`: publishes the run document to the action's subject.
public struct NATSPublishActionExecutor: ActionExecutor {
    public let publisher: any EventPublisher

    public init(publisher: any EventPublisher) {
        self.publisher = publisher
    }

    public func execute(_ action: ActivityAction, document: JSONValue, workflowID: String) async throws -> JSONValue {
        guard let subject = action.subject else {
            throw ActionError("nats.publish action without a subject", retryable: false)
        }
        if self.publisher is LoggingEventPublisher {
            throw ActionError(
                "nats.publish needs a NATS connection, and this worker runs without one", retryable: false)
        }
        do {
            // Stored by a stream that captures the subject within the action's timeout, or failed.
            try await self.publisher.publish(
                subject: subject, payload: document.canonicalJSON(), messageID: workflowID,
                within: .seconds(action.timeoutSeconds))
        } catch let error as NATSError where error.code == .payloadTooLarge {
            // The same document is as large on every attempt.
            throw ActionError("publishing to \(subject) failed: \(error)", retryable: false)
        } catch {
            throw ActionError("publishing to \(subject) failed: \(error)", retryable: true)
        }
        return .object(["published": .string(subject)])
    }
}
