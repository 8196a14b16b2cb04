import EventTypes
import Foundation
import Logging
import NATS
import NIOCore
import NIOFoundationCompat

/// The router's events from the JetStream durable consumer. Connects on first use and again
/// after the connection closed (the consumer keeps the position); makes sure the stream and
/// consumer exist and the stream carries the subjects asked for.
public actor JetStreamEventSource: EventSource {
    public let configuration: NATSConfiguration
    public let stream: String
    public let consumer: String
    let logger: Logger
    private var client: NATSClient?
    private var subjects: [String]
    private var appliedSubjects: [String] = []

    public init(configuration: NATSConfiguration, stream: String, consumer: String, subjects: [String], logger: Logger)
    {
        self.configuration = configuration
        self.stream = stream
        self.consumer = consumer
        self.subjects = subjects
        self.logger = logger
    }

    /// Asks for these stream subjects from the next fetch on (after an event-type sync).
    public func require(subjects: [String]) {
        self.subjects = subjects
    }

    /// Connects and sets up stream and consumer now (startup, readiness).
    public func prepare() async throws {
        _ = try await self.jetStream()
    }

    public nonisolated func fetch(batch: Int, expires: Duration) async throws -> [ReceivedEvent] {
        let js = try await self.jetStream()
        let messages: [JetStreamMessage]
        do {
            messages = try await js.fetch(stream: self.stream, durable: self.consumer, batch: batch, expires: expires)
        } catch {
            await self.reset()
            throw error
        }
        return messages.map { message in
            ReceivedEvent(
                subject: message.message.subject,
                body: Data(buffer: message.message.payload),
                messageID: message.message.header("Nats-Msg-Id"),
                ack: { try await message.ack() },
                nak: { delay in try await message.nak(delay: delay) }
            )
        }
    }

    public func close() async {
        await self.client?.close()
        self.client = nil
    }

    private func reset() async {
        await self.client?.close()
        self.client = nil
        self.appliedSubjects = []
    }

    private func jetStream() async throws -> JetStream {
        if let client = self.client, !client.isClosed {
            let js = JetStream(client: client)
            if self.appliedSubjects != self.subjects {
                try await js.ensureStream(self.stream, subjects: self.subjects)
                self.appliedSubjects = self.subjects
            }
            return js
        }
        let client = try await NATSClient.connect(configuration: self.configuration, logger: self.logger)
        let js = JetStream(client: client)
        do {
            try await js.ensureStream(self.stream, subjects: self.subjects)
            try await js.ensureConsumer(stream: self.stream, durable: self.consumer)
        } catch {
            await client.close()
            throw error
        }
        self.client = client
        self.appliedSubjects = self.subjects
        self.logger.info(
            "event stream ready",
            metadata: [
                "nats.stream": "\(self.stream)", "nats.consumer": "\(self.consumer)",
                "nats.subjects": "\(self.subjects)",
            ]
        )
        return js
    }
}
