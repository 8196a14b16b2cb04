import ArgumentParser
import Foundation

/// `activity-core trigger ID`: starts one run now (`trigger` = `manual`, workflow ID
/// `activity-<id>:manual:<uuid>`) and prints the workflow ID. Exit 1 for an unknown or retired id.
struct TriggerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trigger", abstract: "Start one run of a definition now.")

    @Argument(help: "The definition's id.") var id: String

    func run() async throws {
        let id = self.id
        let started = try await CommandRuntime.oneShot("trigger") { runtime in
            try await runtime.requireMigrated()
            // The same rule as `POST /admin/definitions/{id}/trigger`: a stored, live definition.
            return try await runtime.runTrigger.trigger(activityID: id)
        }
        guard let workflowID = started else {
            throw CommandRuntime.failure("trigger", "no live definition \(id) (unknown or retired)")
        }
        print(workflowID)
    }
}
