import ArgumentParser
import Runs

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
        switch try await CommandRuntime.oneShot("cancel", { try await $0.runCanceller.cancel(workflowID: workflowID) })
        {
        case .requested: print("cancel requested for \(workflowID)")
        case .notFound: throw CommandRuntime.failure("cancel", "no run with workflow ID \(workflowID)")
        case .alreadyClosed(let status):
            throw CommandRuntime.failure("cancel", "the run \(workflowID) has ended already (\(status))")
        }
    }
}
