import ArgumentParser
import Foundation
import Runs
import Settings
import Temporal

/// `activity-core cancel WORKFLOW_ID`: asks Temporal to cancel a running run, as `POST
/// /admin/runs/{workflow_id}/cancel` does. Exit 0 when asked, 1 for an unknown workflow, one
/// that is not a run of activity-core, or one that has ended already.
struct CancelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cancel",
        abstract: "Cancel a running run (its action stops at its next heartbeat; the run ends cancelled).")

    @Argument(help: "The run's workflow ID (as GET /admin/runs lists it).") var workflowID: String

    func run() async throws {
        let workflowID = self.workflowID
        let configuration = try Configuration(environment: ProcessInfo.processInfo.environment)
        let logger = LoggerFactory(level: configuration.logLevel, format: configuration.logFormat).logger()
        let outcome: RunCancelOutcome
        do {
            // Temporal alone: a run can be cancelled while PostgreSQL is down.
            outcome = try await TemporalClient.withClient(
                configuration: try configuration.temporalConfiguration(), logger: logger
            ) { try await TemporalRunCanceller(client: $0).cancel(workflowID: workflowID) }
        } catch let error as ConfigurationError {
            throw error
        } catch {
            throw CommandRuntime.failure("cancel", "\(error)")
        }
        switch outcome {
        case .requested: print("cancel requested for \(workflowID)")
        case .notFound: throw CommandRuntime.failure("cancel", "no run with workflow ID \(workflowID)")
        case .alreadyClosed(let status):
            throw CommandRuntime.failure("cancel", "the run \(workflowID) has ended already (\(status))")
        }
    }
}
