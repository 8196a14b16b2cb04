import AdminAPI
import Coordination
import Definitions
import EventTypes
import Logging
import NATS
import Prometheus
import Runs
import ServiceLifecycle
import Settings
import Sync
import Temporal

/// The worker process as values: from the configuration and the ports, the services to run
/// (in start order) and what the admin API answers from. Building it does no I/O:
/// `WorkerCommand` builds it over PostgreSQL, Temporal and NATS (`WorkerPorts.live`), unit
/// tests over in-memory twins.
public struct WorkerGraph {
    public let services: [ServiceGroupConfiguration.ServiceConfiguration]
    public let admin: AdminDependencies
    public let sync: SyncService
    public let router: EventRouter
    public let index: StoreRoutingIndexProvider
    public let startup: StartupGate

    /// `registry`: every metric of this process, for `/metrics`; passed down, never
    /// bootstrapped globally.
    public init(
        configuration: Configuration, ports: WorkerPorts, registry: PrometheusCollectorRegistry, logger: Logger
    ) {
        let metrics = Self.metricsFactory(registry)
        ContractMetrics.register(metrics)
        let startup = StartupGate()
        let index = Self.routingIndex(configuration, ports: ports, logger: logger)
        // A sync of this process has refreshed this process's index before it answers; NOTIFY
        // tells the other replicas (CONTRACT section 8).
        let sync = SyncService(
            runner: ports.syncRunner, lock: ports.syncLock, intervalSeconds: configuration.syncIntervalSeconds,
            metrics: metrics, logger: logger,
            afterSync: { _ in
                do {
                    try await index.refresh()
                } catch {
                    logger.warning(
                        "routing index not refreshed after the sync; the next check does it",
                        metadata: ["error": "\(error)"])
                }
            })
        let router = EventRouter(
            source: ports.events, starter: ports.starter, index: index, logger: logger,
            maxDeliver: configuration.eventStream.isEmpty ? nil : configuration.eventMaxDeliver,
            deadLetters: PublishingDeadLetters(publisher: ports.publisher), metrics: metrics)
        let workflows = RunWorkflowSet(
            taskQueue: configuration.taskQueue, definitions: ports.definitions, runs: ports.runs,
            actions: ActionRunner(
                http: ports.httpAction, natsPublish: NATSPublishActionExecutor(publisher: ports.publisher),
                echo: EchoActionExecutor(logger: logger)),
            publisher: ports.publisher, defaultActionURL: configuration.defaultActionURL, metrics: metrics)

        // A connection that fails for good (a NATS client giving up) shuts the worker down
        // gracefully: the activities in hand finish first.
        var services = ports.infrastructure.map {
            ServiceGroupConfiguration.ServiceConfiguration(
                service: $0, failureTerminationBehavior: .gracefullyShutdownGroup)
        }
        services.append(
            .init(
                service: WorkerService(
                    prepare: ports.prepare, sync: sync, syncOnStartup: configuration.syncOnStartup,
                    workflows: ports.workflowRuntime(workflows), startup: startup, logger: logger),
                successTerminationBehavior: .gracefullyShutdownGroup,
                failureTerminationBehavior: .gracefullyShutdownGroup))
        services.append(
            .init(service: EventRouterService(router: router, source: ports.events, startup: startup, logger: logger)))
        services.append(
            .init(
                service: RunReconciler(
                    runs: ports.runs, workflows: ports.runWorkflowEnds,
                    finisher: RunFinisher(runs: ports.runs, publisher: ports.publisher, metrics: metrics),
                    lock: ports.runReconcileLock, interval: .seconds(configuration.runReconcileSeconds), logger: logger)
            ))
        services.append(
            .init(
                service: RoutingIndexRefresher(
                    provider: index, feed: ports.changeFeed,
                    fallbackInterval: .seconds(configuration.routerRefreshSeconds), startup: startup, logger: logger)))
        if configuration.syncIntervalSeconds > 0 {
            services.append(
                .init(
                    service: SyncLoopService(
                        sync: sync, interval: .seconds(configuration.syncIntervalSeconds), startup: startup,
                        logger: logger)))
        }
        let catalog = StoreDefinitionCatalog(
            store: ports.definitions, schedules: ports.schedules, projection: configuration.scheduleProjection,
            metrics: metrics, applied: ports.appliedSchedules)
        let missedFires = MissedFiresRefresher(catalog: catalog)
        services.append(.init(service: missedFires))
        let admin = AdminDependencies(
            sync: sync,
            definitions: catalog,
            trigger: StoreRunTrigger(definitions: ports.definitions, starter: ports.manualRuns),
            cancel: ports.runCanceller,
            runs: StoreRunHistory(runs: ports.runs),
            readiness: ServiceReadiness(
                checks: ports.readinessChecks, events: ports.events, feed: ports.changeFeed, startup: startup,
                describe: ports.describeError),
            metrics: PrometheusExporter(registry: registry, missedFires: missedFires),
            tokens: ports.adminTokens
                ?? AdminTokenSet(
                    tokens: configuration.adminTokenSources.compactMap {
                        if case .literal(let token) = $0 { token } else { nil }
                    }, logger: logger),
            audit: ports.audit, metricsFactory: metrics
        )
        services.append(
            .init(
                service: AdminServer(
                    host: configuration.httpHost, port: configuration.httpPort, dependencies: admin,
                    limits: HTTPServerLimits(
                        headerTimeout: .seconds(configuration.httpHeaderTimeoutSeconds),
                        idleTimeout: .seconds(configuration.httpIdleTimeoutSeconds),
                        maxConnections: configuration.httpMaxConnections),
                    tls: ports.httpTLS, logger: logger,
                    onRunning: { port in
                        logger.info(
                            "http server listening",
                            metadata: [
                                "http.host": "\(configuration.httpHost)", "http.port": "\(port)",
                                "http.tls": "\(ports.httpTLS != nil)",
                            ])
                    }),
                failureTerminationBehavior: .gracefullyShutdownGroup))
        (self.services, self.admin, self.sync) = (services, admin, sync)
        (self.router, self.index, self.startup) = (router, index, startup)
    }

    /// The process's metrics factory over `registry`, with the Temporal SDKs' histogram buckets.
    static func metricsFactory(_ registry: PrometheusCollectorRegistry) -> PrometheusMetricsFactory {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets.merge(TemporalWorkerMetrics.buckets) { $1 }
        return factory
    }

    /// The router's in-memory index over the stores; each rebuild steers the stream's subjects.
    static func routingIndex(_ configuration: Configuration, ports: WorkerPorts, logger: Logger)
        -> StoreRoutingIndexProvider
    {
        let source = ports.events
        return StoreRoutingIndexProvider(
            definitions: ports.definitions,
            eventTypes: ports.eventTypes,
            listener: ports.changeFeed,
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
}
