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
            try await self.publisher.publish(subject: subject, payload: document.canonicalJSON(), messageID: workflowID)
        } catch {
            throw ActionError("publishing to \(subject) failed: \(error)", retryable: true)
        }
        return .object(["published": .string(subject)])
    }
}
