import ArgumentParser
import Foundation
import Postgres
import Settings

/// `activity-core migrate`: apply pending database migrations and exit.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate", abstract: "Apply database migrations and exit.")

    func run() async throws {
        let configuration = try Configuration(environment: ProcessInfo.processInfo.environment)
        let logger = LoggerFactory(level: configuration.logLevel, format: configuration.logFormat).logger()
        do {
            let applied = try await ActivityDatabase.withClient(url: configuration.databaseURL, logger: logger) {
                client in
                let database = try ActivityDatabase(
                    client: client, schema: configuration.databaseSchema, logger: logger)
                return try await Migrator(database: database).migrate()
            }
            print(
                applied.isEmpty
                    ? "database is up to date"
                    : "applied migration(s) \(applied.map(String.init).joined(separator: ", "))")
        } catch {
            throw CommandRuntime.failure(
                "migrate", "\(DatabaseError.describe(error)) (database \(configuration.databaseURL))")
        }
    }
}
