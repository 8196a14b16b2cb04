import Foundation
import Logging
import NIOCore
import Runs

/// Publishes over core NATS, connecting on first use; the client reconnects by itself after
/// a NATS restart. Each publish is flushed, so a caller that gets no error knows the server
/// has the message; a failure (also while reconnecting) is thrown and the activity retries.
public actor NATSEventPublisher: EventPublisher {
    public let configuration: NATSConfiguration
    let logger: Logger
    private var client: NATSClient?

    public init(configuration: NATSConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    /// Connects now, so that a worker reports an unreachable NATS at startup.
    public func connect() async throws {
        _ = try await self.connected()
    }

    public func publish(subject: String, payload: Data, messageID: String?) async throws {
        let client = try await self.connected()
        var headers: [String: String] = [:]
        if let messageID { headers["Nats-Msg-Id"] = messageID }
        try await client.publish(subject, payload: ByteBuffer(data: payload), headers: headers)
        try await client.flush(timeout: .seconds(5))
    }

    public func close() async {
        await self.client?.drain()
        self.client = nil
    }

    private func connected() async throws -> NATSClient {
        if let client = self.client, !client.isClosed { return client }
        let client = try await NATSClient.connect(configuration: self.configuration, logger: self.logger)
        self.logger.info("connected to NATS", metadata: ["nats.server": "\(client.server.map { "\($0)" } ?? "-")"])
        self.client = client
        return client
    }
}
