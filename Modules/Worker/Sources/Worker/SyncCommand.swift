import ArgumentParser
import Definitions
import Foundation
import Postgres

/// `activity-core sync`: one sync run in-process. Exit 0 ok, 1 ran with errors, 2 usage or
/// cannot connect.
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

    var stages: SyncStages {
        if self.all { return .all }
        if !self.definitions && !self.schedules && !self.eventTypes { return .standard }
        return SyncStages(definitions: self.definitions, eventTypes: self.eventTypes, schedules: self.schedules)
    }

    func run() async throws {
        let configuration = try Configuration(environment: ProcessInfo.processInfo.environment)
        let logger = LoggerFactory(level: configuration.logLevel, format: configuration.logFormat).logger()
        let stages = self.stages
        let dryRun = self.dryRun
        let report: SyncReport
        do {
            report = try await ActivityDatabase.withClient(url: configuration.databaseURL, logger: logger) { client in
                let database = try ActivityDatabase(
                    client: client, schema: configuration.databaseSchema, logger: logger)
                let migrator = Migrator(database: database)
                if dryRun {
                    let pending = try await migrator.pending()
                    guard pending.isEmpty else {
                        throw DatabaseError(
                            .notMigrated, "the database has pending migrations \(pending); run activity-core migrate")
                    }
                } else {
                    try await migrator.migrate()
                }
                let runner = DefinitionsSyncRunner(
                    roots: configuration.definitionRoots,
                    definitions: PostgresDocumentStore<ActivityDefinition>(database: database),
                    eventTypes: PostgresDocumentStore<EventTypeDefinition>(database: database)
                )
                return await runner.run(stages: stages, dryRun: dryRun, logger: logger)
            }
        } catch {
            FileHandle.standardError.write(
                Data(
                    "activity-core sync: \(DatabaseError.describe(error)) (database \(configuration.databaseURL))\n"
                        .utf8))
            // An unmigrated database in a dry run is an error of the run (1); anything else
            // here means the database could not be reached or used (2).
            let notMigrated = (error as? DatabaseError)?.code == .notMigrated
            throw ExitCode(notMigrated ? 1 : 2)
        }
        print(self.json ? report.json() : report.text())
        if !report.ok { throw ExitCode(1) }
    }
}
