import Definitions
import EventTypes
import Runs

/// Publishes the router's dead-letter envelopes on `org.activity.event.dead_lettered` through
/// the worker's publisher (its NATS connection).
struct PublishingDeadLetters: DeadLetterPublisher {
    let publisher: any EventPublisher

    func publish(deadLetter envelope: JSONValue, messageID: String) async throws {
        try await self.publisher.publish(
            subject: EventRouter.deadLetteredType, payload: envelope.canonicalJSON(), messageID: messageID)
    }
}
