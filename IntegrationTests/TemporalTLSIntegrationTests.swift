import Definitions
import Foundation
import Schedules
import Temporal
import Testing

/// TLS, mTLS and an API key to Temporal (CONTRACT `TEMPORAL_TLS_*`, `TEMPORAL_API_KEY`), against
/// the dev server behind a TLS endpoint of the test's own (`TLSProxy`, certificates made by
/// `openssl`), since the dev server itself speaks plaintext only.
@Suite("Temporal over TLS, mTLS and with an API key")
struct TemporalTLSIntegrationTests {
    static var devServerPort: Int {
        Int(TestTemporal.address.split(separator: ":").last ?? "") ?? 7233
    }

    /// The dev server behind TLS with the test CA's server certificate; `mutual` requires a
    /// client certificate from that CA too.
    static func endpoint(_ certificates: borrowing TestCertificates, mutual: Bool = false) async throws -> TLSProxy {
        try await TLSProxy(
            upstreamPort: Self.devServerPort, certificate: certificates.serverCertificate,
            key: certificates.serverKey, clientCA: mutual ? certificates.caCertificate : nil)
    }

    /// One real RPC (GetSystemInfo) through the endpoint.
    static func call(
        _ address: String, ca: String? = nil, certificate: String? = nil, key: String? = nil, apiKey: String? = nil
    ) async throws {
        let configuration = try TemporalConfiguration(
            address: address, identity: "activity-core-tls-tests", tlsCertificatePath: certificate, tlsKeyPath: key,
            tlsCAPath: ca, apiKey: apiKey, maxAttempts: 1)
        try await TemporalClient.withClient(configuration: configuration, logger: TestDatabase.logger) { client in
            // Generous: the first suites of a full run start together on two cores, and a
            // refusal fails at once anyway.
            try await client.checkConnection(timeout: .seconds(45))
        }
    }

    @Test("TLS with TEMPORAL_TLS_CA: calls go through; a CA that did not sign the server is refused")
    func tls() async throws {
        let certificates = try await TestCertificates()
        let proxy = try await Self.endpoint(certificates)
        try await Self.call(proxy.address, ca: certificates.caCertificate)
        try await Self.call(proxy.address, ca: certificates.caCertificate, apiKey: "it-api-key")
        // Refusals say why (the gRPC error's cause is kept in the message).
        let untrusted = await #expect(throws: TemporalError.self) {
            try await Self.call(proxy.address, ca: certificates.otherCACertificate)
        }
        #expect(untrusted?.message.contains("CERTIFICATE_VERIFY_FAILED") == true, "\(String(describing: untrusted))")
        await #expect(throws: TemporalError.self) { try await Self.call(proxy.address) }
        await proxy.close()
    }

    @Test("mTLS with TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY: accepted; without a client certificate: refused")
    func mutualTLS() async throws {
        let certificates = try await TestCertificates()
        let proxy = try await Self.endpoint(certificates, mutual: true)
        try await Self.call(
            proxy.address, ca: certificates.caCertificate, certificate: certificates.clientCertificate,
            key: certificates.clientKey)
        let anonymous = await #expect(throws: TemporalError.self) {
            try await Self.call(proxy.address, ca: certificates.caCertificate)
        }
        #expect(anonymous?.message.contains("CERTIFICATE_REQUIRED") == true, "\(String(describing: anonymous))")
        await proxy.close()
    }

    @Test("the commands read TEMPORAL_TLS_*: activity-core sync creates a schedule through the mTLS endpoint")
    func commandOverMutualTLS() async throws {
        let certificates = try await TestCertificates()
        let proxy = try await Self.endpoint(certificates, mutual: true)
        let folder = try TemporaryFolder()
        try folder.write("nightly.yaml", "id: nightly\ntrigger: {type: cron, cron_expression: \"0 3 * * *\"}\n")
        let schema = TestDatabase.newSchemaName()
        let prefix = TestTemporal.newPrefix()
        defer { CommandLineTests.dropSchema(schema) }
        var environment = ActivityCoreProcess.environment(
            schema: schema,
            extra: [
                "ACTIVITY_DEFINITION_DIRS": folder.path, "ACTIVITY_SCHEDULE_PREFIX": prefix,
                "TEMPORAL_ADDRESS": proxy.address, "TEMPORAL_TLS_CA": certificates.caCertificate,
                "TEMPORAL_TLS_CERT": certificates.clientCertificate, "TEMPORAL_TLS_KEY": certificates.clientKey,
            ])
        try await CommandLineTests.deletingSchedules(prefix: prefix) {
            _ = try await ActivityCoreProcess.run(["migrate"], environment: environment)
            let sync = try await ActivityCoreProcess.run(["sync", "--json"], environment: environment)
            #expect(sync.status == 0, "\(sync.stdout) \(sync.stderr)")
            let report = try JSONValue.parse(Data(sync.stdout.utf8))
            #expect(report["schedules"]?["created"] == .integer(1), "\(sync.stdout)")
            // Seen through the dev server directly: the schedule is really there.
            let described = try await TestTemporal.withClient { client in
                try await TemporalScheduleService(client: client, callTimeout: TestTemporal.callTimeout)
                    .describeSchedule(id: prefix + "nightly")
            }
            #expect(described != nil)
            // Without the client certificate the endpoint refuses: the command fails, naming Temporal.
            environment["TEMPORAL_TLS_CERT"] = nil
            environment["TEMPORAL_TLS_KEY"] = nil
            let refused = try await ActivityCoreProcess.run(["sync", "--schedules"], environment: environment)
            #expect(refused.status != 0, "\(refused.stdout)")
        }
        await proxy.close()
    }
}
