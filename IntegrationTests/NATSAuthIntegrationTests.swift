import Foundation
import NATS
import NIOCore
import Testing

/// The NATS client against private `nats-server`s that demand credentials or TLS.
@Suite("NATS client against servers with authorisation and TLS")
struct NATSAuthIntegrationTests {
    static func connect(_ url: String) async throws -> NATSClient {
        var configuration = try NATSConfiguration(urls: [url])
        configuration.maxReconnectAttempts = 0
        return try await NATSClient.connect(configuration: configuration, logger: TestDatabase.logger)
    }

    /// A round trip through the server: the connection is really authorised.
    static func roundTrip(_ client: NATSClient) async throws -> String? {
        let subscription = try await client.subscribe("auth.check")
        try await client.flush()
        try await client.publish("auth.check", payload: ByteBuffer(string: "ok"))
        for await message in subscription { return String(buffer: message.payload) }
        return nil
    }

    static func expectRefused(_ url: String, secret: String) async {
        do {
            let client = try await Self.connect(url)
            await client.close()
            Issue.record("a connection with wrong or no credentials was accepted")
        } catch let error as NATSError {
            #expect(error.code == .connectionFailed)
            #expect(error.message.contains("Authorization Violation"), "\(error.message)")
            #expect(!error.message.contains(secret), "\(error.message)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test("user and password: right ones connect, wrong or none are refused with the server's reason")
    func userPassword() async throws {
        let server = try await PrivateNATSServer(options: ["--user", "router", "--pass", "s3cret-pw"])
        let client = try await Self.connect("nats://router:s3cret-pw@127.0.0.1:\(server.port)")
        #expect(try await Self.roundTrip(client) == "ok")
        await client.close()
        await Self.expectRefused("nats://router:wrong-pw@127.0.0.1:\(server.port)", secret: "wrong-pw")
        await Self.expectRefused(server.url, secret: "s3cret-pw")
        try await server.stop()
    }

    @Test("token: the right one connects, a wrong one is refused")
    func token() async throws {
        let server = try await PrivateNATSServer(options: ["--auth", "t0ken-value"])
        let client = try await Self.connect("nats://t0ken-value@127.0.0.1:\(server.port)")
        #expect(try await Self.roundTrip(client) == "ok")
        await client.close()
        await Self.expectRefused("nats://other-token@127.0.0.1:\(server.port)", secret: "other-token")
        try await server.stop()
    }

    @Test("a server that requires TLS is refused with a message saying so, never used in plaintext")
    func tlsRequired() async throws {
        let certificates = try TemporaryFolder()
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        openssl.arguments = [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
            "-keyout", certificates.path + "/key.pem", "-out", certificates.path + "/cert.pem",
        ]
        openssl.standardOutput = FileHandle.nullDevice
        openssl.standardError = FileHandle.nullDevice
        try openssl.run()
        openssl.waitUntilExit()
        try #require(openssl.terminationStatus == 0, "openssl could not make a test certificate")
        let server = try await PrivateNATSServer(options: [
            "--tls", "--tlscert", certificates.path + "/cert.pem", "--tlskey", certificates.path + "/key.pem",
        ])
        do {
            let client = try await Self.connect(server.url)
            await client.close()
            Issue.record("a TLS-only server was used without TLS")
        } catch let error as NATSError {
            #expect(error.code == .connectionFailed)
            #expect(error.message.contains("requires TLS"), "\(error.message)")
            #expect(error.message.contains("127.0.0.1:\(server.port)"), "\(error.message)")
        }
        try await server.stop()
    }
}
