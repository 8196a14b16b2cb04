import ArgumentParser
import Definitions
import Foundation
import Postgres
import Runs
import Temporal

/// `activity-core trigger ID`: starts one run now (`trigger` = `manual`, workflow ID
/// `activity-<id>:manual:<uuid>`) and prints the workflow ID. Exit 1 for an unknown or retired id.
struct TriggerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trigger", abstract: "Start one run of a definition now.")

    @Argument(help: "The definition's id.") var id: String

    func run() async throws {
        let configuration = try Configuration(environment: ProcessInfo.processInfo.environment)
        let logger = LoggerFactory(level: configuration.logLevel, format: configuration.logFormat).logger()
        let id = self.id
        let outcome: String?
        do {
            outcome = try await CommandRuntime.with(configuration, logger: logger, needsTemporal: true) { runtime in
                try await runtime.requireMigrated()
                // The same rule as `POST /admin/definitions/{id}/trigger`: a stored, live definition.
                return try await runtime.runTrigger.trigger(activityID: id)
            }
        } catch let error as ConfigurationError {
            throw error
        } catch {
            FileHandle.standardError.write(Data("activity-core trigger: \(DatabaseError.describe(error))\n".utf8))
            throw ExitCode(1)
        }
        guard let workflowID = outcome else {
            FileHandle.standardError.write(
                Data("activity-core trigger: no live definition \(id) (unknown or retired)\n".utf8))
            throw ExitCode(1)
        }
        print(workflowID)
    }
}
