import AsyncHTTPClient
import Foundation
import NIOCore
import NIOSSL
import Testing

extension WorkerSecuritySuites {
    /// Issue 26 item 5's TLS against a worker: with `ACTIVITY_HTTP_TLS_CERT` and `_KEY` the admin
    /// port serves HTTPS (and nothing in plain HTTP), the header deadline also closes a
    /// connection that never starts its handshake, and a key that does not match, or one of the
    /// two variables alone, stops the worker with exit 2 naming them.
    @Suite("The admin port over TLS", .timeLimit(.minutes(3)))
    struct AdminTLSIntegrationTests {
        @Test("HTTPS with the configured certificate; plain HTTP gets nothing; a silent socket is closed")
        func https() async throws {
            let certificates = try await TestCertificates()
            let schema = TestDatabase.newSchemaName()
            let folder = try TemporaryFolder()
            try folder.write("echo.yaml", "id: echo\naction: {type: echo}\n")
            defer { CommandLineTests.dropSchema(schema) }
            let environment = ActivityCoreProcess.workerEnvironment(
                schema: schema, definitions: folder.path,
                extra: [
                    "ACTIVITY_HTTP_TLS_CERT": certificates.serverCertificate,
                    "ACTIVITY_HTTP_TLS_KEY": certificates.serverKey, "ACTIVITY_HTTP_HEADER_TIMEOUT_SECONDS": "2",
                    "ACTIVITY_EVENT_STREAM": "",
                ])
            let worker = try await WorkerUnderTest.start(environment: environment, token: "tls-token")
            defer { worker.process.terminate() }
            #expect(worker.logText.contains("http.tls=true"), "\(worker.logText.suffix(1_000))")

            var tls = TLSConfiguration.makeClientConfiguration()
            tls.trustRoots = .file(certificates.caCertificate)
            let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(tlsConfiguration: tls))
            defer { Task { try? await client.shutdown() } }
            let base = "https://127.0.0.1:\(worker.port)"
            let health = try await client.execute(HTTPClientRequest(url: base + "/healthz"), timeout: .seconds(30))
            #expect(health.status == .ok)
            var admin = HTTPClientRequest(url: base + "/admin/definitions")
            admin.headers.add(name: "Authorization", value: "Bearer tls-token")
            let listed = try await client.execute(admin, timeout: .seconds(30))
            #expect(listed.status == .ok)
            #expect(listed.headers.first(name: "Cache-Control") == "no-store")
            let body = try await listed.body.collect(upTo: 1 << 20)
            #expect(String(buffer: body).contains("\"echo\""))

            // Plain HTTP on the TLS port gets no answer of the API.
            let plain = try? await HTTPClient.shared.execute(
                HTTPClientRequest(url: "http://127.0.0.1:\(worker.port)/healthz"), timeout: .seconds(10))
            #expect(plain == nil || plain?.status != .ok, "plain HTTP was answered \(plain?.status.code ?? 0)")

            // A connection that never sends its ClientHello is closed by the header deadline.
            let socket = try await WorkerSecuritySuites.HTTPServerLimitsIntegrationTests.RawSocket.open(
                port: worker.port)
            let start = ContinuousClock.now
            while socket.isOpen && ContinuousClock.now - start < .seconds(30) {
                try await Task.sleep(for: .milliseconds(100))
            }
            print("a silent TLS connection was closed after \(ContinuousClock.now - start)")
            #expect(!socket.isOpen)
            #expect(try await worker.stop() == 0)
        }

        @Test("one variable alone, or a key of another certificate: exit 2 naming the variables")
        func badConfiguration() async throws {
            let certificates = try await TestCertificates()
            let schema = TestDatabase.newSchemaName()
            let folder = try TemporaryFolder()
            try folder.write("echo.yaml", "id: echo\naction: {type: echo}\n")
            defer { CommandLineTests.dropSchema(schema) }
            for (extra, expected) in [
                (["ACTIVITY_HTTP_TLS_CERT": certificates.serverCertificate], "ACTIVITY_HTTP_TLS_CERT"),
                (["ACTIVITY_HTTP_TLS_KEY": certificates.serverKey], "ACTIVITY_HTTP_TLS_KEY"),
                (
                    [
                        "ACTIVITY_HTTP_TLS_CERT": certificates.serverCertificate,
                        "ACTIVITY_HTTP_TLS_KEY": certificates.clientKey,
                    ], "ACTIVITY_HTTP_TLS_KEY"
                ),
            ] {
                let environment = ActivityCoreProcess.workerEnvironment(
                    schema: schema, definitions: folder.path, extra: extra.merging(["ACTIVITY_EVENT_STREAM": ""]) { $1 }
                )
                let outcome = try await ActivityCoreProcess.run(["worker"], environment: environment)
                #expect(outcome.status == 2, "\(extra.keys.sorted()): \(outcome.stderr.suffix(600))")
                #expect(outcome.stderr.contains(expected), "\(outcome.stderr.suffix(600))")
            }
        }
    }
}
