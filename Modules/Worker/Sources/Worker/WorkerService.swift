import Definitions
import Logging
import Postgres
import Schedules
import ServiceLifecycle
import Temporal

/// The worker's own service: migrates, runs the startup sync (all three stages, best
/// effort), then runs the Temporal worker (RunActivityWorkflow and its activities) until
/// graceful shutdown, which drains the tasks in hand. The router, HTTP server and loop come
/// as services of their own beside it.
struct WorkerService: Service {
    let configuration: Configuration
    let database: ActivityDatabase
    let temporal: TemporalClient
    let temporalWorker: TemporalWorker
    /// Opened after migrations and the startup sync; the router waits for it.
    let startup: StartupGate
    let logger: Logger

    func run() async throws {
        let applied = try await Migrator(database: self.database).migrate()
        self.logger.info(
            "database ready",
            metadata: ["db.migrations.applied": "\(applied)", "db.url": "\(self.configuration.databaseURL)"])
        if self.configuration.syncOnStartup {
            let runtime = CommandRuntime(
                configuration: self.configuration, database: self.database, temporal: self.temporal, logger: self.logger
            )
            // Best effort: a failing startup sync is logged and the worker keeps running.
            let report = await runtime.runner.run(stages: .all, dryRun: false, logger: self.logger)
            for error in report.errors {
                self.logger.warning(
                    "startup sync error",
                    metadata: [
                        "sync.stage": "\(error.stage)", "sync.item": "\(error.item)", "error": "\(error.message)",
                    ]
                )
            }
        }
        self.startup.open()
        self.logger.info("worker running; stop with SIGTERM or SIGINT")
        try await self.temporalWorker.run()
        self.logger.info("worker stopping")
    }
}
