import Logging

/// Runs the requested stages of one sync and reports: `SyncRunner` over real or in-memory
/// stores and services.
public protocol SyncStageRunner: Sendable {
    func run(stages: SyncStages, dryRun: Bool, logger: Logger) async -> SyncReport
}

extension SyncRunner: SyncStageRunner {}
