import Coordination
import Logging
import ServiceLifecycle
import Sync

/// The worker's own service: prepares the stores (migrations), runs the startup sync (all
/// three stages, best effort), opens the startup gate, then runs the workflows (the Temporal
/// worker) until graceful shutdown, which drains the tasks in hand. The router, HTTP server
/// and loop are services of their own beside it.
struct WorkerService: Service, CustomStringConvertible {
    let prepare: @Sendable () async throws -> Void
    let sync: SyncService
    let syncOnStartup: Bool
    let workflows: any Service
    /// Opened after migrations and the startup sync; the router waits for it.
    let startup: StartupGate
    let logger: Logger

    func run() async throws {
        try await self.prepare()
        if self.syncOnStartup {
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
        try await self.workflows.run()
        self.logger.info("worker stopping")
    }

    /// What ServiceLifecycle logs of this service: its name, never its fields (they hold the
    /// configuration and its secrets).
    var description: String { "WorkerService" }
}
