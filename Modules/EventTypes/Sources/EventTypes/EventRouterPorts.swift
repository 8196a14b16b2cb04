import Definitions
import Foundation

/// One message from the event stream, with its acknowledgements.
public struct ReceivedEvent: Sendable {
    public var subject: String
    public var body: Data
    /// The `Nats-Msg-Id` header, if any.
    public var messageID: String?
    /// Stays the same when this message is delivered again (a stream sequence, say): the event
    /// ID when neither the body nor `messageID` has one, so a redelivery after a partial
    /// failure starts no workflow twice.
    public var deliveryID: String?
    /// Which delivery of this message this is (1 = the first), when the source knows.
    public var deliveryCount: Int?
    /// The stream and sequence of the message, when it came from a stream (for the log and
    /// the dead-letter envelope).
    public var stream: String?
    public var sequence: UInt64?
    public var ack: @Sendable () async throws -> Void
    public var nak: @Sendable (_ delay: Duration) async throws -> Void
    /// Ends the message for good (JetStream `+TERM`): it is never delivered again.
    public var term: @Sendable (_ reason: String) async throws -> Void

    public init(
        subject: String,
        body: Data,
        messageID: String?,
        deliveryID: String? = nil,
        deliveryCount: Int? = nil,
        stream: String? = nil,
        sequence: UInt64? = nil,
        ack: @escaping @Sendable () async throws -> Void,
        nak: @escaping @Sendable (_ delay: Duration) async throws -> Void,
        term: (@Sendable (_ reason: String) async throws -> Void)? = nil
    ) {
        self.subject = subject
        self.body = body
        self.messageID = messageID
        self.deliveryID = deliveryID
        self.deliveryCount = deliveryCount
        self.stream = stream
        self.sequence = sequence
        self.ack = ack
        self.nak = nak
        self.term = term ?? { _ in try await ack() }
    }
}

/// Where events come from: the JetStream durable consumer in production.
public protocol EventSource: Sendable {
    /// Receives up to `batch` events within `expires`, handing each to `receive` as soon as
    /// it arrives; returns how many arrived.
    func fetch(batch: Int, expires: Duration, receive: @escaping @Sendable (ReceivedEvent) -> Void) async throws -> Int
}

/// Starts `RunActivityWorkflow`: Temporal in production.
public protocol WorkflowStarter: Sendable {
    /// Starts the workflow with reject-duplicate ID reuse; false when it already ran.
    func start(workflowID: String, input: Data) async throws -> Bool
    /// True when `error` says the starter is unavailable for now (not that this start is bad).
    func isUnavailable(_ error: any Error) -> Bool
    /// Returns once the starter answers again (or the task is cancelled).
    func waitUntilAvailable() async
}

extension WorkflowStarter {
    public func isUnavailable(_ error: any Error) -> Bool { false }
    public func waitUntilAvailable() async {}
}

/// Supplies the current routing index; refreshed when definitions or event types change.
public protocol RoutingIndexProvider: Sendable {
    func currentIndex() async throws -> RoutingIndex
    /// Called before each fetch: a provider that cannot be told of changes right now (its
    /// notifications are down) checks for them here, once per batch.
    func beforeBatch() async
}

extension RoutingIndexProvider {
    public func beforeBatch() async {}
}

/// Where the router announces an event it gave up on (`org.activity.event.dead_lettered`):
/// NATS in production.
public protocol DeadLetterPublisher: Sendable {
    func publish(deadLetter envelope: JSONValue, messageID: String) async throws
}
