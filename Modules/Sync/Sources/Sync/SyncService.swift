import CoreMetrics
import Foundation
import Logging
import Synchronization

/// The one sync service behind startup, `POST /admin/sync`, the CLI and the background loop:
/// runs the requested stages (definitions, event types, schedules, in that order) holding
/// the sync lock, answers "busy" instead of queueing, and keeps the last result, start,
/// success and error for status and metrics.
public final class SyncService: Sendable {
    private struct State {
        var running = 0
        var lastStartedAt: Date?
        var lastSuccessAt: Date?
        var lastError: String?
        var lastResult: SyncReport?
        var lastTrigger: SyncTrigger?
    }

    let runner: any SyncStageRunner
    let lock: any SyncLock
    let metrics: SyncMetrics
    let logger: Logger
    /// The background loop's period, for status; 0 = off.
    public let intervalSeconds: Int
    /// Runs after every sync that wrote (not a dry run), before the sync answers: the
    /// worker refreshes its own routing index here, so the next event sees the change.
    let afterSync: (@Sendable (SyncReport) async -> Void)?
    private let state = Mutex(State())

    public init(
        runner: any SyncStageRunner,
        lock: any SyncLock,
        intervalSeconds: Int = 0,
        metrics: any MetricsFactory = NOOPMetricsHandler.instance,
        logger: Logger,
        afterSync: (@Sendable (SyncReport) async -> Void)? = nil
    ) {
        self.afterSync = afterSync
        self.runner = runner
        self.lock = lock
        self.intervalSeconds = intervalSeconds
        self.metrics = SyncMetrics(factory: metrics)
        self.logger = logger
    }

    /// Runs one sync of `stages`, or answers `.busy` at once when one is running anywhere.
    /// Throws only when the lock cannot be taken (the database is unreachable).
    public func sync(_ stages: SyncStages, dryRun: Bool, trigger: SyncTrigger) async throws -> SyncOutcome {
        try await self.sync(stages, dryRun: dryRun, allowEmpty: false, trigger: trigger)
    }

    /// `allowEmpty`: the run may retire every live definition or delete/pause every owned
    /// schedule (`allow_empty=true`, `--allow-empty`).
    public func sync(_ stages: SyncStages, dryRun: Bool, allowEmpty: Bool, trigger: SyncTrigger) async throws
        -> SyncOutcome
    {
        try await self.sync(stages, dryRun: dryRun, allowEmpty: allowEmpty, refresh: false, trigger: trigger)
    }

    /// `refresh`: describe every owned schedule and compare all activity-core owns
    /// (`refresh=true`, `--refresh`).
    public func sync(_ stages: SyncStages, dryRun: Bool, allowEmpty: Bool, refresh: Bool, trigger: SyncTrigger)
        async throws -> SyncOutcome
    {
        var logger = self.logger
        logger[metadataKey: "sync.trigger"] = "\(trigger.rawValue)"
        let report: SyncReport?
        do {
            report = try await self.lock.withLockIfAvailable { [logger] in
                self.started(dryRun: dryRun)
                let report = await self.runner.run(
                    stages: stages, dryRun: dryRun, allowEmpty: allowEmpty, refresh: refresh, logger: logger)
                if !dryRun, let afterSync = self.afterSync { await afterSync(report) }
                self.finished(report, trigger: trigger)
                return report
            }
        } catch {
            let message = "cannot take the sync lock: \(error)"
            self.state.withLock { $0.lastError = message }
            logger.error("sync not started", metadata: ["error": "\(message)"])
            throw SyncServiceError(message)
        }
        guard let report else {
            self.metrics.record(.busy)
            logger.info("sync skipped: another sync is running")
            return .busy
        }
        return .ran(report)
    }

    public func status() -> SyncStatus {
        self.state.withLock { state in
            SyncStatus(
                running: state.running > 0,
                intervalSeconds: self.intervalSeconds,
                lastStartedAt: state.lastStartedAt,
                lastSuccessAt: state.lastSuccessAt,
                lastError: state.lastError,
                lastResult: state.lastResult,
                lastTrigger: state.lastTrigger
            )
        }
    }

    private func started(dryRun: Bool) {
        self.state.withLock { state in
            state.running += 1
            if !dryRun { state.lastStartedAt = Date() }
        }
    }

    /// A dry run (plan, the console's Plan button) changes nothing and is not "the last sync":
    /// it leaves the last result, success and error as the last real sync left them.
    private func finished(_ report: SyncReport, trigger: SyncTrigger) {
        self.state.withLock { state in
            state.running -= 1
            guard !report.dryRun else { return }
            state.lastResult = report
            state.lastTrigger = trigger
            if report.ok {
                state.lastSuccessAt = Date()
                state.lastError = nil
            } else {
                state.lastError = report.errors.first.map { "\($0.stage) \($0.item): \($0.message)" } ?? "sync failed"
            }
        }
        self.metrics.record(.ran(report))
    }
}
