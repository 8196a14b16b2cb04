import Foundation
import NATS
import Testing

@testable import Settings

@Suite("Configuration from the environment")
struct ConfigurationTests {
    @Test("an empty environment gives the contract's defaults")
    func defaults() throws {
        let configuration = try Configuration(environment: [:])
        #expect(configuration.databaseURL.host == "127.0.0.1")
        #expect(configuration.databaseURL.database == "activity_core")
        #expect(configuration.temporalAddress == "127.0.0.1:7233")
        #expect(configuration.temporalNamespace == "default")
        #expect(configuration.natsURLs == ["nats://127.0.0.1:4222"])
        #expect(configuration.definitionRoots == ["./definitions"])
        #expect(configuration.taskQueue == "orchestrator-tq")
        #expect(configuration.schedulePrefix == "activity-schedule-")
        #expect(configuration.orphanSchedules == .delete)
        #expect(configuration.eventSubjects == ["activity.>", "org.>"])
        #expect(configuration.eventStream == "ACTIVITY_EVENTS")
        #expect(configuration.eventConsumer == "activity-core-router")
        #expect(configuration.httpHost == "127.0.0.1")
        #expect(configuration.httpPort == 8010)
        #expect(configuration.adminToken == nil)
        #expect(configuration.syncOnStartup)
        #expect(configuration.syncIntervalSeconds == 0)
        #expect(configuration.defaultActionURL == nil)
        #expect(configuration.logLevel == "info")
        #expect(configuration.logFormat == .text)
    }

