import Definitions
import Foundation
import Runs

/// Starts manual runs: `activity-<id>:manual:<uuid>`, input `{"activity_id", "trigger": "manual"}`.
public struct ManualTrigger: ManualRunStarter {
    public let client: TemporalClient
    public let taskQueue: String

    public init(client: TemporalClient, taskQueue: String) {
        self.client = client
        self.taskQueue = taskQueue
    }

    public func start(activityID: String) async throws -> String {
        let workflowID = RunContract.manualWorkflowID(
            activityID: activityID, runToken: UUID().uuidString.lowercased())
        _ = try await self.client.startWorkflow(
            id: workflowID,
            type: RunContract.workflowType,
            taskQueue: self.taskQueue,
            input: RunInput(activityID: activityID, trigger: "manual").json.canonicalJSON()
        )
        return workflowID
    }
}
