import Foundation
import NIOCore
import Testing

@testable import NATS

/// Issue 25, item 5: NKEY and JWT (`.creds`) authentication against private `nats-server`s
/// whose keys and JWTs the test makes: the server, not this code, decides that the key
/// encoding, the nonce's signature and the JWTs are right.
@Suite("NATS credentials against real servers")
struct NATSCredentialsIntegrationTests {
    /// A new key of `role`: its seed (as written in a file) and the key.
    static func newKey(_ role: NKey.Role) throws -> (seed: String, key: NKey) {
        let seed = NKey.seed(role: role, raw: (0..<32).map { _ in UInt8.random(in: 0...255) })
        return (seed, try NKey(seed: seed))
    }

    /// A NATS JWT (`ed25519-nkey`) of `subject` with the `nats` claims, signed by `issuer`.
    static func jwt(subject: String, name: String, nats: [String: Any], issuer: NKey) throws -> String {
        func encode(_ object: [String: Any]) throws -> String {
            NKey.base64URL(try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]))
        }
        let header = try encode(["typ": "JWT", "alg": "ed25519-nkey"])
        let claims = try encode([
            "jti": UUID().uuidString.replacingOccurrences(of: "-", with: ""),
            "iat": Int(Date().timeIntervalSince1970), "iss": issuer.publicKey, "sub": subject, "name": name,
            "nats": nats,
        ])
        return "\(header).\(claims).\(try issuer.sign("\(header).\(claims)"))"
    }

    static func creds(jwt: String, seed: String) -> String {
        """
        -----BEGIN NATS USER JWT-----
        \(jwt)
        ------END NATS USER JWT------

        -----BEGIN USER NKEY SEED-----
        \(seed)
        ------END USER NKEY SEED------

        """
    }

    static func connect(_ url: String, credentials: NATSCredentials) async throws -> NATSClient {
        var configuration = try NATSConfiguration(urls: [url])
        configuration.maxReconnectAttempts = 0
        configuration.credentials = credentials
        return try await NATSClient.connect(configuration: configuration, logger: TestDatabase.logger)
    }

    @Test("NKEY: the user's seed connects; another seed and none are refused, the seed in no message")
    func nkey() async throws {
        let user = try Self.newKey(.user)
        let other = try Self.newKey(.user)
        let server = try await PrivateNATSServer(authorization: "users = [ { nkey: \"\(user.key.publicKey)\" } ]")
        let folder = try TemporaryFolder()
        try folder.write("user.nk", user.seed + "\n")
        try folder.write("other.nk", other.seed + "\n")

        let client = try await Self.connect(server.url, credentials: .nkeySeed(path: folder.path + "/user.nk"))
        #expect(try await NATSAuthIntegrationTests.roundTrip(client) == "ok")
        await client.close()

        for (credentials, secret) in [
            (NATSCredentials.nkeySeed(path: folder.path + "/other.nk"), other.seed), (nil, user.seed),
        ] {
            do {
                var configuration = try NATSConfiguration(urls: [server.url])
                configuration.maxReconnectAttempts = 0
                configuration.credentials = credentials
                let refused = try await NATSClient.connect(configuration: configuration, logger: TestDatabase.logger)
                await refused.close()
                Issue.record("connected with \(credentials as Any)")
            } catch let error as NATSError {
                #expect(error.code == .connectionFailed)
                #expect(error.message.contains("Authorization Violation"), "\(error.message)")
                #expect(!error.message.contains(secret))
            }
        }
        try await server.stop()
    }

    @Test(".creds in operator mode: the user JWT and seed connect; a JWT with another user's seed is refused")
    func creds() async throws {
        let operatorKey = try Self.newKey(.operator)
        let account = try Self.newKey(.account)
        let user = try Self.newKey(.user)
        let other = try Self.newKey(.user)
        let operatorJWT = try Self.jwt(
            subject: operatorKey.key.publicKey, name: "it-operator", nats: ["type": "operator", "version": 2],
            issuer: operatorKey.key)
        let unlimited: [String: Any] = [
            "subs": -1, "data": -1, "payload": -1, "imports": -1, "exports": -1, "wildcards": true, "conn": -1,
            "leaf": -1,
        ]
        let accountJWT = try Self.jwt(
            subject: account.key.publicKey, name: "it-account",
            nats: ["type": "account", "version": 2, "limits": unlimited], issuer: operatorKey.key)
        let userJWT = try Self.jwt(
            subject: user.key.publicKey, name: "it-user",
            nats: ["type": "user", "version": 2, "pub": [:], "sub": [:], "subs": -1, "data": -1, "payload": -1],
            issuer: account.key)
        let server = try await PrivateNATSServer(
            config: """
                operator: "\(operatorJWT)"
                resolver: MEMORY
                resolver_preload: {
                  \(account.key.publicKey): "\(accountJWT)"
                }
                authorization {
                  timeout: 10
                }
                """, jetStream: false)
        let folder = try TemporaryFolder()
        try folder.write("user.creds", Self.creds(jwt: userJWT, seed: user.seed))
        try folder.write("stolen.creds", Self.creds(jwt: userJWT, seed: other.seed))

        let client = try await Self.connect(server.url, credentials: .creds(path: folder.path + "/user.creds"))
        #expect(try await NATSAuthIntegrationTests.roundTrip(client) == "ok")
        await client.close()
        do {
            let refused = try await Self.connect(server.url, credentials: .creds(path: folder.path + "/stolen.creds"))
            await refused.close()
            Issue.record("connected with a JWT and another user's seed")
        } catch let error as NATSError {
            #expect(error.code == .connectionFailed)
            #expect(error.message.contains("Authorization Violation"), "\(error.message)")
            #expect(!error.message.contains(other.seed) && !error.message.contains(userJWT))
        }

        // The worker with NATS_CREDS at LOG_LEVEL=trace: connected, and neither the seed nor the
        // JWT in anything it wrote.
        let schema = TestDatabase.newSchemaName()
        defer { CommandLineTests.dropSchema(schema) }
        let definitions = try TemporaryFolder()
        try definitions.write("manual.yaml", "id: manual\naction: {type: echo}\n")
        let environment = ActivityCoreProcess.workerEnvironment(
            schema: schema, definitions: definitions.path,
            extra: [
                "NATS_URL": server.url, "NATS_CREDS": folder.path + "/user.creds", "ACTIVITY_EVENT_STREAM": "",
                "LOG_LEVEL": "trace",
            ])
        let (process, out, err) = try ActivityCoreProcess.start(["worker"], environment: environment)
        let log = try await ActivityCoreProcess.waitForLog(
            "connected to NATS", in: err, of: process, timeout: .seconds(60))
        _ = try await ActivityCoreProcess.terminate(process)
        let output =
            log + ((try? String(contentsOf: out, encoding: .utf8)) ?? "")
            + ((try? String(contentsOf: err, encoding: .utf8)) ?? "")
        #expect(output.contains("connected to NATS"), "\(output.suffix(3_000))")
        #expect(!output.contains(user.seed) && !output.contains(userJWT))
        #expect(!output.contains(String(userJWT.split(separator: ".")[1])))
        try await server.stop()
    }

    @Test("a publish the user may not make fails with the server's words; the connection goes on")
    func permissionViolation() async throws {
        let server = try await PrivateNATSServer(
            authorization: """
                users = [ { user: "limited", password: "pw", permissions: {
                  publish: { allow: ["allowed.>", "_INBOX.>", "$JS.API.>"] }, subscribe: { allow: [">"] } } } ]
                """)
        var configuration = try NATSConfiguration(urls: ["nats://limited:pw@127.0.0.1:\(server.port)"])
        configuration.maxReconnectAttempts = 0
        let client = try await NATSClient.connect(configuration: configuration, logger: TestDatabase.logger)
        let publisher = NATSEventPublisher(client: client, acknowledgementTimeout: .seconds(5))
        do {
            try await publisher.publish(subject: "denied.x", payload: Data("{}".utf8), messageID: "m-1")
            Issue.record("a denied publish succeeded")
        } catch let error as NATSError {
            #expect(error.message.contains("Permissions Violation") && error.message.contains("denied.x"), "\(error)")
        }
        // No stream captures it: a core publish, which the server takes.
        try await publisher.publish(subject: "allowed.x", payload: Data("{}".utf8), messageID: "m-2")
        #expect(client.reconnectCount == 0)
        await client.close()
        try await server.stop()
    }

    @Test("NATS_CREDS and NATS_NKEY_SEED: a file that is not one, or both set, is exit 2 naming the variable")
    func badSettings() async throws {
        let folder = try TemporaryFolder()
        try folder.write("bad.nk", "SUNOTASEED\n")
        try folder.write("bad.creds", "hello\n")
        for extra in [
            ["NATS_NKEY_SEED": folder.path + "/bad.nk"], ["NATS_CREDS": folder.path + "/bad.creds"],
            ["NATS_CREDS": folder.path + "/missing.creds"],
            ["NATS_CREDS": folder.path + "/bad.creds", "NATS_NKEY_SEED": folder.path + "/bad.nk"],
        ] {
            let outcome = try await ActivityCoreProcess.run(
                ["worker"], environment: ActivityCoreProcess.environment(schema: "public", extra: extra))
            #expect(outcome.status == 2, "\(extra): \(outcome.stderr)")
            let variable = extra.keys.contains("NATS_CREDS") ? "NATS_CREDS" : "NATS_NKEY_SEED"
            #expect(outcome.stderr.contains(variable), "\(outcome.stderr)")
            #expect(!outcome.stderr.contains("SUNOTASEED"))
        }
    }
}
