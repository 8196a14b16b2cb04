import AdminAPI
import ArgumentParser
import AsyncHTTPClient
import CoreMetrics
import Definitions
import EventTypes
import Foundation
import HTTPActions
import Logging
import NATS
import NIOSSL
import Postgres
import PostgresNIO
import Runs
import Schedules
import ServiceLifecycle
import Settings
import Temporal

extension WorkerPorts {
    /// The ports over PostgreSQL, Temporal and NATS, from the configuration. Every setting is
    /// checked before anything is opened (a bad one is exit 2, not a crash on the way out);
    /// an unreachable PostgreSQL is exit 1, a Temporal namespace that does not exist (or that
    /// the credentials may not use) exit 2, an unreachable Temporal or NATS a warning (their
    /// clients keep trying; `/readyz` names Temporal until it answers).
    static func live(configuration: Configuration, metrics: any MetricsFactory, logger: Logger) async throws
        -> WorkerPorts
    {
        let temporalConfiguration = try configuration.temporalConfiguration()
        let natsConfiguration = try configuration.natsConfiguration()
        let adminTokens = try Self.adminTokens(configuration, logger: logger)
        let httpTLS = try Self.httpTLS(configuration)
        do {
            try await ActivityDatabase.checkConnection(url: configuration.databaseURL, logger: logger)
        } catch {
            FileHandle.standardError.write(Data("activity-core worker: \(error)\n".utf8))
            throw ExitCode(1)
        }
        try await Self.checkNamespace(temporalConfiguration, logger: logger)
        let client = PostgresClient(
            configuration: configuration.databaseURL.clientConfiguration(), backgroundLogger: logger)
        let database = try ActivityDatabase(client: client, schema: configuration.databaseSchema, logger: logger)
        let temporal = try TemporalClient(configuration: temporalConfiguration, metrics: metrics, logger: logger)
        let http = HTTPActionClients(concurrentActions: configuration.maxConcurrentActions)
        // One NATS connection for the router and the publisher: a service of its own that
        // (re)connects, and drains after the services that use it have stopped.
        let nats = NATSClient(configuration: natsConfiguration, logger: logger)
        let publisher = NATSEventPublisher(client: nats)
        let source = Self.eventSource(configuration, nats: nats, metrics: metrics, logger: logger)
        // The worker built below takes the first workflow task of the runs this process starts.
        let eagerStarts = EagerWorkflowStarts()
        let runtime = CommandRuntime(
            configuration: configuration, database: database, temporal: temporal, logger: logger)
        return WorkerPorts(
            syncRunner: runtime.runner(cache: ParseCache()),
            syncLock: PostgresSyncLock(database: database),
            definitions: PostgresDocumentStore<ActivityDefinition>(database: database),
            eventTypes: PostgresDocumentStore<EventTypeDefinition>(database: database),
            schedules: TemporalScheduleService(
                client: temporal, callTimeout: .seconds(configuration.temporalTimeoutSeconds)),
            runs: PostgresRunStore(database: database),
            events: source,
            starter: TemporalWorkflowStarter(client: temporal, taskQueue: configuration.taskQueue, eager: eagerStarts),
            manualRuns: ManualTrigger(client: temporal, taskQueue: configuration.taskQueue, eager: eagerStarts),
            runCanceller: TemporalRunCanceller(client: temporal),
            runWorkflowEnds: TemporalRunWorkflowEnds(client: temporal),
            runReconcileLock: PostgresSyncLock(
                sessions: database, key: AdvisoryLockKey.runReconcile(schema: database.schema).value),
            publisher: publisher,
            httpAction: HTTPActionExecutor(
                clients: http, policy: configuration.outboundPolicy,
                secrets: SecretDirectory(path: configuration.secretsDirectory)),
            appliedSchedules: PostgresAppliedScheduleStore(database: database),
            changeFeed: NotificationListener(
                url: configuration.databaseURL, channel: database.notificationChannel, logger: logger),
            adminTokens: adminTokens,
            audit: PostgresAuditLog(database: database),
            httpTLS: httpTLS,
            readinessChecks: [
                "postgres": { _ = try await database.client.query("SELECT 1", logger: database.logger).collect() },
                "temporal": { try await temporal.checkConnection() },
            ],
            describeError: { DatabaseError.describe($0) },
            prepare: {
                let applied = try await Migrator(database: database).migrate()
                logger.info(
                    "database ready",
                    metadata: ["db.migrations.applied": "\(applied)", "db.url": "\(configuration.databaseURL)"])
            },
            workflowRuntime: { set in
                TemporalWorker(
                    client: temporal, configuration: configuration.temporalWorkerConfiguration,
                    workflows: set.workflows, activities: set.activities, metrics: metrics, eagerStarts: eagerStarts,
                    logger: logger)
            },
            infrastructure: [client, TemporalClientService(client: temporal), nats],
            close: { await http.shutdown() }
        )
    }

