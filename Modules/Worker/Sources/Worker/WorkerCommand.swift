import ArgumentParser
import Foundation
import Postgres
import PostgresNIO
import ServiceLifecycle
import Temporal

/// `activity-core worker`: the long-running process. Stops cleanly (exit 0) on SIGTERM/SIGINT.
struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker", abstract: "Run the worker until SIGTERM or SIGINT.")

    func run() async throws {
        let configuration = try Configuration(environment: ProcessInfo.processInfo.environment)
        let logger = LoggerFactory(level: configuration.logLevel, format: configuration.logFormat).logger()
        let temporalConfiguration = try configuration.temporalConfiguration()
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
        let worker = WorkerService(configuration: configuration, database: database, temporal: temporal, logger: logger)
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [
                    .init(service: client),
                    .init(service: TemporalClientService(client: temporal)),
                    .init(
                        service: worker,
                        successTerminationBehavior: .gracefullyShutdownGroup,
                        failureTerminationBehavior: .gracefullyShutdownGroup
                    ),
                ],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
        do {
            try await group.run()
        } catch {
            logger.error("worker failed", metadata: ["error": "\(DatabaseError.describe(error))"])
            throw ExitCode(1)
        }
    }
}