    @Test("NATS in a cluster: ping interval, server order and event replicas, with their ranges")
    func natsClusterSettings() throws {
        let defaults = try Configuration(environment: [:])
        #expect(defaults.natsPingIntervalSeconds == 20 && !defaults.natsNoRandomize && defaults.eventReplicas == 1)
        let nats = try defaults.natsConfiguration()
        #expect(nats.pingInterval == .seconds(20) && nats.randomize && nats.maxPingsOutstanding == 2)
        let set = try Configuration(environment: [
            "NATS_PING_INTERVAL_SECONDS": "5", "NATS_NO_RANDOMIZE": "true", "ACTIVITY_EVENT_REPLICAS": "3",
        ])
        #expect(try set.natsConfiguration().pingInterval == .seconds(5))
        #expect(try !set.natsConfiguration().randomize)
        #expect(set.eventStreamLimits.replicas == 3)
        for (name, value) in [
            ("NATS_PING_INTERVAL_SECONDS", "0"), ("NATS_PING_INTERVAL_SECONDS", "3601"), ("NATS_NO_RANDOMIZE", "maybe"),
            ("ACTIVITY_EVENT_REPLICAS", "0"), ("ACTIVITY_EVENT_REPLICAS", "6"),
        ] {
            #expect(throws: ConfigurationError.self, "\(name)=\(value)") {
                try Configuration(environment: [name: value])
            }
        }
    }

    @Test("HTTP server limits: header and idle timeouts and the connection cap, with their ranges")
    func httpServerLimits() throws {
        let defaults = try Configuration(environment: [:])
        #expect(defaults.httpHeaderTimeoutSeconds == 10 && defaults.httpIdleTimeoutSeconds == 60)
        #expect(defaults.httpMaxConnections == 512)
        let set = try Configuration(environment: [
            "ACTIVITY_HTTP_HEADER_TIMEOUT_SECONDS": "3", "ACTIVITY_HTTP_IDLE_TIMEOUT_SECONDS": "120",
            "ACTIVITY_HTTP_MAX_CONNECTIONS": "64",
        ])
        #expect(set.httpHeaderTimeoutSeconds == 3 && set.httpIdleTimeoutSeconds == 120 && set.httpMaxConnections == 64)
        for (name, value) in [
            ("ACTIVITY_HTTP_HEADER_TIMEOUT_SECONDS", "0"), ("ACTIVITY_HTTP_HEADER_TIMEOUT_SECONDS", "3601"),
            ("ACTIVITY_HTTP_IDLE_TIMEOUT_SECONDS", "0"), ("ACTIVITY_HTTP_IDLE_TIMEOUT_SECONDS", "soon"),
            ("ACTIVITY_HTTP_MAX_CONNECTIONS", "0"), ("ACTIVITY_HTTP_MAX_CONNECTIONS", "-5"),
        ] {
            #expect(throws: ConfigurationError.self, "\(name)=\(value)") {
                try Configuration(environment: [name: value])
            }
        }
    }

    @Test("ACTIVITY_HTTP_ALLOW: none by default; entries reach the loader's warnings; a bad entry is named")
    func httpAllow() throws {
        let defaults = try Configuration(environment: [:])
        #expect(defaults.outboundPolicy.allowed.isEmpty)
        let set = try Configuration(environment: ["ACTIVITY_HTTP_ALLOW": "10.20.0.0/16, hooks.internal,*.svc"])
        #expect(set.outboundPolicy.allowed.map(\.description) == ["10.20.0.0/16", "hooks.internal", "*.svc"])
        #expect(set.definitionLimits.outboundPolicy == set.outboundPolicy)
        #expect(set.description.contains("httpAllow: 10.20.0.0/16,hooks.internal,*.svc"))
        do {
            _ = try Configuration(environment: ["ACTIVITY_HTTP_ALLOW": "10.0.0.0/8,10.0.0.0/40"])
            Issue.record("a bad entry was accepted")
        } catch {
            #expect("\(error)".contains("ACTIVITY_HTTP_ALLOW") && "\(error)".contains("10.0.0.0/40"), "\(error)")
        }
    }

    @Test("ACTIVITY_HTTP_TLS_CERT and _KEY: both or neither, readable files; tokens: files checked at startup")
    func httpTLSAndTokenFiles() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("settings-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let pem = folder.appendingPathComponent("a.pem").path
        try "x".write(toFile: pem, atomically: true, encoding: .utf8)
        let both = try Configuration(environment: ["ACTIVITY_HTTP_TLS_CERT": pem, "ACTIVITY_HTTP_TLS_KEY": pem])
        #expect(both.httpTLSCertificatePath == pem && both.httpTLSKeyPath == pem)
        for (environment, named) in [
            (["ACTIVITY_HTTP_TLS_CERT": pem], "ACTIVITY_HTTP_TLS_CERT"),
            (["ACTIVITY_HTTP_TLS_KEY": pem], "ACTIVITY_HTTP_TLS_KEY"),
            (["ACTIVITY_HTTP_TLS_CERT": pem, "ACTIVITY_HTTP_TLS_KEY": "/nonexistent.key"], "ACTIVITY_HTTP_TLS_KEY"),
        ] {
            do {
                _ = try Configuration(environment: environment)
                Issue.record("\(environment) was accepted")
            } catch {
                #expect("\(error)".contains(named), "\(error)")
            }
        }
        let tokens = folder.appendingPathComponent("tokens").path
        try "ops:abcdefghij0123456789\n".write(toFile: tokens, atomically: true, encoding: .utf8)
        let configured = try Configuration(environment: [
            "ACTIVITY_ADMIN_TOKEN_FILE": tokens, "ACTIVITY_READ_TOKEN": "r", "ACTIVITY_ADMIN_TOKEN": "a",
        ])
        #expect(configured.adminTokenSources.count == 3)
        #expect(
            !configured.description.contains("abcdefghij0123456789")
                && !configured.description.contains("readToken: r,"))
        try "ops:\n".write(toFile: tokens, atomically: true, encoding: .utf8)
        do {
            _ = try Configuration(environment: ["ACTIVITY_READ_TOKEN_FILE": tokens])
            Issue.record("a bad token file was accepted")
        } catch {
            #expect("\(error)".contains("ACTIVITY_READ_TOKEN_FILE") && "\(error)".contains("line 1"), "\(error)")
        }
    }

    @Test("ACTIVITY_SECRETS_DIR must be a folder")
    func secretsDirectory() throws {
        #expect(try Configuration(environment: [:]).secretsDirectory == nil)
        let folder = FileManager.default.temporaryDirectory.path
        #expect(try Configuration(environment: ["ACTIVITY_SECRETS_DIR": folder]).secretsDirectory == folder)
        do {
            _ = try Configuration(environment: ["ACTIVITY_SECRETS_DIR": "/nonexistent/secrets"])
            Issue.record("a missing folder was accepted")
        } catch {
            #expect("\(error)".contains("ACTIVITY_SECRETS_DIR") && "\(error)".contains("/nonexistent/secrets"))
        }
    }

    @Test("an empty ACTIVITY_EVENT_STREAM selects core NATS; unset keeps the default stream")
    func emptyEventStream() throws {
        #expect(try Configuration(environment: ["ACTIVITY_EVENT_STREAM": ""]).eventStream == "")
        #expect(try Configuration(environment: ["ACTIVITY_EVENT_STREAM": "  "]).eventStream == "")
        #expect(try Configuration(environment: ["ACTIVITY_EVENT_STREAM": "EVENTS"]).eventStream == "EVENTS")
        #expect(try Configuration(environment: ["ACTIVITY_ROUTER_REFRESH_SECONDS": "5"]).routerRefreshSeconds == 5)
        #expect(throws: ConfigurationError.self) {
            try Configuration(environment: ["ACTIVITY_ROUTER_REFRESH_SECONDS": "0"])
        }
    }

    @Test("aliases are honoured and the primary name wins")
    func aliases() throws {
        let aliased = try Configuration(environment: [
            "ACTCORE_DB_URL": "postgresql+asyncpg://a:b@db:5433/x", "TEMPORAL_HOST": "temporal:7233",
        ])
        #expect(aliased.databaseURL.host == "db")
        #expect(aliased.databaseURL.port == 5433)
        #expect(aliased.temporalAddress == "temporal:7233")
        let both = try Configuration(environment: [
            "DATABASE_URL": "postgres://a@primary/x", "ACTCORE_DB_URL": "postgres://a@alias/x",
        ])
        #expect(both.databaseURL.host == "primary")
    }

    @Test("definition roots split on : and ,")
    func roots() throws {
        let configuration = try Configuration(environment: ["ACTIVITY_DEFINITION_DIRS": "/a:/b,/c"])
        #expect(configuration.definitionRoots == ["/a", "/b", "/c"])
    }

    @Test(
        "LOG_LEVEL is case-insensitive and takes warn and err",
        arguments: [
            ("WARN", "warning"), ("err", "error"), ("Debug", "debug"), ("warning", "warning"),
        ])
    func logLevels(value: String, expected: String) throws {
        #expect(try Configuration(environment: ["LOG_LEVEL": value]).logLevel == expected)
    }

    @Test("limits and deadlines: ACTIVITY_MAX_FILE_BYTES, file read, statement and Temporal timeouts")
    func limitsAndDeadlines() throws {
        let defaults = try Configuration(environment: [:])
        #expect(defaults.maxFileBytes == 1_048_576)
        #expect(defaults.databaseStatementTimeoutSeconds == 30)
        #expect(defaults.temporalTimeoutSeconds == 30)
        #expect(defaults.definitionLimits.readTimeout == .seconds(30))
        let set = try Configuration(environment: [
            "ACTIVITY_MAX_FILE_BYTES": "4096", "ACTIVITY_DB_STATEMENT_TIMEOUT_SECONDS": "0",
            "ACTIVITY_FILE_READ_TIMEOUT_SECONDS": "3",
            "ACTIVITY_TEMPORAL_TIMEOUT_SECONDS": "5", "DATABASE_URL": "postgres://u:p@db:5433/x",
        ])
        #expect(set.definitionLimits.maxFileBytes == 4_096)
        #expect(set.definitionLimits.readTimeout == .seconds(3))
        #expect(set.databaseURL.statementTimeoutSeconds == nil)
        #expect(set.temporalTimeoutSeconds == 5)
        let timeout = try Configuration(environment: [
            "ACTIVITY_DB_STATEMENT_TIMEOUT_SECONDS": "7", "DATABASE_URL": "postgres://u:p@db:5433/x",
        ])
        #expect(timeout.databaseURL.statementTimeoutSeconds == 7)
        #expect(timeout.databaseURL.port == 5433)
    }

    @Test(
        "a bad value names the variable",
        arguments: [
            ("DATABASE_URL", "mysql://x"),
            ("ACTIVITY_SYNC_INTERVAL_SECONDS", "5"),
            ("ACTIVITY_SYNC_INTERVAL_SECONDS", "soon"),
            ("ACTIVITY_ORPHAN_SCHEDULES", "archive"),
            ("ACTIVITY_HTTP_PORT", "70000"),
            ("ACTIVITY_SYNC_ON_STARTUP", "maybe"),
            ("LOG_LEVEL", "loud"),
            ("LOG_FORMAT", "xml"),
            ("TEMPORAL_ADDRESS", "no-port"),
            ("ACTIVITY_DEFAULT_ACTION_URL", "ftp://x"),
            ("ACTIVITY_DB_SCHEMA", "Bad-Schema"),
            ("ACTIVITY_MAX_FILE_BYTES", "12"),
            ("ACTIVITY_MAX_FILE_BYTES", "lots"),
            ("ACTIVITY_DB_STATEMENT_TIMEOUT_SECONDS", "-1"),
            ("ACTIVITY_TEMPORAL_TIMEOUT_SECONDS", "0"),
            ("ACTIVITY_FILE_READ_TIMEOUT_SECONDS", "0"),
            ("ACTIVITY_FILE_READ_TIMEOUT_SECONDS", "3601"),
            ("ACTIVITY_FILE_READ_TIMEOUT_SECONDS", "soon"),
        ]
    )
    func refused(variable: String, value: String) {
        #expect {
            try Configuration(environment: [variable: value])
        } throws: { error in
            (error as? ConfigurationError)?.variable == variable
        }
    }

    @Test("a TLS file that cannot be read is an error naming its variable and path")
    func unreadableTLSFiles() throws {
        let configuration = try Configuration(environment: [
            "TEMPORAL_TLS_CERT": "/nonexistent/client.pem", "TEMPORAL_TLS_KEY": "/nonexistent/client.key",
        ])
        do {
            _ = try configuration.temporalConfiguration()
            Issue.record("a missing certificate was accepted")
        } catch {
            #expect(error.variable == "TEMPORAL_TLS_CERT")
            #expect(error.message.contains("/nonexistent/client.pem"))
        }
        let withCA = try Configuration(environment: ["TEMPORAL_TLS_CA": "/nonexistent/ca.pem"])
        #expect(throws: ConfigurationError.self) { try withCA.temporalConfiguration() }
        let ca = FileManager.default.temporaryDirectory.appendingPathComponent("ca-\(UUID().uuidString).pem")
        try Data("-----BEGIN CERTIFICATE-----\n".utf8).write(to: ca)
        defer { try? FileManager.default.removeItem(at: ca) }
        let readable = try Configuration(environment: ["TEMPORAL_TLS_CA": ca.path])
        #expect(try readable.temporalConfiguration().usesTLS)
    }

    @Test("NATS TLS files: certificate and key together, readable, passed to the NATS settings")
    func natsTLS() throws {
        #expect(throws: ConfigurationError.self) { try Configuration(environment: ["NATS_TLS_CERT": "/c.pem"]) }
        let missing = try Configuration(environment: ["NATS_TLS_CA": "/nonexistent/ca.pem"])
        do {
            _ = try missing.natsConfiguration()
            Issue.record("a missing CA file was accepted")
        } catch {
            #expect(error.variable == "NATS_TLS_CA")
        }
        let ca = FileManager.default.temporaryDirectory.appendingPathComponent("nats-ca-\(UUID().uuidString).pem")
        try Data("-----BEGIN CERTIFICATE-----\n".utf8).write(to: ca)
        defer { try? FileManager.default.removeItem(at: ca) }
        let nats = try Configuration(environment: ["NATS_TLS_CA": ca.path, "NATS_URL": "tls://n1:4443,n2"])
            .natsConfiguration()
        #expect(nats.tls.caPath == ca.path)
        #expect(nats.tls.isConfigured)
        #expect(nats.servers.map(\.requiresTLS) == [true, false])
    }

    @Test("the sync interval accepts 0 and 10 and more")
    func interval() throws {
        #expect(try Configuration(environment: ["ACTIVITY_SYNC_INTERVAL_SECONDS": "0"]).syncIntervalSeconds == 0)
        #expect(try Configuration(environment: ["ACTIVITY_SYNC_INTERVAL_SECONDS": "10"]).syncIntervalSeconds == 10)
    }

    @Test("an error about a secret never contains its value")
    func secretsNotPrinted() {
        do {
            _ = try Configuration(environment: ["DATABASE_URL": "mysql://user:hunter2@db/x"])
            Issue.record("expected a configuration error")
        } catch {
            #expect(!"\(error)".contains("hunter2"))
        }
    }

    @Test("event stream settings: names and subjects checked at startup, limits in range, exit 2 naming the variable")
    func eventSettings() throws {
        let defaults = try Configuration(environment: [:])
        #expect(defaults.eventMaxDeliver == 10)
        #expect(defaults.eventMaxAgeSeconds == 604_800)
        #expect(defaults.eventMaxBytes == 1_073_741_824)
        let set = try Configuration(environment: [
            "ACTIVITY_EVENT_MAX_DELIVER": "3", "ACTIVITY_EVENT_MAX_AGE_SECONDS": "60",
            "ACTIVITY_EVENT_MAX_BYTES": "2097152", "TEMPORAL_NAMESPACE": "prod.eu-1",
        ])
        #expect(set.eventStreamLimits == EventStreamLimits(maxAge: .seconds(60), maxBytes: 2_097_152, maxDeliver: 3))
        #expect(set.temporalNamespace == "prod.eu-1")
        let refused: [(String, String)] = [
            ("ACTIVITY_EVENT_STREAM", "ACTIVITY.EVENTS"), ("ACTIVITY_EVENT_STREAM", "a b"),
            ("ACTIVITY_EVENT_CONSUMER", "router*"), ("ACTIVITY_EVENT_CONSUMER", "a/b"),
            ("ACTIVITY_EVENT_SUBJECTS", "activity.>,org..x"), ("ACTIVITY_EVENT_SUBJECTS", "a.>.b"),
            ("TEMPORAL_NAMESPACE", "my namespace"), ("TEMPORAL_NAMESPACE", String(repeating: "n", count: 1_001)),
            ("ACTIVITY_EVENT_MAX_DELIVER", "0"), ("ACTIVITY_EVENT_MAX_DELIVER", "-1"),
            ("ACTIVITY_EVENT_MAX_AGE_SECONDS", "0"), ("ACTIVITY_EVENT_MAX_BYTES", "1000"),
        ]
        for (variable, value) in refused {
            let error = #expect(throws: ConfigurationError.self, "\(variable)=\(value)") {
                try Configuration(environment: [variable: value])
            }
            #expect(error?.variable == variable)
        }
    }

    @Test("a configuration describes, reflects and dumps itself without its secrets")
    func redacted() throws {
        let configuration = try Configuration(environment: [
            "ACTIVITY_ADMIN_TOKEN": "tok-SECRET-1", "TEMPORAL_API_KEY": "key-SECRET-2",
            "DATABASE_URL": "postgres://u:pw-SECRET-3@db/x",
            "NATS_URL": "nats://n:pw-SECRET-4@nats:4222,nats://tk-SECRET-5@b:4222,u:pw-SECRET-7@c:4222",
            "ACTIVITY_DEFAULT_ACTION_URL": "https://hook.example/run?token=q-SECRET-6",
        ])
        var dumped = ""
        dump(configuration, to: &dumped)
        for text in [
            "\(configuration)", String(reflecting: configuration), dumped,
            "\(try configuration.temporalConfiguration())",
            "\(try configuration.natsConfiguration())",
        ] {
            #expect(!text.contains("SECRET"), "\(text)")
        }
        #expect("\(configuration)".contains("taskQueue: orchestrator-tq"))
        #expect("\(configuration)".contains("https://hook.example/run"))
    }
}