    /// The HTTP server's TLS from `ACTIVITY_HTTP_TLS_CERT` and `ACTIVITY_HTTP_TLS_KEY`: a file
    /// that is no PEM certificate chain or key, or a key that does not match the certificate,
    /// stops the process (exit 2) naming the variables.
    static func httpTLS(_ configuration: Configuration) throws -> TLSConfiguration? {
        guard let certificatePath = configuration.httpTLSCertificatePath,
            let keyPath = configuration.httpTLSKeyPath
        else { return nil }
        do {
            let chain = try NIOSSLCertificate.fromPEMFile(certificatePath)
            guard !chain.isEmpty else { throw NIOSSLError.failedToLoadCertificate }
            var tls = TLSConfiguration.makeServerConfiguration(
                certificateChain: chain.map { .certificate($0) },
                privateKey: .privateKey(try NIOSSLPrivateKey(file: keyPath, format: .pem)))
            tls.minimumTLSVersion = .tlsv12
            // Loads both and checks that the key belongs to the certificate.
            _ = try NIOSSLContext(configuration: tls)
            return tls
        } catch {
            FileHandle.standardError.write(
                Data(
                    "activity-core worker: ACTIVITY_HTTP_TLS_CERT/ACTIVITY_HTTP_TLS_KEY: cannot serve TLS with \(certificatePath) and \(keyPath): \(error)\n"
                        .utf8))
            throw ExitCode(2)
        }
    }

    /// The admin API's tokens, each file read once: a file that went away or broke since the
    /// configuration was read stops the process (exit 2) naming it.
    static func adminTokens(_ configuration: Configuration, logger: Logger) throws -> AdminTokenSet {
        do {
            return try AdminTokenSet.load(sources: configuration.adminTokenSources, logger: logger)
        } catch {
            FileHandle.standardError.write(Data("activity-core worker: admin tokens: \(error)\n".utf8))
            throw ExitCode(2)
        }
    }

    /// Exit 2 when Temporal answers that the namespace does not exist or may not be used; a
    /// Temporal that does not answer is left to the readiness check.
    static func checkNamespace(_ configuration: TemporalConfiguration, logger: Logger) async throws {
        do {
            try await TemporalClient.withClient(configuration: configuration, logger: logger) { client in
                try await client.checkNamespace()
            }
        } catch let error as TemporalError where error.code == .notFound || error.code == .permissionDenied {
            let reason = error.code == .notFound ? "does not exist" : "may not be used with these credentials"
            FileHandle.standardError.write(
                Data(
                    "activity-core worker: TEMPORAL_NAMESPACE \"\(configuration.namespace)\" \(reason) at \(configuration.address): \(error.message)\n"
                        .utf8))
            throw ExitCode(2)
        } catch {
            logger.warning(
                "Temporal did not answer at startup; the worker starts and /readyz names it until it does",
                metadata: ["temporal.address": "\(configuration.address)", "error": "\(error)"])
        }
    }

    /// The router's source: the JetStream durable consumer, or core NATS subscriptions in a
    /// queue group when `ACTIVITY_EVENT_STREAM` is empty.
    static func eventSource(
        _ configuration: Configuration, nats: NATSClient, metrics: any MetricsFactory, logger: Logger
    )
        -> any RouterEventSource
    {
        guard !configuration.eventStream.isEmpty else {
            logger.warning(
                "ACTIVITY_EVENT_STREAM is empty: events are routed over core NATS, at most once",
                metadata: ["nats.queue": "\(configuration.eventConsumer)"])
            return CoreNATSEventSource(
                client: nats, queue: configuration.eventConsumer, subjects: configuration.eventSubjects,
                logger: logger)
        }
        return JetStreamEventSource(
            client: nats, stream: configuration.eventStream, consumer: configuration.eventConsumer,
            subjects: configuration.eventSubjects, limits: configuration.eventStreamLimits, logger: logger,
            metrics: metrics)
    }
}
