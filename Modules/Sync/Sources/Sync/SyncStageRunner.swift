import Logging

/// Runs the requested stages of one sync and reports: `SyncRunner` over real or in-memory
/// stores and services.
public protocol SyncStageRunner: Sendable {
    /// `allowEmpty`: whether the run may retire every live definition or delete/pause every
    /// owned schedule (CONTRACT section 8). `refresh`: describe every owned schedule and
    /// compare all activity-core owns (drift the list does not show).
    func run(stages: SyncStages, dryRun: Bool, allowEmpty: Bool, refresh: Bool, logger: Logger) async -> SyncReport
}

extension SyncStageRunner {
    public func run(stages: SyncStages, dryRun: Bool, logger: Logger) async -> SyncReport {
        await self.run(stages: stages, dryRun: dryRun, allowEmpty: false, refresh: false, logger: logger)
    }

    public func run(stages: SyncStages, dryRun: Bool, allowEmpty: Bool, logger: Logger) async -> SyncReport {
        await self.run(stages: stages, dryRun: dryRun, allowEmpty: allowEmpty, refresh: false, logger: logger)
    }
}

extension SyncRunner: SyncStageRunner {}
