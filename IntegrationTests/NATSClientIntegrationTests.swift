import Foundation
import Logging
import NATS
import NIOCore
import Testing

/// The SwiftNIO NATS client against the real `nats-server -js` (NATS_URL).
@Suite("NATS client against nats-server")
struct NATSClientIntegrationTests {
    static var urls: [String] {
        (ProcessInfo.processInfo.environment["NATS_URL"] ?? "nats://127.0.0.1:4222").split(separator: ",").map(
            String.init)
    }

    static func connect() async throws -> NATSClient {
        try await NATSClient.connect(configuration: try NATSConfiguration(urls: Self.urls), logger: TestDatabase.logger)
    }

    @Test("publish and subscribe, with headers")
    func pubSub() async throws {
        let client = try await Self.connect()
        let subject = "it.\(UUID().uuidString.prefix(8).lowercased())"
        let subscription = try await client.subscribe(subject + ".>")
        try await client.flush()
        try await client.publish(subject + ".one", payload: ByteBuffer(string: #"{"n":1}"#))
        try await client.publish(subject + ".two", payload: ByteBuffer(string: "two"), headers: ["Nats-Msg-Id": "m-2"])
        var received: [NATSMessage] = []
        for await message in subscription {
            received.append(message)
            if received.count == 2 { break }
        }
        #expect(received.map(\.subject) == [subject + ".one", subject + ".two"])
        #expect(received[0].payload == ByteBuffer(string: #"{"n":1}"#))
        #expect(received[1].header("Nats-Msg-Id") == "m-2")
        try await subscription.unsubscribe()
        await client.close()
    }

    @Test("a message over the server's max_payload (1 MiB) is refused before it is sent; the connection stays")
    func maxPayload() async throws {
        let client = try await Self.connect()
        let subject = "it.big.\(UUID().uuidString.prefix(8).lowercased())"
        let subscription = try await client.subscribe(subject)
        try await client.flush()
        let big = ByteBuffer(repeating: UInt8(ascii: "x"), count: 2 * 1024 * 1024)
        do {
            try await client.publish(subject, payload: big)
            Issue.record("a 2 MiB publish was sent")
        } catch let error as NATSError {
            #expect(error.code == .payloadTooLarge)
            #expect(error.message.contains("2097152 bytes") && error.message.contains("1048576"), "\(error.message)")
        }
        await #expect(throws: NATSError.self) {
            _ = try await client.request(subject, payload: big, timeout: .seconds(2))
        }
        // The same connection goes on.
        try await client.publish(subject, payload: ByteBuffer(string: "small"))
        try await client.flush()
        var iterator = subscription.makeAsyncIterator()
        #expect(await iterator.next().map { String(buffer: $0.payload) } == "small")
        #expect(client.reconnectCount == 0)
        try await subscription.unsubscribe()
        await client.close()
    }

    @Test("request and reply; no responders is an error")
    func requestReply() async throws {
        let client = try await Self.connect()
        let subject = "it.svc.\(UUID().uuidString.prefix(8).lowercased())"
        let service = try await client.subscribe(subject)
        try await client.flush()
        let responder = Task {
            for await message in service {
                if let reply = message.replyTo {
                    try await client.publish(
                        reply, payload: ByteBuffer(string: "echo:" + String(buffer: message.payload)))
                }
            }
        }
        let reply = try await client.request(subject, payload: ByteBuffer(string: "hi"), timeout: .seconds(5))
        #expect(String(buffer: reply.payload) == "echo:hi")
        await #expect(throws: NATSError.self) {
            _ = try await client.request(
                "it.nobody.\(UUID().uuidString.prefix(8))", payload: ByteBuffer(), timeout: .seconds(5))
        }
        try await service.unsubscribe()
        responder.cancel()
        await client.close()
    }

    @Test("a server that is not there fails with a message naming it")
    func unreachable() async throws {
        do {
            _ = try await NATSClient.connect(
                configuration: try NATSConfiguration(urls: ["nats://127.0.0.1:1"]), logger: TestDatabase.logger)
            Issue.record("expected a connection failure")
        } catch let error as NATSError {
            #expect(error.code == .connectionFailed)
            #expect(error.message.contains("127.0.0.1:1"))
        }
    }

    @Test(
        "after a server restart the client reconnects, subscribes again and publishes (plaintext, TLS)",
        arguments: [false, true])
    func reconnects(tls: Bool) async throws {
        let certificates = try await TestCertificates()
        let server = try await PrivateNATSServer(
            options: tls
                ? ["--tls", "--tlscert", certificates.serverCertificate, "--tlskey", certificates.serverKey] : [])
        var configuration = try NATSConfiguration(urls: [server.url])
        if tls { configuration.tls = NATSTLS(caPath: certificates.caCertificate) }
        configuration.reconnectWait = .milliseconds(50)
        configuration.maxReconnectWait = .milliseconds(500)
        // The client reconnects while its `run()` runs: beside the body, in `withConnection`.
        try await NATSClient.withConnection(configuration: configuration, logger: TestDatabase.logger) { client in
            let subscription = try await client.subscribe("restart.>")
            var iterator = subscription.makeAsyncIterator()
            try await client.publish("restart.before", payload: ByteBuffer(string: "1"))
            #expect(await iterator.next()?.subject == "restart.before")

            try await server.stop()
            await #expect(throws: NATSError.self) {
                try await client.publish("restart.down", payload: ByteBuffer(string: "lost"))
                try await client.flush(timeout: .seconds(1))
            }
            #expect(!client.isClosed)
            try await server.start()
            let deadline = ContinuousClock.now + .seconds(15)
            while client.reconnectCount == 0 && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(client.reconnectCount == 1)
            // The server delivers to the renewed subscription, on the stream the caller already had.
            try await client.publish("restart.after", payload: ByteBuffer(string: "2"))
            #expect(await iterator.next()?.subject == "restart.after")

            await client.drain()
            #expect(client.isClosed)
            #expect(await iterator.next() == nil)
        }
        try await server.stop()
    }
}
