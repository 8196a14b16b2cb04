import EventTypes
import Foundation
import NATS
import NIOCore
import Synchronization
import Testing
import Worker

/// The JetStream calls against the real `nats-server -js`.
@Suite("JetStream against nats-server")
struct JetStreamIntegrationTests {
    @Test("stream created when missing, subjects added, durable pull consumer, fetch, ack and nak")
    func pullConsumer() async throws {
        let client = try await NATSClientIntegrationTests.connect()
        let js = JetStream(client: client)
        let tag = UUID().uuidString.prefix(8).lowercased()
        let stream = "IT_\(tag.uppercased())"
        let subject = "it.js.\(tag)"
        #expect(try await js.streamSubjects(stream) == nil)
        #expect(try await js.ensureStream(stream, subjects: ["\(subject).a.>"]) == ["\(subject).a.>"])
        #expect(
            try await js.ensureStream(stream, subjects: ["\(subject).a.>", "\(subject).b"]) == [
                "\(subject).a.>", "\(subject).b",
            ])
        #expect(try await js.streamSubjects(stream) == ["\(subject).a.>", "\(subject).b"])

        // Published before the consumer exists: kept by the stream, delivered later.
        for index in 0..<3 {
            try await client.publish(
                "\(subject).a.x", payload: ByteBuffer(string: "m\(index)"), headers: ["Nats-Msg-Id": "\(tag)-\(index)"])
        }
        try await client.flush()
        try await js.ensureConsumer(stream: stream, durable: "router", ackWait: .seconds(30))
        #expect(try await js.consumerExists(stream: stream, durable: "router"))
        let first = try await js.fetch(stream: stream, durable: "router", batch: 10, expires: .seconds(1))
        #expect(first.map { String(buffer: $0.message.payload) } == ["m0", "m1", "m2"])
        try await first[0].ack()
        try await first[1].ack()
        try await first[2].nak()
        try await client.flush()
        let again = try await js.fetch(stream: stream, durable: "router", batch: 10, expires: .seconds(1))
        #expect(again.map { String(buffer: $0.message.payload) } == ["m2"])
        #expect(try await js.streamCreated("IT_NO_SUCH_\(tag.uppercased())") == nil)
        // The redelivery has the same place in the stream (the event ID of an ID-less event).
        #expect(first.map { $0.streamSequence?.sequence } == [1, 2, 3], "\(first.map(\.message.replyTo))")
        #expect(again.first?.streamSequence?.sequence == 3)
        #expect(again.first?.streamSequence?.stream == stream)
        try await again.first?.ack()
        try await client.flush()
        #expect(try await js.fetch(stream: stream, durable: "router", batch: 10, expires: .milliseconds(500)).isEmpty)

        // Another stream over the same subjects is refused with a message naming this one.
        do {
            try await js.ensureStream("IT_OTHER_\(tag.uppercased())", subjects: ["\(subject).b"])
            Issue.record("expected an overlap refusal")
        } catch let error as NATSError {
            #expect(error.message.contains(stream), "\(error)")
            #expect(error.message.contains("ACTIVITY_EVENT_STREAM"))
        }
        let created = try await js.streamCreated(stream)
        #expect(try await js.deleteStream(stream))
        #expect(try await js.ensureStream(stream, subjects: ["\(subject).a.>"]) == ["\(subject).a.>"])
        let recreated = try await js.streamCreated(stream)
        #expect(
            recreated != nil && recreated != created, "\(String(describing: created)) \(String(describing: recreated))")
        _ = try? await js.deleteStream(stream)
        await client.close()
    }

    @Test("the router's source creates its stream with the configured subjects when an event type's is held elsewhere")
    func sourceCreatesWithConfiguredSubjects() async throws {
        let client = try await NATSClientIntegrationTests.connect()
        let js = JetStream(client: client)
        let id = UUID().uuidString.prefix(8).lowercased()
        let (stream, other) = ("SRC_\(id.uppercased())", "HELD_\(id.uppercased())")
        try await js.ensureStream(other, subjects: ["held.\(id)"])
        let source = JetStreamEventSource(
            client: client, stream: stream,
            consumer: "router", subjects: ["src.\(id).>"], limits: EventStreamLimits(maxBytes: 16_777_216),
            logger: TestDatabase.logger)
        // An event type's subject arrives before the first connection; JetStream refuses it.
        await source.require(subjects: ["src.\(id).>", "held.\(id)"])
        let received = Mutex<[String]>([])
        _ = try await source.fetch(batch: 1, expires: .milliseconds(300)) { _ in }
        #expect(try await js.streamSubjects(stream) == ["src.\(id).>"])
        try await client.publish("src.\(id).one", payload: ByteBuffer(string: "{}"))
        try await client.flush()
        let count = try await source.fetch(batch: 1, expires: .seconds(2)) { event in
            received.withLock { $0.append(event.subject) }
        }
        #expect(count == 1)
        #expect(received.withLock { $0 } == ["src.\(id).one"])
        await source.close()
        try await js.deleteStream(stream)
        try await js.deleteStream(other)
        await client.close()
    }

    @Test("over core NATS a failed event comes back with the same delivery ID until its attempts are spent")
    func coreRetries() async throws {
        let client = try await NATSClientIntegrationTests.connect()
        let id = UUID().uuidString.prefix(8).lowercased()
        let sourceClient = try await NATSClientIntegrationTests.connect()
        let source = CoreNATSEventSource(
            client: sourceClient, queue: "q-\(id)",
            subjects: ["core.\(id).>"], maxAttempts: 3, logger: TestDatabase.logger)
        _ = try await source.fetch(batch: 1, expires: .milliseconds(100)) { _ in }
        try await client.publish("core.\(id).one", payload: ByteBuffer(string: #"{"type":"t"}"#))
        try await client.flush()
        var deliveries: [String] = []
        for _ in 0..<4 {
            let received = Mutex<[ReceivedEvent]>([])
            _ = try await source.fetch(batch: 1, expires: .seconds(2)) { event in received.withLock { $0.append(event) }
            }
            guard let event = received.withLock({ $0.first }) else { break }
            deliveries.append(event.deliveryID ?? "")
            try await event.nak(.milliseconds(50))
        }
        #expect(deliveries.count == 3)
        #expect(Set(deliveries).count == 1)
        #expect(await source.gaveUp == 1)
        await source.close()
        await sourceClient.close()
        await client.close()
    }
}
