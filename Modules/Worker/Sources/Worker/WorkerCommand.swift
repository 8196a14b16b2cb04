import ArgumentParser
import Foundation
import Logging
import Postgres
import Prometheus
import ServiceLifecycle
import Settings

/// `activity-core worker`: the long-running process. Stops cleanly (exit 0) on SIGTERM/SIGINT,
/// after the activities in hand finished: those still running when `ACTIVITY_SHUTDOWN_GRACE_SECONDS`
/// runs out fail their attempt (retryable), and the process ends at most 10 s later.
struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker", abstract: "Run the worker until SIGTERM or SIGINT.")

    /// Seconds past `ACTIVITY_SHUTDOWN_GRACE_SECONDS` before the services are cancelled.
    static let answerMargin = 10

    func run() async throws {
        let configuration = try Configuration(environment: ProcessInfo.processInfo.environment)
        let logger = LoggerFactory(level: configuration.logLevel, format: configuration.logFormat).logger()
        let registry = PrometheusCollectorRegistry()
        let ports = try await WorkerPorts.live(
            configuration: configuration, metrics: WorkerGraph.metricsFactory(registry), logger: logger)
        if configuration.adminTokenSources.isEmpty {
            logger.warning(
                "no admin token (ACTIVITY_ADMIN_TOKEN, ACTIVITY_ADMIN_TOKEN_FILE) is set: /admin routes answer 403")
        }
        let graph = WorkerGraph(
            configuration: configuration, ports: ports, registry: registry, logger: logger)
        var groupConfiguration = ServiceGroupConfiguration(
            services: graph.services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        // The Temporal worker ends the activities still running when the grace runs out and
        // answers for them; the margin lets those answers (and the connections' drain) finish.
        groupConfiguration.maximumGracefulShutdownDuration = .seconds(
            configuration.shutdownGraceSeconds + Self.answerMargin)
        var failed = false
        do {
            try await ServiceGroup(configuration: groupConfiguration).run()
        } catch {
            logger.error("worker failed", metadata: ["error": "\(DatabaseError.describe(error))"])
            failed = true
        }
        await ports.close()
        if failed { throw ExitCode(1) }
    }
}
