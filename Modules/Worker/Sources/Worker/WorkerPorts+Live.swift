import ArgumentParser
import AsyncHTTPClient
import Definitions
import EventTypes
import Foundation
import HTTPActions
import Logging
import NATS
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
    /// an unreachable PostgreSQL is exit 1, an unreachable NATS a warning (its client keeps
    /// trying, and the router and publishing fail until it connects).
    static func live(configuration: Configuration, logger: Logger) async throws -> WorkerPorts {
        let temporalConfiguration = try configuration.temporalConfiguration()
        let natsConfiguration = try configuration.natsConfiguration()
        do {
            try await ActivityDatabase.checkConnection(url: configuration.databaseURL, logger: logger)
        } catch {
            FileHandle.standardError.write(Data("activity-core worker: \(error)\n".utf8))
            throw ExitCode(1)
        }
        let client = PostgresClient(
            configuration: configuration.databaseURL.clientConfiguration(), backgroundLogger: logger)
        let database = try ActivityDatabase(client: client, schema: configuration.databaseSchema, logger: logger)
        let temporal = try TemporalClient(configuration: temporalConfiguration, logger: logger)
        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        // One NATS connection for the router and the publisher: a service of its own that
        // (re)connects, and drains after the services that use it have stopped.
        let nats = NATSClient(configuration: natsConfiguration, logger: logger)
        let publisher = NATSEventPublisher(client: nats)
        let source = Self.eventSource(configuration, nats: nats, logger: logger)
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
            starter: TemporalWorkflowStarter(client: temporal, taskQueue: configuration.taskQueue),
            manualRuns: ManualTrigger(client: temporal, taskQueue: configuration.taskQueue),
            runCanceller: TemporalRunCanceller(client: temporal),
            runWorkflowEnds: TemporalRunWorkflowEnds(client: temporal),
            runReconcileLock: PostgresSyncLock(
                sessions: database, key: AdvisoryLockKey.runReconcile(schema: database.schema).value),
            publisher: publisher,
            httpAction: HTTPActionExecutor(client: http),
            appliedSchedules: PostgresAppliedScheduleStore(database: database),
            changeFeed: NotificationListener(
                url: configuration.databaseURL, channel: database.notificationChannel, logger: logger),
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
                    client: temporal, configuration: TemporalWorkerConfiguration(taskQueue: configuration.taskQueue),
                    workflows: set.workflows, activities: set.activities, logger: logger)
            },
            infrastructure: [client, TemporalClientService(client: temporal), nats],
            close: { try? await http.shutdown() }
        )
    }

    /// The router's source: the JetStream durable consumer, or core NATS subscriptions in a
    /// queue group when `ACTIVITY_EVENT_STREAM` is empty.
    static func eventSource(_ configuration: Configuration, nats: NATSClient, logger: Logger)
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
            subjects: configuration.eventSubjects, limits: configuration.eventStreamLimits, logger: logger)
    }
}
