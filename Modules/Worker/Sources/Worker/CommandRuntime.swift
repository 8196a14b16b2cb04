import AdminAPI
import ArgumentParser
import CoreMetrics
import Definitions
import Foundation
import Logging
import Postgres
import Schedules
import Settings
import Sync
import Temporal

/// The PostgreSQL and Temporal connections a one-shot command (sync, plan, trigger) needs,
/// opened from the configuration and closed when the command is done.
struct CommandRuntime: Sendable {
    typealias Runner = SyncRunner<
        PostgresDocumentStore<ActivityDefinition>,
        PostgresDocumentStore<EventTypeDefinition>,
        TemporalScheduleService,
        PostgresAppliedScheduleStore
    >

    let configuration: Configuration
    let database: ActivityDatabase
    let temporal: TemporalClient
    let logger: Logger

    /// What went wrong before a command could run: exit 2 (cannot connect).
    struct ConnectionFailure: Error, CustomStringConvertible {
        var description: String
    }

    /// A one-shot run command (`trigger`, `cancel`): the environment's configuration, both
    /// connections, `body`; any failure but a configuration error is printed as
    /// `activity-core <command>: ...` and exits 1.
    static func oneShot<Result: Sendable>(
        _ command: String, _ body: @Sendable (CommandRuntime) async throws -> Result
    ) async throws -> Result {
        let configuration = try Configuration(environment: ProcessInfo.processInfo.environment)
        let logger = LoggerFactory(level: configuration.logLevel, format: configuration.logFormat).logger()
        do {
            return try await Self.with(configuration, logger: logger, needsTemporal: true, body)
        } catch let error as ConfigurationError {
            throw error
        } catch {
            throw Self.failure(command, DatabaseError.describe(error))
        }
    }

    /// Prints `activity-core <command>: <message>` (`activity-core: <message>` without one) and
    /// gives the exit status.
    static func failure(_ command: String?, _ message: String, status: Int32 = 1) -> ExitCode {
        FileHandle.standardError.write(Data("activity-core\(command.map { " \($0)" } ?? ""): \(message)\n".utf8))
        return ExitCode(status)
    }

    /// Opens both connections; `needsTemporal` checks that Temporal answers before `body`.
    static func with<Result: Sendable>(
        _ configuration: Configuration,
        logger: Logger,
        needsTemporal: Bool,
        _ body: @Sendable (CommandRuntime) async throws -> Result
    ) async throws -> Result {
        let temporalConfiguration = try configuration.temporalConfiguration()
        do {
            try await ActivityDatabase.checkConnection(url: configuration.databaseURL, logger: logger)
        } catch {
            throw ConnectionFailure(description: error.message)
        }
        return try await ActivityDatabase.withClient(url: configuration.databaseURL, logger: logger) { client in
            let database = try ActivityDatabase(client: client, schema: configuration.databaseSchema, logger: logger)
            return try await TemporalClient.withClient(configuration: temporalConfiguration, logger: logger) {
                temporal in
                if needsTemporal {
                    do {
                        try await temporal.checkConnection()
                    } catch {
                        throw ConnectionFailure(
                            description: "cannot reach Temporal at \(temporalConfiguration.address): \(error)")
                    }
                }
                return try await body(
                    CommandRuntime(configuration: configuration, database: database, temporal: temporal, logger: logger)
                )
            }
        }
    }

    /// `cache`: parsed definition files kept between syncs, for a process that syncs again.
    func runner(cache: ParseCache? = nil) -> Runner {
        SyncRunner(
            roots: self.configuration.definitionRoots,
            definitions: PostgresDocumentStore(database: self.database),
            eventTypes: PostgresDocumentStore(database: self.database),
            schedules: ScheduleSync(
                service: TemporalScheduleService(
                    client: self.temporal, callTimeout: .seconds(self.configuration.temporalTimeoutSeconds)),
                applied: PostgresAppliedScheduleStore(database: self.database),
                projection: self.configuration.scheduleProjection,
                orphanPolicy: self.configuration.orphanSchedules,
                driftPolicy: self.configuration.drift
            ),
            loader: DefinitionLoader(cache: cache, limits: self.configuration.definitionLimits)
        )
    }

    /// The shared sync service over this runtime's stores and Temporal, holding the
    /// cross-replica advisory lock while it syncs. A long-lived service passes a parse cache.
    /// `afterSync` runs after each sync that wrote, before it answers.
    func syncService(
        intervalSeconds: Int = 0, metrics: any MetricsFactory = NOOPMetricsHandler.instance, cache: ParseCache? = nil,
        afterSync: (@Sendable (SyncReport) async -> Void)? = nil
    ) -> SyncService {
        SyncService(
            runner: self.runner(cache: cache),
            lock: PostgresSyncLock(database: self.database),
            intervalSeconds: intervalSeconds,
            metrics: metrics,
            logger: self.logger,
            afterSync: afterSync
        )
    }

    /// Manual runs of stored, live definitions (CLI `trigger` and the admin API alike).
    var runTrigger: StoreRunTrigger {
        StoreRunTrigger(
            definitions: PostgresDocumentStore<ActivityDefinition>(database: self.database),
            starter: ManualTrigger(client: self.temporal, taskQueue: self.configuration.taskQueue))
    }

    /// Fails with a message naming `activity-core migrate` when migrations are pending.
    func requireMigrated() async throws {
        let pending = try await Migrator(database: self.database).pending()
        guard pending.isEmpty else {
            throw DatabaseError(
                .notMigrated, "the database has pending migrations \(pending); run activity-core migrate")
        }
    }
}
