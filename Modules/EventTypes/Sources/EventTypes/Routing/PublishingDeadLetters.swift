import Definitions
import Runs

/// Publishes the router's dead-letter envelopes on `org.activity.event.dead_lettered` through
/// the worker's publisher (its NATS connection).
public struct PublishingDeadLetters: DeadLetterPublisher {
    let publisher: any EventPublisher

    public init(publisher: any EventPublisher) {
        self.publisher = publisher
    }

    public func publish(deadLetter envelope: JSONValue, messageID: String) async throws {
        try await self.publisher.publish(
            subject: EventRouter.deadLetteredType, payload: envelope.canonicalJSON(), messageID: messageID)
    }
}
