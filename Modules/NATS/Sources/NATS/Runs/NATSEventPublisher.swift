import Foundation
import NIOCore
import Runs

/// Publishes over core NATS through a client that keeps its own connection (a service of the
/// worker). Each publish is flushed, so a caller that gets no error knows the server has the
/// message; a failure (also while reconnecting) is thrown and the activity retries.
public struct NATSEventPublisher: EventPublisher {
    public let client: NATSClient

    public init(client: NATSClient) {
        self.client = client
    }

    public func publish(subject: String, payload: Data, messageID: String?) async throws {
        var headers: [String: String] = [:]
        if let messageID { headers["Nats-Msg-Id"] = messageID }
        try await self.client.publish(subject, payload: ByteBuffer(data: payload), headers: headers)
        try await self.client.flush(timeout: .seconds(5))
    }
}
