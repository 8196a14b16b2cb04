import Foundation
import NATS
import NIOCore
import Testing

/// The NATS client against private `nats-server`s that demand credentials or TLS.
@Suite("NATS client against servers with authorisation and TLS")
struct NATSAuthIntegrationTests {
    static func connect(_ url: String, tls: NATSTLS = NATSTLS()) async throws -> NATSClient {
        var configuration = try NATSConfiguration(urls: [url])
        configuration.maxReconnectAttempts = 0
        configuration.tls = tls
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

    /// Refused by the server for its credentials; the message never shows the secret.
    static func expectRefused(_ url: String, secret: String) async {
        let message = await Self.expectFailure(url, tls: NATSTLS(), containing: "Authorization Violation")
        #expect(message.map { !$0.contains(secret) } ?? true, "\(message ?? "")")
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

    /// A connection that must fail with `text` in its message; the message, when it failed.
    @discardableResult
    static func expectFailure(_ url: String, tls: NATSTLS, containing text: String) async -> String? {
        do {
            let client = try await Self.connect(url, tls: tls)
            await client.close()
            Issue.record("connected; expected a failure with \(text)")
        } catch let error as NATSError {
            #expect(error.code == .connectionFailed)
            #expect(error.message.contains(text), "\(error.message)")
            return error.message
        } catch {
            Issue.record("unexpected \(error)")
        }
        return nil
    }

    @Test("TLS: a TLS-only server is used over TLS with the CA given; an untrusted one is refused")
    func tls() async throws {
        let certificates = try await TestCertificates()
        let server = try await PrivateNATSServer(options: [
            "--tls", "--tlscert", certificates.serverCertificate, "--tlskey", certificates.serverKey,
        ])
        // nats:// and a server that requires TLS: upgraded, never plaintext.
        let upgraded = try await Self.connect(server.url, tls: NATSTLS(caPath: certificates.caCertificate))
        #expect(try await Self.roundTrip(upgraded) == "ok")
        await upgraded.close()
        let asked = try await Self.connect(
            "tls://127.0.0.1:\(server.port)", tls: NATSTLS(caPath: certificates.caCertificate))
        #expect(try await Self.roundTrip(asked) == "ok")
        await asked.close()
        await Self.expectFailure(server.url, tls: NATSTLS(), containing: "CERTIFICATE_VERIFY_FAILED")
        await Self.expectFailure(
            server.url, tls: NATSTLS(caPath: certificates.otherCACertificate), containing: "CERTIFICATE_VERIFY_FAILED")
        try await server.stop()
    }

    @Test("mutual TLS: with the client certificate accepted, without it refused")
    func mutualTLS() async throws {
        let certificates = try await TestCertificates()
        let server = try await PrivateNATSServer(options: [
            "--tlsverify", "--tlscert", certificates.serverCertificate, "--tlskey", certificates.serverKey,
            "--tlscacert", certificates.caCertificate,
        ])
        let client = try await Self.connect(
            server.url,
            tls: NATSTLS(
                caPath: certificates.caCertificate, certificatePath: certificates.clientCertificate,
                keyPath: certificates.clientKey))
        #expect(try await Self.roundTrip(client) == "ok")
        await client.close()
        await Self.expectFailure(
            server.url, tls: NATSTLS(caPath: certificates.caCertificate), containing: "CERTIFICATE_REQUIRED")
        try await server.stop()
    }

    @Test("tls:// against a server without TLS is refused, never used in plaintext")
    func tlsNotOffered() async throws {
        let server = try await PrivateNATSServer()
        await Self.expectFailure("tls://127.0.0.1:\(server.port)", tls: NATSTLS(), containing: "does not offer TLS")
        try await server.stop()
    }

    @Test("the worker over TLS (NATS_URL tls://, NATS_TLS_CA): ready, and Tools/smoke passes publishing over TLS")
    func workerOverTLS() async throws {
        let certificates = try await TestCertificates()
        let server = try await PrivateNATSServer(options: [
            "--tls", "--tlscert", certificates.serverCertificate, "--tlskey", certificates.serverKey,
        ])
        let folder = try TemporaryFolder()
        try folder.write("on-ping.yaml", "id: on-ping\ntrigger: {type: event, event_type: it.ping}\n")
        let schema = TestDatabase.newSchemaName()
        defer { CommandLineTests.dropSchema(schema) }
        let environment = ActivityCoreProcess.workerEnvironment(
            schema: schema, definitions: folder.path,
            extra: ["NATS_URL": "tls://127.0.0.1:\(server.port)", "NATS_TLS_CA": certificates.caCertificate])
        let worker = try await WorkerUnderTest.start(environment: environment, token: "tok-\(schema)")
        defer { try? FileManager.default.removeItem(at: worker.log) }
        var ready = try await worker.call(.GET, "/readyz")
        for _ in 0..<50 where ready.status != 200 {
            try await Task.sleep(for: .milliseconds(100))
            ready = try await worker.call(.GET, "/readyz")
        }
        #expect(ready.status == 200, "\(ready.text) \(worker.logText)")
        let (status, text) = try await SmokeIntegrationTests.runSmoke(
            worker: worker, root: folder.path, schema: schema,
            environment: ["NATS_URL": "tls://127.0.0.1:\(server.port)", "NATS_TLS_CA": certificates.caCertificate])
        #expect(status == 0, "\(text)\n\(worker.logText)")
        // A flat root stays flat: the smoke's own folder is gone, on-ping is live again.
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["on-ping.yaml"])
        let definitions = try await worker.call(.GET, "/admin/definitions")
        let onPing = definitions.list.first { $0["id"] as? String == "on-ping" }
        #expect(onPing?["retired"] as? Bool == false, "\(definitions.text)")
        #expect(try await worker.stop() == 0)
        await TestTemporal.deleteAllSchedules(prefix: environment["ACTIVITY_SCHEDULE_PREFIX"] ?? "")
        try await server.stop()
    }
}
