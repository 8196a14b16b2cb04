import Coordination
import Logging
import ServiceLifecycle

/// `ACTIVITY_SYNC_INTERVAL_SECONDS`: the all-stages sync on a period, with jitter so that
/// replicas do not line up. A tick that meets another sync is skipped (the service answers
/// busy at once); a failure is logged and kept in the status. It never blocks startup (it
/// waits for it) nor task processing (it runs beside them).
public struct SyncLoopService: Service, CustomStringConvertible {
    let sync: SyncService
    let interval: Duration
    let startup: StartupGate
    let logger: Logger

    public init(sync: SyncService, interval: Duration, startup: StartupGate, logger: Logger) {
        self.sync = sync
        self.interval = interval
        self.startup = startup
        self.logger = logger
    }

    /// The wait before a tick: the interval, give or take 10 %.
    static func delay(interval: Duration, random: Double) -> Duration {
        interval * (0.9 + 0.2 * random)
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            await self.startup.wait()
            self.logger.info("background sync running", metadata: ["sync.interval": "\(self.interval)"])
            while !Task.isCancelled {
                do {
                    try await Task.sleep(for: Self.delay(interval: self.interval, random: Double.random(in: 0...1)))
                } catch {
                    break
                }
                do {
                    if case .busy = try await self.sync.sync(.all, dryRun: false, trigger: .loop) {
                        self.logger.info("background sync tick skipped: another sync is running")
                    }
                } catch {
                    self.logger.warning("background sync failed to start", metadata: ["error": "\(error)"])
                }
            }
        }
    }
}

extension SyncLoopService {
    /// What ServiceLifecycle logs of this service: its name, never its fields (they hold the
    /// configuration and its secrets).
    public var description: String { "SyncLoopService" }
}
