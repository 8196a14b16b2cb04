import Crypto
import EventTypes
import Foundation
import NIOFoundationCompat

extension ReceivedEvent {
    /// An event from a NATS message: its subject, body and `Nats-Msg-Id`, and an ID that
    /// stays the same on redelivery.
    init(
        _ message: NATSMessage,
        deliveryID: String,
        ack: @escaping @Sendable () async throws -> Void,
        nak: @escaping @Sendable (_ delay: Duration) async throws -> Void
    ) {
        self.init(
            subject: message.subject, body: Data(buffer: message.payload),
            messageID: message.header("Nats-Msg-Id"), deliveryID: deliveryID, ack: ack, nak: nak)
    }

    /// A UUID made from a message's stream (name and creation time) and sequence: the same on
    /// every delivery of it, different for every other message, also in a recreated stream.
    static func deliveryID(stream: String, created: String, sequence: UInt64) -> String {
        var bytes = Array(SHA256.hash(data: Data("\(stream)/\(created)/\(sequence)".utf8)).prefix(16))
        bytes[6] = (bytes[6] & 0x0F) | 0x50  // version 5 (name-based, SHA)
        bytes[8] = (bytes[8] & 0x3F) | 0x80  // RFC 4122 variant
        let b = bytes
        let uuid = UUID(
            uuid: (b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15])
        )
        return uuid.uuidString.lowercased()
    }
}
