import Definitions
import Foundation

/// An event as the router sees it: the JSON object of the message body
/// (`{"id", "type", "version", "timestamp", "publisher", "attributes"}`), its resolved type
/// and ID.
public struct EventEnvelope: Sendable, Hashable {
    /// The body as received.
    public var body: JSONValue
    public var type: String?
    public var id: String

    /// Parses a message body. A body that is not a JSON object is refused (the router acks,
    /// counts and logs it). The ID is the envelope's `id`, else `messageID` (the
    /// `Nats-Msg-Id` header), else a new UUID: `deliveryID`'s when given (the same on every
    /// delivery of this message), else a random one.
    public init(body data: Data, messageID: String?, deliveryID: String? = nil) throws(EventEnvelopeError) {
        guard let value = try? JSONValue.parse(data), case .object = value else {
            throw EventEnvelopeError(message: "message body is not a JSON object")
        }
        self.body = value
        self.type = value["type"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
        if let id = value["id"]?.stringValue, !id.isEmpty {
            self.id = id
        } else if let messageID, !messageID.isEmpty {
            self.id = messageID
        } else if let deliveryID, !deliveryID.isEmpty {
            self.id = deliveryID
        } else {
            self.id = UUID().uuidString.lowercased()
        }
    }
}

/// Why a message body is not an event.
public struct EventEnvelopeError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public var description: String { self.message }
}
