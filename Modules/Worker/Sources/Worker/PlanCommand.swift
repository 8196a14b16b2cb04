import ArgumentParser
import Foundation
import Settings

/// `activity-core plan`: `sync --all --dry-run` printed as a diff. Never migrates. Exit 0
/// nothing to do, 3 changes pending, 1 errors (errors win over changes).
struct PlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract:
            "Show what a full sync would change (+ create, ~ update, = unchanged, || pause, > unpause, - delete, ! drift)."
    )

    @Flag(help: "Describe every owned schedule and compare all activity-core owns (drift the list does not show).")
    var refresh = false

    func run() async throws {
        let configuration = try Configuration(environment: ProcessInfo.processInfo.environment)
        let logger = LoggerFactory(level: configuration.logLevel, format: configuration.logFormat).logger()
        let report = try await SyncCommand.runSync(
            configuration, stages: .all, dryRun: true, refresh: self.refresh, migrate: false, logger: logger)
        let diff = report.diff()
        if !diff.isEmpty { print(diff) }
        // Every stage, also those with nothing to do.
        print(report.stageLines().joined(separator: "\n"))
        if !report.ok { throw ExitCode(1) }
        if !report.changes.isEmpty || !report.drift.isEmpty { throw ExitCode(3) }
    }
}
