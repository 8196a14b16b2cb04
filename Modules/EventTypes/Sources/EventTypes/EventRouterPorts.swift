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
    public var ack: @Sendable () async throws -> Void
    public var nak: @Sendable (_ delay: Duration) async throws -> Void

    public init(
        subject: String,
        body: Data,
        messageID: String?,
        deliveryID: String? = nil,
        ack: @escaping @Sendable () async throws -> Void,
        nak: @escaping @Sendable (_ delay: Duration) async throws -> Void
    ) {
        self.subject = subject
        self.body = body
        self.messageID = messageID
        self.deliveryID = deliveryID
        self.ack = ack
        self.nak = nak
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
}

/// Supplies the current routing index; refreshed when definitions or event types change.
public protocol RoutingIndexProvider: Sendable {
    func currentIndex() async throws -> RoutingIndex
}
