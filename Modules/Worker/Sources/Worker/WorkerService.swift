import Coordination
import Definitions
import Logging
import Postgres
import Schedules
import ServiceLifecycle
import Sync
import Temporal

/// The worker's own service: migrates, runs the startup sync (all three stages, best
/// effort), then runs the Temporal worker (RunActivityWorkflow and its activities) until
/// graceful shutdown, which drains the tasks in hand. The router, HTTP server and loop are
/// services of their own beside it.
struct WorkerService: Service, CustomStringConvertible {
    let configuration: Configuration
    let database: ActivityDatabase
    let sync: SyncService
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
            // Best effort: a failing startup sync is logged and the worker keeps running.
            do {
                switch try await self.sync.sync(.all, dryRun: false, trigger: .startup) {
                case .ran(let report):
                    for error in report.errors {
                        self.logger.warning(
                            "startup sync error",
                            metadata: [
                                "sync.stage": "\(error.stage)", "sync.item": "\(error.item)",
                                "error": "\(error.message)",
                            ]
                        )
                    }
                case .busy:
                    self.logger.info("startup sync skipped: another replica is syncing")
                }
            } catch {
                self.logger.warning("startup sync not run", metadata: ["error": "\(error)"])
            }
        }
        self.startup.open()
        self.logger.info("worker running; stop with SIGTERM or SIGINT")
        try await self.temporalWorker.run()
        self.logger.info("worker stopping")
    }
}

extension WorkerService {
    /// What ServiceLifecycle logs of this service: its name, never its fields (they hold the
    /// configuration and its secrets).
    var description: String { "WorkerService" }
}
