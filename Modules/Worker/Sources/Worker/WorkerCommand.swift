import AdminAPI
import ArgumentParser
import AsyncHTTPClient
import Coordination
import CoreMetrics
import Definitions
import EventTypes
import Foundation
import Logging
import NATS
import Postgres
import PostgresNIO
import Prometheus
import Runs
import Schedules
import ServiceLifecycle
import Sync
import Temporal

/// `activity-core worker`: the long-running process. Stops cleanly (exit 0) on SIGTERM/SIGINT,
/// after the activities in hand finished (at most `ACTIVITY_SHUTDOWN_GRACE_SECONDS`).
struct WorkerCommand: AsyncParsableCommand {
    /// The router's source: the JetStream durable consumer, or core NATS subscriptions in a
    /// queue group when `ACTIVITY_EVENT_STREAM` is empty.
    static func eventSource(_ configuration: Configuration, nats: NATSConfiguration, logger: Logger)
        -> any RouterEventSource
    {
        if configuration.eventStream.isEmpty {
            return CoreNATSEventSource(
                configuration: nats,
                queue: configuration.eventConsumer,
                subjects: configuration.eventSubjects,
                logger: logger
            )
        }
        return JetStreamEventSource(
            configuration: nats,
            stream: configuration.eventStream,
            consumer: configuration.eventConsumer,
            subjects: configuration.eventSubjects,
            limits: configuration.eventStreamLimits,
            logger: logger
        )
    }

    /// The router's in-memory index over the stores; each rebuild steers the stream's subjects.
    static func routingIndex(
        _ configuration: Configuration, source: any RouterEventSource, database: ActivityDatabase,
        listener: ListenerState, logger: Logger
    ) -> StoreRoutingIndexProvider {
        StoreRoutingIndexProvider(
            definitions: PostgresDocumentStore<ActivityDefinition>(database: database),
            eventTypes: PostgresDocumentStore<EventTypeDefinition>(database: database),
            listener: listener,
            onRebuild: { index in
                let (subjects, left) = SubjectPattern.streamSubjects(
                    configured: configuration.eventSubjects, extra: index.subjects)
                if !left.isEmpty {
                    logger.error(
                        "event type subjects overlap others in part and are left out of the stream; events only they match are not kept",
                        metadata: ["nats.subjects.left": "\(left)", "nats.subjects": "\(subjects)"])
                }
                for (subject, types) in index.sharedSubjects.sorted(by: { $0.key < $1.key }) {
                    logger.error(
                        "event types share a subject; untyped events on it go to the first",
                        metadata: ["nats.subject": "\(subject)", "event_types": "\(types)"])
                }
                await source.require(subjects: subjects)
            }
        )
    }

    /// The event router and its index refresher (LISTEN/NOTIFY + fallback check).
    static func routerServices(
        _ configuration: Configuration,
        source: any RouterEventSource,
        index: StoreRoutingIndexProvider,
        listener: ListenerState,
        database: ActivityDatabase,
        temporal: TemporalClient,
        publisher: any EventPublisher,
        startup: StartupGate,
        metrics: any MetricsFactory,
        logger: Logger
    ) -> [ServiceGroupConfiguration.ServiceConfiguration] {
        let router = EventRouter(
            source: source,
            starter: TemporalWorkflowStarter(client: temporal, taskQueue: configuration.taskQueue),
            index: index,
            logger: logger,
            maxDeliver: configuration.eventStream.isEmpty ? nil : configuration.eventMaxDeliver,
            deadLetters: PublishingDeadLetters(publisher: publisher),
            metrics: metrics
        )
        if configuration.eventStream.isEmpty {
            logger.warning(
                "ACTIVITY_EVENT_STREAM is empty: events are routed over core NATS, at most once",
                metadata: ["nats.queue": "\(configuration.eventConsumer)"])
        }
        return [
            .init(service: EventRouterService(router: router, source: source, startup: startup, logger: logger)),
            .init(
                service: RoutingIndexRefresher(
                    provider: index,
                    listener: NotificationListener(
                        url: configuration.databaseURL, channel: database.notificationChannel, state: listener,
                        logger: logger),
                    fallbackInterval: .seconds(configuration.routerRefreshSeconds),
                    startup: startup,
                    logger: logger
                )),
        ]
    }

    static let configuration = CommandConfiguration(
        commandName: "worker", abstract: "Run the worker until SIGTERM or SIGINT.")

