import Definitions
import Foundation
import Runs

/// Starts manual runs: `activity-<id>:manual:<uuid>`, input `{"activity_id", "trigger": "manual"}`.
public struct ManualTrigger: ManualRunStarter {
    public let client: TemporalClient
    public let taskQueue: String
    /// This process's worker, which may take the run's first workflow task from the start.
    public let eager: EagerWorkflowStarts?

    public init(client: TemporalClient, taskQueue: String, eager: EagerWorkflowStarts? = nil) {
        self.client = client
        self.taskQueue = taskQueue
        self.eager = eager
    }

    public func start(activityID: String) async throws -> String {
        let workflowID = RunContract.manualWorkflowID(
            activityID: activityID, runToken: UUID().uuidString.lowercased())
        _ = try await self.client.startWorkflow(
            id: workflowID,
            type: RunContract.workflowType,
            taskQueue: self.taskQueue,
            input: RunInput(activityID: activityID, trigger: "manual").json.canonicalJSON(),
            eager: self.eager
        )
        return workflowID
    }
}
