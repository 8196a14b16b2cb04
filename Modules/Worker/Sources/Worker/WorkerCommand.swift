import ArgumentParser
import Foundation
import Logging
import Postgres
import Prometheus
import ServiceLifecycle
import Settings

/// `activity-core worker`: the long-running process. Stops cleanly (exit 0) on SIGTERM/SIGINT,
/// after the activities in hand finished (at most `ACTIVITY_SHUTDOWN_GRACE_SECONDS`).
struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker", abstract: "Run the worker until SIGTERM or SIGINT.")

    func run() async throws {
        let configuration = try Configuration(environment: ProcessInfo.processInfo.environment)
        let logger = LoggerFactory(level: configuration.logLevel, format: configuration.logFormat).logger()
        let ports = try await WorkerPorts.live(configuration: configuration, logger: logger)
        if configuration.adminToken == nil {
            logger.warning("ACTIVITY_ADMIN_TOKEN is not set: /admin routes answer 403")
        }
        let graph = WorkerGraph(
            configuration: configuration, ports: ports, registry: PrometheusCollectorRegistry(), logger: logger)
        var groupConfiguration = ServiceGroupConfiguration(
            services: graph.services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        groupConfiguration.maximumGracefulShutdownDuration = .seconds(configuration.shutdownGraceSeconds)
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
