import ArgumentParser
import Definitions
import Foundation
import Logging
import Postgres
import Settings
import Sync

/// `activity-core sync`: one sync run in-process, through the shared sync service and its
/// lock. Exit 0 ok, 1 ran with errors or another sync was running, 2 usage or cannot connect.
struct SyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Run one sync (no flag = definitions + schedules).",
        discussion: "Applies pending migrations first unless --dry-run."
    )

    @Flag(help: "Sync definition files into the database.") var definitions = false
    @Flag(help: "Sync Temporal schedules from cron definitions.") var schedules = false
    @Flag(name: .customLong("event-types"), help: "Sync event types.") var eventTypes = false
    @Flag(help: "All three stages.") var all = false
    @Flag(name: .customLong("dry-run"), help: "Report what would change; write nothing anywhere.") var dryRun = false
    @Flag(help: "Print the contract's JSON report.") var json = false
    @Flag(
        name: .customLong("allow-empty"),
        help: "Allow retiring every live definition or deleting/pausing every owned schedule.")
    var allowEmpty = false
    @Flag(help: "Describe every owned schedule and compare all activity-core owns (drift the list does not show).")
    var refresh = false

    var stages: SyncStages {
        if self.all { return .all }
        if !self.definitions && !self.schedules && !self.eventTypes { return .standard }
        return SyncStages(definitions: self.definitions, eventTypes: self.eventTypes, schedules: self.schedules)
    }

    func run() async throws {
        let configuration = try Configuration(environment: ProcessInfo.processInfo.environment)
        let logger = LoggerFactory(level: configuration.logLevel, format: configuration.logFormat).logger()
        let report = try await Self.runSync(
            configuration, stages: self.stages, dryRun: self.dryRun, allowEmpty: self.allowEmpty,
            refresh: self.refresh, migrate: !self.dryRun, logger: logger)
        print(self.json ? report.json() : report.text())
        if !report.ok { throw ExitCode(1) }
    }

    struct SyncBusy: Error {}

    /// Runs one sync; prints a one-line reason and exits 2 when it cannot connect, 1 when the
    /// database is not migrated and `migrate` is false.
    static func runSync(
        _ configuration: Configuration,
        stages: SyncStages,
        dryRun: Bool,
        allowEmpty: Bool = false,
        refresh: Bool = false,
        migrate: Bool,
        logger: Logger
    ) async throws -> SyncReport {
        do {
            return try await CommandRuntime.with(configuration, logger: logger, needsTemporal: stages.schedules) {
                runtime in
                if migrate {
                    try await Migrator(database: runtime.database).migrate()
                } else {
                    try await runtime.requireMigrated()
                }
                switch try await runtime.syncService().sync(
                    stages, dryRun: dryRun, allowEmpty: allowEmpty, refresh: refresh, trigger: .cli)
                {
                case .ran(let report): return report
                case .busy: throw SyncBusy()
                }
            }
        } catch is SyncBusy {
            throw CommandRuntime.failure(nil, "another sync is running (this or another replica); try again later")
        } catch let error as DatabaseError where error.code == .notMigrated {
            throw CommandRuntime.failure(nil, "\(error.message) (\(error.code.rawValue))")
        } catch let error as ConfigurationError {
            throw error
        } catch {
            throw CommandRuntime.failure(
                nil, "\(DatabaseError.describe(error)) (database \(configuration.databaseURL))", status: 2)
        }
    }
}
