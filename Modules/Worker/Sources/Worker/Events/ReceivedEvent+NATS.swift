import EventTypes
import Foundation
import NATS
import NIOFoundationCompat

extension ReceivedEvent {
    /// An event from a NATS message: its subject, body and `Nats-Msg-Id`.
    init(
        _ message: NATSMessage,
        ack: @escaping @Sendable () async throws -> Void,
        nak: @escaping @Sendable (_ delay: Duration) async throws -> Void
    ) {
        self.init(
            subject: message.subject, body: Data(buffer: message.payload),
            messageID: message.header("Nats-Msg-Id"), ack: ack, nak: nak)
    }
}
