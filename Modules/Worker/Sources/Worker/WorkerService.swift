import Definitions
import Logging
import Postgres
import ServiceLifecycle

/// The worker's own service: migrates, runs the startup sync (best effort), then serves until
/// graceful shutdown. Later issues add the Temporal pollers, router, HTTP server and loop as
/// services of their own beside it.
struct WorkerService: Service {
    let configuration: Configuration
    let database: ActivityDatabase
    let logger: Logger

    func run() async throws {
        let applied = try await Migrator(database: self.database).migrate()
        self.logger.info(
            "database ready",
            metadata: ["db.migrations.applied": "\(applied)", "db.url": "\(self.configuration.databaseURL)"])
        if self.configuration.syncOnStartup {
            let runner = DefinitionsSyncRunner(
                roots: self.configuration.definitionRoots,
                definitions: PostgresDocumentStore<ActivityDefinition>(database: self.database),
                eventTypes: PostgresDocumentStore<EventTypeDefinition>(database: self.database)
            )
            // Best effort: a failing startup sync is logged and the worker keeps running.
            let report = await runner.run(
                stages: SyncStages(definitions: true, eventTypes: true, schedules: false), dryRun: false,
                logger: self.logger)
            for error in report.errors {
                self.logger.warning(
                    "startup sync error",
                    metadata: [
                        "sync.stage": "\(error.stage)", "sync.item": "\(error.item)", "error": "\(error.message)",
                    ])
            }
        }
        self.logger.info("worker running; stop with SIGTERM or SIGINT")
        try? await gracefulShutdown()
        self.logger.info("worker stopping")
    }
}