    func run() async throws {
        let configuration = try Configuration(environment: ProcessInfo.processInfo.environment)
        let logger = LoggerFactory(level: configuration.logLevel, format: configuration.logFormat).logger()
        // Every setting is checked before anything is opened: a bad one is a clear error
        // (exit 2), not a crash on the way out.
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
        let publisher = NATSEventPublisher(configuration: natsConfiguration, logger: logger)
        do {
            try await publisher.connect()
        } catch {
            // Not fatal: publishing connects again on use, and the activity retries until then.
            logger.warning("NATS not reachable at startup", metadata: ["error": "\(error)"])
        }
        // Every metric of this process, for /metrics; passed down, never bootstrapped globally.
        let registry = PrometheusCollectorRegistry()
        let metrics = PrometheusMetricsFactory(registry: registry)
        ContractMetrics.register(metrics)
        let runtime = CommandRuntime(
            configuration: configuration, database: database, temporal: temporal, logger: logger)
        let source = Self.eventSource(configuration, nats: natsConfiguration, logger: logger)
        let listener = ListenerState()
        let index = Self.routingIndex(
            configuration, source: source, database: database, listener: listener, logger: logger)
        // A sync of this process has refreshed this process's index before it answers; NOTIFY
        // tells the other replicas (CONTRACT section 8).
        let sync = runtime.syncService(
            intervalSeconds: configuration.syncIntervalSeconds, metrics: metrics, cache: ParseCache(),
            afterSync: { _ in
                do {
                    try await index.refresh()
                } catch {
                    logger.warning(
                        "routing index not refreshed after the sync; the next check does it",
                        metadata: ["error": "\(error)"])
                }
            })
        let startup = StartupGate()
        let worker = WorkerService(
            configuration: configuration,
            database: database,
            sync: sync,
            temporalWorker: RunWorkerFactory.make(
                client: temporal,
                database: database,
                taskQueue: configuration.taskQueue,
                defaultActionURL: configuration.defaultActionURL,
                http: http,
                publisher: publisher,
                logger: logger,
                metrics: metrics
            ),
            startup: startup,
            logger: logger
        )
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: client),
            .init(service: TemporalClientService(client: temporal)),
            .init(
                service: worker,
                successTerminationBehavior: .gracefullyShutdownGroup,
                failureTerminationBehavior: .gracefullyShutdownGroup
            ),
        ]
        services += Self.routerServices(
            configuration, source: source, index: index, listener: listener, database: database, temporal: temporal,
            publisher: publisher,
            startup: startup, metrics: metrics, logger: logger)
        if configuration.syncIntervalSeconds > 0 {
            services.append(
                .init(
                    service: SyncLoopService(
                        sync: sync, interval: .seconds(configuration.syncIntervalSeconds), startup: startup,
                        logger: logger)))
        }
        let definitions = PostgresDocumentStore<ActivityDefinition>(database: database)
        let catalog = StoreDefinitionCatalog(
            store: definitions,
            schedules: TemporalScheduleService(
                client: temporal, callTimeout: .seconds(configuration.temporalTimeoutSeconds)),
            projection: configuration.scheduleProjection, metrics: metrics)
        let admin = AdminDependencies(
            sync: sync,
            definitions: catalog,
            trigger: runtime.runTrigger,
            runs: StoreRunHistory(runs: PostgresRunStore(database: database)),
            readiness: WorkerReadiness(
                database: database, temporal: temporal, events: source, listener: listener, startup: startup),
            metrics: PrometheusExporter(registry: registry, catalog: catalog),
            adminToken: configuration.adminToken
        )
        if configuration.adminToken == nil {
            logger.warning("ACTIVITY_ADMIN_TOKEN is not set: /admin routes answer 403")
        }
        services.append(
            .init(
                service: AdminServer(
                    host: configuration.httpHost, port: configuration.httpPort, dependencies: admin, logger: logger,
                    onRunning: { port in
                        logger.info(
                            "http server listening",
                            metadata: ["http.host": "\(configuration.httpHost)", "http.port": "\(port)"])
                    }),
                failureTerminationBehavior: .gracefullyShutdownGroup
            ))
        var groupConfiguration = ServiceGroupConfiguration(
            services: services,
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger
        )
        groupConfiguration.maximumGracefulShutdownDuration = .seconds(configuration.shutdownGraceSeconds)
        let group = ServiceGroup(configuration: groupConfiguration)
        var failed = false
        do {
            try await group.run()
        } catch {
            logger.error("worker failed", metadata: ["error": "\(DatabaseError.describe(error))"])
            failed = true
        }
        try? await http.shutdown()
        await publisher.close()
        await source.close()
        if failed { throw ExitCode(1) }
    }
}
